"""Reports for clinic admins: attendance at one clinic, or across the admin's own clinics."""

from django.urls import path

from needlecare.web.views import attendance_report

urlpatterns = [
    path(
        "staff/clinics/<slug:slug>/attendance/",
        attendance_report.clinic_report,
        name="staff-attendance",
    ),
    path(
        "staff/clinics/<slug:slug>/attendance.csv",
        attendance_report.clinic_report_csv,
        name="staff-attendance-csv",
    ),
    path("staff/attendance/", attendance_report.practice_report, name="staff-attendance-all"),
    path(
        "staff/attendance.csv",
        attendance_report.practice_report_csv,
        name="staff-attendance-all-csv",
    ),
]
