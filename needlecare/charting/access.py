"""Who may reach consent and treatment records.

A consent follows access_patient's rules; a treatment record is for the clinic's clinicians
only (therapists and clinic admins), never the front desk, never a patient.
"""

from collections.abc import Iterable

from django.http import Http404

from needlecare.accounts.access import ANY_SIGNED_IN, CLINICAL, staff_clinic_ids
from needlecare.accounts.models import User
from needlecare.charting.links import CHECK_IN
from needlecare.charting.models import AdverseEvent, Consent, TreatmentSession
from needlecare.outbox.links import LinkRefused, link_open
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


def access_linked_session(token: str) -> TreatmentSession:
    """The signed session a check-in link (from a message) is for, else LinkRefused."""
    session = (
        TreatmentSession.objects.select_related("patient", "clinic", "therapist__user")
        .filter(pk=link_open(CHECK_IN, token), state=TreatmentSession.State.SIGNED)
        .first()
    )
    if session is None:
        raise LinkRefused("link.invalid", "This link is not valid any more.")
    return session


def access_adverse_event(user: User, event_id: int) -> AdverseEvent:
    """An adverse event at one of the user's clinics, for clinical staff only, else not found."""
    event = AdverseEvent.objects.select_related("session").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such adverse event.")
    try:
        access_session(user, event.session_id)
    except Http404:
        raise Http404("No such adverse event.") from None
    return event


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
