from django.urls import path

from needlecare.web.views import accounts, patient, public, staff

urlpatterns = [
    # Public pages
    path("", public.home, name="home"),
    path("check/", public.check, name="check"),
    path("book/", public.book, name="book"),
    path("healthz", public.healthz, name="healthz"),
    # Accounts
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password-change"),
    path("accounts/password/done/", accounts.password_change_done, name="password-change-done"),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/after-login/", accounts.after_login, name="after-login"),
    # Patients
    path("me/", patient.dashboard, name="patient-home"),
    # Staff
    path("staff/", staff.home, name="staff-home"),
    path("staff/clinics/<slug:slug>/", staff.clinic, name="staff-clinic"),
    path("staff/clinics/<slug:slug>/patients/", staff.patients, name="staff-patients"),
    path("staff/clinics/<slug:slug>/patients/new/", staff.patient_new, name="staff-patient-new"),
    path("staff/clinics/<slug:slug>/audit/", staff.audit_trail, name="staff-audit"),
    path("staff/patients/<int:patient_id>/", staff.patient_detail, name="staff-patient"),
]
