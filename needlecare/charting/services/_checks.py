"""The checks the charting services share; each runs inside its caller's transaction."""

from typing import Any

from needlecare.accounts.models import Role, User
from needlecare.charting.models import TreatmentSession
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today

CLINICAL = (Role.THERAPIST, Role.CLINIC_ADMIN)


def own_therapist(session_or_appointment: Any, by: User) -> None:
    """Only the treating therapist charts."""
    therapist = session_or_appointment.therapist
    if by.role != Role.THERAPIST or therapist.user_id != by.pk:
        raise DomainError(
            "session.not_treating_therapist", "Only the treating therapist can chart this session."
        )


def clinical(by: User, what: str) -> None:
    """Only clinical staff (therapists and clinic admins) write to a treatment record."""
    if by.role not in CLINICAL:
        raise DomainError("session.not_clinical", f"Only clinical staff {what}.")


def certified_today(session_or_appointment: Any) -> None:
    """The therapist's dry needling certification (and licence) holds on the clinic's today."""
    therapist = session_or_appointment.therapist
    if not therapist_can_dry_needle(therapist, on=clinic_today(session_or_appointment.clinic)):
        raise DomainError(
            "therapist.not_certified",
            f"{therapist.user.full_name}'s dry needling certification is not valid today.",
        )


def lock_open(session: TreatmentSession) -> None:
    """Re-read the session's state in this transaction (locking its row on PostgreSQL, so two
    writes to one record take turns); a signed record is refused."""
    session.state = (
        TreatmentSession.objects.select_for_update()
        .values_list("state", flat=True)
        .get(pk=session.pk)
    )
    if session.is_signed:
        raise DomainError(
            "session.signed", "This session is signed; add an addendum to correct or add to it."
        )
