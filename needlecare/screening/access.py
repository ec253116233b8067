"""Who may reach a screening or a physician's clearance: access_patient's rules."""

from collections.abc import Iterable

from needlecare.accounts.access import ANY_SIGNED_IN, STAFF
from needlecare.accounts.models import User
from needlecare.patients.access import access_patient_record
from needlecare.screening.models import PhysicianClearance, Screening


def access_screening(
    user: User, screening_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN
) -> Screening:
    """A screening of a patient the user may see."""
    return access_patient_record(
        user,
        Screening,
        screening_id,
        roles=roles,
        related=("patient", "clinic", "entered_by", "policy"),
    )


def access_clearance(user: User, clearance_id: int) -> PhysicianClearance:
    """A clearance of a patient at one of the user's clinics (staff only)."""
    return access_patient_record(user, PhysicianClearance, clearance_id, roles=STAFF)
