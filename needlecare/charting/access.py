"""Who may reach consent and treatment records.

A consent follows access_patient's rules; a treatment record is for the clinic's clinicians
only (therapists and clinic admins), never the front desk, never a patient.
"""

from collections.abc import Iterable

from django.http import Http404

from needlecare.accounts.access import ANY_SIGNED_IN, CLINICAL, staff_clinic_ids
from needlecare.accounts.models import User
from needlecare.charting.models import Consent, TreatmentSession
from needlecare.patients.access import access_patient_record


def access_consent(user: User, consent_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Consent:
    """A signed consent of a patient the user may see."""
    return access_patient_record(
        user,
        Consent,
        consent_id,
        roles=roles,
        related=(
            "document__clinic",
            "patient",
            "recorded_by",
            "witnessed_by",
            "countersigned_by__user",
        ),
    )


def access_session(user: User, session_id: int) -> TreatmentSession:
    """A treatment record at one of the user's clinics, for clinical staff only, else not found."""
    if not user.is_authenticated or user.role not in CLINICAL:
        raise Http404("No such session.")
    session = (
        TreatmentSession.objects.filter(pk=session_id)
        .select_related(
            "patient", "therapist__user", "clinic", "appointment", "screening", "consent"
        )
        .first()
    )
    if session is None or session.clinic_id not in staff_clinic_ids(user):
        raise Http404("No such session.")
    return session
