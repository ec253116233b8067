"""Who may reach a letter: access_patient's rules."""

from collections.abc import Iterable

from needlecare.accounts.access import ANY_SIGNED_IN
from needlecare.accounts.models import User
from needlecare.patients.access import access_patient_record
from needlecare.reports.models import Letter


def access_letter(user: User, letter_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Letter:
    """A letter about a patient the user may see."""
    return access_patient_record(user, Letter, letter_id, roles=roles, related=("patient",))
