"""The working day's pages and the patient's record as a hub (the staff home page and the
record itself are named in urls.py: "staff-home" and "staff-patient")."""

from django.urls import path

from needlecare.web.views import patient, patient_record

urlpatterns = [
    path("me/details/", patient.my_details, name="my-details"),
    path("staff/patients/<int:patient_id>/edit/", patient_record.edit, name="staff-patient-edit"),
    path(
        "staff/patients/<int:patient_id>/invite/",
        patient_record.invite,
        name="staff-patient-invite",
    ),
]
