"""Setting up what can be booked: appointment types, therapists' hours and time off.

One write path per record, as for the clinics' own setup (`clinics.services.audited_save`):
the admin site, the demo loader and tests all save through these.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, StaffMembership, Therapist
from needlecare.clinics.services import audited_save, setup_delete
from needlecare.common.errors import DomainError
from needlecare.scheduling.models import AppointmentType, TimeOff, WorkingHours


def appointment_type_save(
    *, kind: AppointmentType, by: User | None, fields: Iterable[str] = ()
) -> AppointmentType:
    """Offer a new kind of appointment at a clinic, or change one."""
    return audited_save(kind, by=by, fields=fields)


def _overlaps(hours: WorkingHours, others: Iterable[tuple[dt.time, dt.time]]) -> bool:
    return any(start < hours.ends and hours.starts < end for start, end in others)


def working_hours_save(
    *, hours: WorkingHours, by: User | None, fields: Iterable[str] = ()
) -> WorkingHours:
    """Add or change a weekly working period of a therapist at one of their clinics."""

    def check() -> None:
        therapist = hours.therapist
        if not StaffMembership.objects.filter(
            user=therapist.user_id, clinic=hours.clinic_id
        ).exists():
            raise DomainError(
                "therapist.not_at_clinic",
                f"{therapist} does not work at {hours.clinic}.",
                field="clinic",
            )
        same_day = WorkingHours.objects.filter(therapist=therapist, weekday=hours.weekday)
        if hours.pk is not None:
            same_day = same_day.exclude(pk=hours.pk)
        if _overlaps(hours, same_day.filter(clinic=hours.clinic_id).values_list("starts", "ends")):
            raise DomainError(
                "therapist.hours_overlap", "Working periods on the same day overlap.", field="hours"
            )
        elsewhere = same_day.exclude(clinic=hours.clinic_id).values_list("starts", "ends")
        if _overlaps(hours, elsewhere):
            raise DomainError(
                "therapist.hours_overlap_elsewhere",
                "Those hours overlap the therapist's hours at another clinic.",
                field="hours",
            )

    return audited_save(hours, by=by, fields=fields, check=check)


def working_hours_set(
    *,
    therapist: Therapist,
    clinic: Clinic,
    hours: Iterable[tuple[int, dt.time, dt.time]],
    by: User | None,
) -> list[WorkingHours]:
    """Replace a therapist's weekly hours at one clinic with (weekday, starts, ends) periods."""
    with transaction.atomic():
        for old in WorkingHours.objects.filter(therapist=therapist, clinic=clinic):
            setup_delete(record=old, by=by)
        return [
            working_hours_save(
                hours=WorkingHours(therapist=therapist, clinic=clinic, weekday=d, starts=s, ends=e),
                by=by,
                fields=["weekday", "starts", "ends"],
            )
            for d, s, e in sorted(hours)
        ]


def time_off_save(*, time_off: TimeOff, by: User | None, fields: Iterable[str] = ()) -> TimeOff:
    """Record a therapist's time off, or change it."""
    if time_off.starts_at >= time_off.ends_at:
        raise DomainError(
            "time_off.ends_first", "Time off must end after it starts.", field="ends_at"
        )
    return audited_save(time_off, by=by, fields=fields)
