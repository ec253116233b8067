"""Whose clinics a setup record belongs to, and whether someone may write it.

The setup services (`clinics.services`, `scheduling.services.setup`) run `setup_scope_check`
inside their transaction, so the admin site, the staff pages and the demo cannot write past it.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Credential, StaffMembership, Therapist
from needlecare.common.errors import NotAllowed


def record_clinic_ids(record: Model) -> list[int]:
    """The clinics a setup record belongs to, for scoping and the audit trail."""
    if isinstance(record, Clinic):
        return [record.pk]
    if isinstance(record, Therapist):
        return list(record.user.memberships.values_list("clinic_id", flat=True))
    clinic_id = getattr(record, "clinic_id", None)
    if clinic_id is not None:
        return [clinic_id]  # hours, closures, rooms, memberships, types
    return record_clinic_ids(record.therapist)  # type: ignore[attr-defined] # credentials, time off


def _within(record: Model, mine: set[int]) -> bool:
    try:
        theirs = set(record_clinic_ids(record))
    except ObjectDoesNotExist:
        return False  # no therapist or user yet: nothing of theirs to write to
    if not theirs or None in theirs:
        return False  # a new clinic, or a therapist who works nowhere: a superuser's
    if isinstance(record, Therapist | Credential):
        # Every clinic relies on a therapist's profile and certification: all must be theirs.
        return theirs <= mine
    if isinstance(record, StaffMembership):
        # Someone new, or someone already at one of their clinics; never another clinic's staff.
        user_clinics = StaffMembership.objects.filter(user=record.user_id)
        elsewhere = set(user_clinics.values_list("clinic_id", flat=True))
        return theirs <= mine and (not elsewhere or bool(elsewhere & mine))
    # One clinic's record, or a therapist's time off: at one of their clinics.
    return bool(theirs & mine)


def setup_in_scope(record: Model, *, by: User | None) -> bool:
    """Whether `by` may write this setup record, as it is and as it was stored: the system
    (`by=None`) and a superuser any, anyone else only within their own clinics."""
    if by is None or by.is_superuser:
        return True
    mine = set(by.memberships.values_list("clinic_id", flat=True))
    stored = type(record)._default_manager.filter(pk=record.pk).first() if record.pk else None
    return all(_within(version, mine) for version in (record, stored) if version is not None)


def setup_scope_check(record: Model, *, by: User | None) -> None:
    """Refuse a write to a setup record outside `by`'s clinics (see `setup_in_scope`)."""
    if not setup_in_scope(record, by=by):
        raise NotAllowed("setup.not_yours", "This belongs to a clinic you do not administer.")
