from django.urls import include, path

from needlecare.web import language
from needlecare.web.views import (
    accounts,
    my_records,
    patient,
    patient_record,
    public,
    screening,
    staff,
    today,
    two_factor,
)

urlpatterns = [
    # Public pages
    path("", public.home, name="home"),
    path("check/", public.check, name="check"),
    path("book/", public.book, name="book"),
    path("healthz", public.healthz, name="healthz"),
    path("language/", language.choose, name="language"),
    # Accounts
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password-change"),
    path("accounts/password/done/", accounts.password_change_done, name="password-change-done"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/register/sent/", accounts.register_sent, name="register-sent"),
    path(
        "accounts/register/confirm/<uidb64>/<token>/",
        accounts.register_confirm,
        name="register-confirm",
    ),
    path("accounts/session/", accounts.session_status, name="session-status"),
    path("accounts/after-login/", accounts.after_login, name="after-login"),
    path("accounts/two-factor/", two_factor.verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor.enrol, name="two-factor-enrol"),
    # Patients
    path("me/", patient.dashboard, name="patient-home"),
    path("me/records.zip", my_records.my_records, name="my-records"),
    path("screening/", screening.questionnaire, name="screening"),
    path("screening/<int:screening_id>/", screening.result, name="screening-result"),
    path("screening/<int:screening_id>/confirm/", screening.confirm, name="screening-confirm"),
    path(
        "screening/<int:screening_id>/letter-for-my-physician/",
        screening.clearance_letter_for_me,
        name="screening-clearance-letter",
    ),
    # Staff
    path("staff/", today.home, name="staff-home"),
    path(
        "staff/notifications/<int:notification_id>/read/",
        staff.notification_read,
        name="staff-notification-read",
    ),
    path("staff/clinics/<slug:slug>/", staff.clinic, name="staff-clinic"),
    path("staff/clinics/<slug:slug>/patients/", staff.patients, name="staff-patients"),
    path("staff/clinics/<slug:slug>/patients/new/", staff.patient_new, name="staff-patient-new"),
    path("staff/clinics/<slug:slug>/screening/", screening.worklist, name="staff-worklist"),
    path("staff/clinics/<slug:slug>/policy/", screening.policy, name="staff-policy"),
    path("staff/patients/<int:patient_id>/", patient_record.record, name="staff-patient"),
    path(
        "staff/patients/<int:patient_id>/records.zip",
        my_records.staff_records,
        name="staff-patient-records",
    ),
    path(
        "staff/patients/<int:patient_id>/screening/",
        screening.staff_questionnaire,
        name="staff-questionnaire",
    ),
    path(
        "staff/patients/<int:patient_id>/clearances/new/",
        screening.clearance_new,
        name="staff-clearance-new",
    ),
    path("staff/screenings/<int:screening_id>/", screening.staff_result, name="staff-screening"),
    path(
        "staff/clearances/<int:clearance_id>/letter/",
        screening.clearance_letter,
        name="staff-clearance-letter",
    ),
    path("", include("needlecare.web.urls_scheduling")),
    path("", include("needlecare.web.urls_charting")),
    path("", include("needlecare.interop.urls")),
    path("", include("needlecare.web.urls_messages")),
    path("", include("needlecare.web.urls_today")),
    path("", include("needlecare.web.urls_staff_admin")),
    path("", include("needlecare.web.urls_reports")),
]
