from django.urls import path

from needlecare.web.views import (
    staff_admin,
    staff_admin_audit,
    staff_admin_fhir,
    staff_admin_hours,
)

CLINIC = "staff/clinics/<slug:slug>"
MEMBER = f"{CLINIC}/staff/<int:user_id>"
THERAPIST = f"{CLINIC}/therapists/<int:therapist_id>"

urlpatterns = [
    # Staff management by a clinic admin
    path(f"{CLINIC}/staff/", staff_admin.staff_list, name="staff-admin-staff"),
    path(f"{CLINIC}/staff/invite/", staff_admin.staff_invite, name="staff-admin-invite"),
    path(f"{MEMBER}/deactivate/", staff_admin.staff_deactivate, name="staff-admin-deactivate"),
    path(f"{MEMBER}/reactivate/", staff_admin.staff_reactivate, name="staff-admin-reactivate"),
    path(f"{MEMBER}/remove/", staff_admin.staff_remove, name="staff-admin-remove"),
    path(
        f"{MEMBER}/second-factor/",
        staff_admin.staff_two_factor_reset,
        name="staff-admin-two-factor-reset",
    ),
    path(f"{MEMBER}/invitation/", staff_admin.staff_invitation_resend, name="staff-admin-reinvite"),
    # Therapists' working hours and time off
    path(f"{THERAPIST}/hours/", staff_admin_hours.working_hours, name="staff-admin-hours"),
    path(f"{THERAPIST}/time-off/", staff_admin_hours.time_off, name="staff-admin-time-off"),
    path(
        f"{THERAPIST}/time-off/<int:time_off_id>/delete/",
        staff_admin_hours.time_off_delete,
        name="staff-admin-time-off-delete",
    ),
    # The audit trail, and its CSV export
    path(f"{CLINIC}/audit/", staff_admin_audit.audit_trail, name="staff-audit"),
    path(f"{CLINIC}/audit/export/", staff_admin_audit.audit_export, name="staff-audit-export"),
    # FHIR integration tokens: other systems reading the clinic's records
    path(f"{CLINIC}/fhir-tokens/", staff_admin_fhir.token_list, name="staff-admin-fhir-tokens"),
    path(
        f"{CLINIC}/fhir-tokens/<int:token_id>/revoke/",
        staff_admin_fhir.token_revoke,
        name="staff-admin-fhir-token-revoke",
    ),
]
