"""Writes to clinics and their setup: hours, closures, rooms, staff, therapists, credentials.

One write path per record, whoever writes (the admin site, the demo loader, tests): each
`<record>_save` takes a new or changed record, checks the rules that span records inside the
transaction that writes, validates the record itself (fields and constraints) and audits it.
`setup_delete` removes any of them, audited.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model

from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import (
    Clinic,
    Closure,
    Credential,
    OpeningHours,
    Room,
    StaffMembership,
    Therapist,
)
from needlecare.common.errors import DomainError, validate

M = TypeVar("M", bound=Model)


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


def _changes(record: Model, fields: Iterable[str]) -> dict[str, list[str]]:
    """Each named field whose stored value differs from the record's: [old, new] as text."""
    columns = {name: getattr(record._meta.get_field(name), "attname", name) for name in fields}
    stored = type(record)._default_manager.filter(pk=record.pk).values(*columns.values()).first()
    if stored is None:
        return {}
    return {
        name: [str(stored[column]), str(getattr(record, column))]
        for name, column in sorted(columns.items())
        if stored[column] != getattr(record, column)
    }


def audited_save(
    record: M, *, by: User | None, fields: Iterable[str], check: Callable[[], None] | None = None
) -> M:
    """Check, validate, save and audit one setup record in one transaction: a new record with
    the fields it was given, a changed one with each field's old and new value."""
    added = record.pk is None
    try:
        with transaction.atomic():
            if check is not None:
                check()
            validate(record)
            data = {"fields": sorted(fields)} if added else _changes(record, fields)
            record.save()
            audit_record(
                actor=by,
                action=f"{record._meta.model_name}.{'added' if added else 'changed'}",
                target=record,
                data=data,
                clinic_ids=record_clinic_ids(record),
            )
    except IntegrityError as exc:
        # Another request wrote the same record since the checks: still the caller's input.
        raise DomainError("setup.duplicate", "This is already on record.") from exc
    return record


def setup_delete(*, record: Model, by: User | None) -> None:
    """Remove a setup record, audited."""
    with transaction.atomic():
        audit_record(
            actor=by,
            action=f"{record._meta.model_name}.deleted",
            target=record,
            clinic_ids=record_clinic_ids(record),
        )
        record.delete()


def clinic_save(*, clinic: Clinic, by: User | None, fields: Iterable[str] = ()) -> Clinic:
    """Open a clinic or change its details."""
    return audited_save(clinic, by=by, fields=fields)


def _periods_overlap(
    periods: Iterable[tuple[dt.time, dt.time]], opens: dt.time, closes: dt.time
) -> bool:
    return any(start < closes and opens < end for start, end in periods)


def opening_hours_save(
    *, hours: OpeningHours, by: User | None, fields: Iterable[str] = ()
) -> OpeningHours:
    """Add or change one opening period; periods of a day never overlap."""

    def check() -> None:
        others = OpeningHours.objects.filter(clinic=hours.clinic_id, weekday=hours.weekday)
        if hours.pk is not None:
            others = others.exclude(pk=hours.pk)
        if _periods_overlap(others.values_list("opens", "closes"), hours.opens, hours.closes):
            raise DomainError(
                "clinic.hours_overlap", "Opening periods on the same day overlap.", field="hours"
            )

    return audited_save(hours, by=by, fields=fields, check=check)


def opening_hours_set(
    *, clinic: Clinic, hours: Iterable[tuple[int, dt.time, dt.time]], by: User | None
) -> list[OpeningHours]:
    """Replace a clinic's weekly opening hours with (weekday, opens, closes) periods."""
    with transaction.atomic():
        for old in list(clinic.opening_hours.all()):
            setup_delete(record=old, by=by)
        return [
            opening_hours_save(
                hours=OpeningHours(clinic=clinic, weekday=d, opens=o, closes=c),
                by=by,
                fields=["weekday", "opens", "closes"],
            )
            for d, o, c in sorted(hours)
        ]


def closure_save(*, closure: Closure, by: User | None, fields: Iterable[str] = ()) -> Closure:
    """Close a clinic for a day or a run of days, or change a closure."""
    return audited_save(closure, by=by, fields=fields)


def room_save(*, room: Room, by: User | None, fields: Iterable[str] = ()) -> Room:
    """Add a treatment room to a clinic, or change one."""
    return audited_save(room, by=by, fields=fields)


def membership_save(
    *, membership: StaffMembership, by: User | None, fields: Iterable[str] = ()
) -> StaffMembership:
    """Let a member of staff work for a clinic."""

    def check() -> None:
        if User.objects.filter(pk=membership.user_id, role__in=STAFF_ROLES).exists():
            return
        raise DomainError(
            "clinic.member_not_staff", "Only staff can be members of a clinic.", field="user"
        )

    return audited_save(membership, by=by, fields=fields, check=check)


def therapist_save(
    *, therapist: Therapist, by: User | None, fields: Iterable[str] = ()
) -> Therapist:
    """Give a therapist user their clinical profile, or change it."""

    def check() -> None:
        if User.objects.filter(pk=therapist.user_id, role=Role.THERAPIST).exists():
            return
        raise DomainError(
            "clinic.not_a_therapist",
            "Only a user with the therapist role can have a therapist profile.",
            field="user",
        )

    return audited_save(therapist, by=by, fields=fields, check=check)


def credential_save(
    *, credential: Credential, by: User | None, fields: Iterable[str] = ()
) -> Credential:
    """Record a therapist's certification, licence or CPR card, or correct one."""
    if credential.valid_from > credential.expires_on:
        raise DomainError(
            "credential.expires_before_valid",
            "A credential cannot expire before it is valid.",
            field="expires_on",
        )
    return audited_save(credential, by=by, fields=fields)
