"""Writes to clinics, their hours, rooms, staff, therapists and credentials; all audited."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from needlecare.accounts.models import STAFF_ROLES, User
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


def _therapist_clinic_ids(therapist: Therapist) -> list[int]:
    return list(therapist.user.memberships.values_list("clinic_id", flat=True))


def clinic_create(*, by: Any, **fields: Any) -> Clinic:
    """Open a clinic."""
    clinic = Clinic(**fields)
    validate(clinic)
    with transaction.atomic():
        clinic.save()
        audit_record(
            actor=by, action="clinic.created", target=clinic, data=fields, clinic_ids=[clinic.pk]
        )
    return clinic


def clinic_update(*, clinic: Clinic, by: Any, **fields: Any) -> Clinic:
    """Change a clinic's details, recording what changed."""
    changes = {
        k: [str(getattr(clinic, k)), str(v)] for k, v in fields.items() if getattr(clinic, k) != v
    }
    for key, value in fields.items():
        setattr(clinic, key, value)
    validate(clinic)
    with transaction.atomic():
        clinic.save()
        audit_record(
            actor=by, action="clinic.updated", target=clinic, data=changes, clinic_ids=[clinic.pk]
        )
    return clinic


def opening_hours_set(
    *, clinic: Clinic, hours: Iterable[tuple[int, dt.time, dt.time]], by: Any
) -> list[OpeningHours]:
    """Replace a clinic's weekly opening hours with (weekday, opens, closes) periods."""
    periods = sorted(hours)
    for (day_a, _, closes_a), (day_b, opens_b, _) in zip(periods, periods[1:], strict=False):
        if day_a == day_b and opens_b < closes_a:
            raise DomainError("Opening periods on the same day overlap.", field="hours")
    for _, opens, closes in periods:
        if opens >= closes:
            raise DomainError("A period must open before it closes.", field="hours")
    with transaction.atomic():
        clinic.opening_hours.all().delete()
        rows = OpeningHours.objects.bulk_create(
            OpeningHours(clinic=clinic, weekday=d, opens=o, closes=c) for d, o, c in periods
        )
        audit_record(
            actor=by,
            action="clinic.hours_set",
            target=clinic,
            data={"hours": [[d, o.isoformat(), c.isoformat()] for d, o, c in periods]},
            clinic_ids=[clinic.pk],
        )
    return rows


def closure_add(
    *, clinic: Clinic, starts_on: dt.date, ends_on: dt.date, reason: str, kind: str, by: Any
) -> Closure:
    """Close a clinic for a day or a run of days."""
    closure = Closure(clinic=clinic, starts_on=starts_on, ends_on=ends_on, reason=reason, kind=kind)
    validate(closure)
    with transaction.atomic():
        closure.save()
        audit_record(
            actor=by,
            action="clinic.closure_added",
            target=closure,
            data={"starts_on": str(starts_on), "ends_on": str(ends_on), "reason": reason},
            clinic_ids=[clinic.pk],
        )
    return closure


def room_add(*, clinic: Clinic, name: str, by: Any) -> Room:
    """Add a treatment room to a clinic."""
    room = Room(clinic=clinic, name=name)
    validate(room)
    with transaction.atomic():
        room.save()
        audit_record(actor=by, action="clinic.room_added", target=room, clinic_ids=[clinic.pk])
    return room


def staff_membership_add(*, user: User, clinic: Clinic, by: Any) -> StaffMembership:
    """Let a member of staff work for a clinic."""
    if user.role not in STAFF_ROLES:
        raise DomainError("Only staff can be members of a clinic.", field="user")
    with transaction.atomic():
        membership, created = StaffMembership.objects.get_or_create(user=user, clinic=clinic)
        if created:
            audit_record(
                actor=by,
                action="staff.membership_added",
                target=user,
                data={"clinic": clinic.slug},
                clinic_ids=[clinic.pk],
            )
    return membership


def therapist_create(*, user: User, title: str, by: Any, bio: str = "") -> Therapist:
    """Give a therapist user their clinical profile."""
    if user.role != "therapist":
        raise DomainError("Only a user with the therapist role can have a therapist profile.")
    with transaction.atomic():
        therapist = Therapist.objects.create(user=user, title=title, bio=bio)
        audit_record(
            actor=by,
            action="therapist.created",
            target=therapist,
            clinic_ids=_therapist_clinic_ids(therapist),
        )
    return therapist


def credential_add(
    *,
    therapist: Therapist,
    kind: str,
    issuer: str,
    number: str,
    valid_from: dt.date,
    expires_on: dt.date,
    by: Any,
) -> Credential:
    """Record a therapist's certification, licence or CPR card."""
    credential = Credential(
        therapist=therapist,
        kind=kind,
        issuer=issuer,
        number=number,
        valid_from=valid_from,
        expires_on=expires_on,
    )
    if valid_from > expires_on:
        raise DomainError("A credential cannot expire before it is valid.", field="expires_on")
    validate(credential)
    try:
        with transaction.atomic():
            credential.save()
            audit_record(
                actor=by,
                action="credential.added",
                target=credential,
                data={
                    "kind": kind,
                    "number": number,
                    "valid_from": str(valid_from),
                    "expires_on": str(expires_on),
                },
                clinic_ids=_therapist_clinic_ids(therapist),
            )
    except IntegrityError as exc:
        raise DomainError("This credential is already on record.") from exc
    return credential


def credential_renew(*, credential: Credential, expires_on: dt.date, by: Any) -> Credential:
    """Move a credential's expiry date, recording the old one."""
    if expires_on < credential.valid_from:
        raise DomainError("A credential cannot expire before it is valid.", field="expires_on")
    old = credential.expires_on
    with transaction.atomic():
        credential.expires_on = expires_on
        credential.save(update_fields=["expires_on"])
        audit_record(
            actor=by,
            action="credential.renewed",
            target=credential,
            data={"expires_on": [str(old), str(expires_on)]},
            clinic_ids=_therapist_clinic_ids(credential.therapist),
        )
    return credential
