"""Setting up what can be booked: appointment types, therapists' hours and time off (audited)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.errors import DomainError, validate
from needlecare.scheduling.models import AppointmentType, TimeOff, WorkingHours


def appointment_type_create(*, clinic: Clinic, by: Any, **fields: Any) -> AppointmentType:
    """Offer a new kind of appointment at a clinic."""
    kind = AppointmentType(clinic=clinic, **fields)
    validate(kind)
    with transaction.atomic():
        kind.save()
        audit_record(
            actor=by,
            action="appointment_type.created",
            target=kind,
            data=fields,
            clinic_ids=[clinic.pk],
        )
    return kind


def working_hours_set(
    *, therapist: Therapist, clinic: Clinic, hours: Iterable[tuple[int, dt.time, dt.time]], by: Any
) -> list[WorkingHours]:
    """Replace a therapist's weekly hours at one clinic."""
    periods = sorted(hours)
    if not therapist.user.memberships.filter(clinic=clinic).exists():
        raise DomainError(f"{therapist} does not work at {clinic}.", field="clinic")
    for (day_a, _, end_a), (day_b, start_b, _) in zip(periods, periods[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise DomainError("Working periods on the same day overlap.", field="hours")
    with transaction.atomic():
        other = WorkingHours.objects.filter(therapist=therapist).exclude(clinic=clinic)
        for day, start, end in periods:
            if other.filter(weekday=day, starts__lt=end, ends__gt=start).exists():
                raise DomainError(
                    "Those hours overlap the therapist's hours at another clinic.", field="hours"
                )
        WorkingHours.objects.filter(therapist=therapist, clinic=clinic).delete()
        rows = WorkingHours.objects.bulk_create(
            WorkingHours(therapist=therapist, clinic=clinic, weekday=d, starts=s, ends=e)
            for d, s, e in periods
        )
        audit_record(
            actor=by,
            action="therapist.hours_set",
            target=therapist,
            data={
                "clinic": clinic.slug,
                "hours": [[d, s.isoformat(), e.isoformat()] for d, s, e in periods],
            },
            clinic_ids=[clinic.pk],
        )
    return rows


def time_off_add(
    *, therapist: Therapist, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, by: Any
) -> TimeOff:
    """Record a therapist's time off."""
    if starts_at >= ends_at:
        raise DomainError("Time off must end after it starts.", field="ends_at")
    with transaction.atomic():
        off = TimeOff.objects.create(
            therapist=therapist, starts_at=starts_at, ends_at=ends_at, reason=reason
        )
        audit_record(
            actor=by,
            action="therapist.time_off_added",
            target=off,
            clinic_ids=list(therapist.user.memberships.values_list("clinic_id", flat=True)),
        )
    return off
