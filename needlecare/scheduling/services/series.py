"""Courses of care: a series of visits (every week, or every N days, K times) booked in one step,
and cancelling the rest of a course. Each visit stays an ordinary appointment; they share
`Appointment.series`.

Booking checks every visit together in one availability read (`series_reads.series_check`),
inside the transaction that writes: either every visit is booked, or none is and the refusal
names each visit that is not free, why, and the nearest free starts instead. The visits are
written, audited (one `appointment.booked` event each) and their messages queued in a fixed
number of statements however many there are.
"""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from needlecare.accounts.access import DESK
from needlecare.accounts.models import User
from needlecare.audit.services import audit_record_many
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.errors import Conflict, DomainError, NotAllowed
from needlecare.common.time import clinic_zone
from needlecare.outbox.services import Occasion, messages_cancel, messages_queue
from needlecare.patients.models import Patient
from needlecare.patients.selectors import patient_recipients
from needlecare.scheduling import attendance
from needlecare.scheduling.models import Appointment, AppointmentType, CancelledBy, Status
from needlecare.scheduling.series_reads import (
    REASONS,
    Asked,
    SeriesCheck,
    VisitChange,
    course_of,
    series_asked,
    series_check,
    series_radius,
)
from needlecare.scheduling.services import _checks, notices
from needlecare.scheduling.services.booking import appointment_cancel
from needlecare.screening.models import Screening
from needlecare.screening.services import screening_gate

COUNT_MAX = 26  # half a year of weekly visits
EVERY_MAX = 28
NOT_FREE = "series.not_free"
# One confirmation for the whole course (and one reminder before each visit); one notice when
# the rest of a course is cancelled.
SERIES_BOOKED = "appointment.series_booked"
SERIES_CANCELLED = "appointment.series_cancelled"


def appointment_series_book(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist | None,
    first_start: dt.datetime,
    every_days: int,
    count: int,
    booked_by: User,
    planned_regions: list[str] | None = None,
    status: str = Status.CONFIRMED,
    changes: Mapping[int, VisitChange] | None = None,
) -> list[Appointment]:
    """Book a course of visits in one step: all of them after every check, or none."""
    changes = dict(changes or {})
    _check_request(first_start, every_days, count, status, changes)
    asked = series_asked(
        first_start=first_start,
        every_days=every_days,
        count=count,
        therapist_id=therapist.pk if therapist else None,
        changes=changes,
        zone=clinic_zone(clinic),
    )
    radius = series_radius(every_days)
    try:
        with transaction.atomic():
            return _book(
                patient=patient,
                clinic=clinic,
                type=type,
                therapist=therapist,
                asked=asked,
                radius=radius,
                booked_by=booked_by,
                regions=list(dict.fromkeys(planned_regions or [])),
                status=status,
            )
    except Conflict as exc:
        if exc.code != "booking.taken":
            raise
        # Someone took one of the times between the check and the write (PostgreSQL's
        # exclusion constraints refused the insert): say which, as the check would have.
        check = series_check(clinic=clinic, type=type, patient=patient, asked=asked, radius=radius)
        if check.conflicts:
            raise _not_free(check, clinic, count) from exc
        raise


def _check_request(
    first_start: dt.datetime,
    every_days: int,
    count: int,
    status: str,
    changes: Mapping[int, VisitChange],
) -> None:
    if timezone.is_naive(first_start) or any(
        timezone.is_naive(c.starts_at) for c in changes.values()
    ):
        raise DomainError(
            "booking.naive_time", "The start time must carry its time zone.", field="starts_at"
        )
    if status not in (Status.REQUESTED, Status.CONFIRMED):
        raise DomainError(
            "booking.bad_status", "A new appointment is requested or confirmed.", field="status"
        )
    if not 2 <= count <= COUNT_MAX:
        raise DomainError(
            "series.bad_count", f"A course has 2 to {COUNT_MAX} visits.", field="count"
        )
    if not 1 <= every_days <= EVERY_MAX:
        raise DomainError(
            "series.bad_interval",
            f"The visits of a course repeat every 1 to {EVERY_MAX} days.",
            field="every_days",
        )
    if any(not 1 <= n <= count for n in changes):
        raise DomainError(
            "series.bad_change", f"The course has visits 1 to {count} only.", field="changes"
        )


def _book(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist | None,
    asked: Sequence[Asked],
    radius: int,
    booked_by: User,
    regions: list[str],
    status: str,
) -> list[Appointment]:
    """Every check, then every visit; inside the caller's transaction."""
    if (
        status == Status.CONFIRMED
        and booked_by.is_patient
        and attendance.online_bookings_are_requests(patient, clinic) is not None
    ):
        status = Status.REQUESTED  # as for a single booking: staff confirm this patient's
    if therapist is not None:
        _checks.check_parties(clinic=clinic, type=type, therapist=therapist, patient=patient)
    screening, precautions = _cleared(type=type, patient=patient, regions=regions)
    check = series_check(clinic=clinic, type=type, patient=patient, asked=asked, radius=radius)
    taken = [v.slot for v in check.visits if v.slot is not None]
    chosen = {t.pk: t for t in ([therapist] if therapist else [])}
    missing = {s.therapist_id for s in taken} - set(chosen)
    if missing:
        chosen |= Therapist.objects.select_related("user").in_bulk(missing)
    if therapist is None and taken:
        # Anyone certified: the read offers only the clinic's own therapists; the type and the
        # patient's account are checked as for any booking.
        first = chosen[taken[0].therapist_id]
        _checks.check_parties(clinic=clinic, type=type, therapist=first, patient=patient)
    if check.conflicts:
        raise _not_free(check, clinic, len(asked))
    series = uuid.uuid4()
    visits = [
        Appointment(
            clinic=clinic,
            type=type,
            therapist=chosen[slot.therapist_id],
            room_id=slot.room_id,
            patient=patient,
            starts_at=slot.start,
            ends_at=slot.end,
            blocked_until=slot.end + dt.timedelta(minutes=type.buffer_minutes),
            status=status,
            planned_regions=regions,
            precautions=precautions,
            screening=screening,
            series=series,
            booked_by=booked_by,
        )
        for slot in taken
    ]
    _insert(visits)
    audit_record_many(
        actor=booked_by,
        action="appointment.booked",
        targets=[
            (
                a,
                {
                    "starts_at": a.starts_at.isoformat(),
                    "therapist": a.therapist_id,
                    "status": status,
                    "series": str(series),
                    "visit": n,
                },
            )
            for n, a in enumerate(visits, 1)
        ],
        clinic_ids=[clinic.pk],
    )
    _notices_booked(visits)
    return visits


def _cleared(
    *, type: AppointmentType, patient: Patient, regions: list[str]
) -> tuple[Screening | None, _checks.Precautions]:
    """The screening gate, once for the course: every visit is booked now, on the answers
    current now. (Certification is checked for each visit's own day, in the read.)"""
    if not type.needs_certification:
        return None, []
    cleared = screening_gate(patient=patient, regions=regions)
    return cleared.screening, [reason.to_dict() for reason in cleared.precautions]


def _insert(visits: list[Appointment]) -> None:
    """One INSERT for the visits; an overlap PostgreSQL refuses is the same Conflict as a
    single booking's (no savepoint: the caller's atomic block rolls back with it)."""
    try:
        Appointment.objects.bulk_create(visits)
    except IntegrityError as exc:
        if "overlap" not in str(exc):
            raise
        raise Conflict("booking.taken", _checks.TAKEN) from exc


def _notices_booked(visits: list[Appointment]) -> None:
    """One confirmation for the course and a reminder before each visit (one INSERT)."""
    first = visits[0]
    confirmation = Occasion(
        kind=SERIES_BOOKED,
        about=first,
        to=tuple(patient_recipients(first.patient)),
        key=str(first.series),
        clinic_id=first.clinic_id,
        context={"series": str(first.series), "visits": [a.pk for a in visits]},
    )
    messages_queue([confirmation, *(r for a in visits for r in notices._reminder(a))])


def _when(clinic: Clinic, at: dt.datetime) -> str:
    local = _checks.local(clinic, at)
    return f"{local:%A, %B} {local.day} at {local:%-I:%M %p}"


def _not_free(check: SeriesCheck, clinic: Clinic, count: int) -> Conflict:
    """The refusal naming each visit that is not free, why, and the nearest free starts."""
    ids = {s.therapist_id for v in check.conflicts for s in v.alternatives}
    ids |= {v.asked.therapist_id for v in check.conflicts if v.asked.therapist_id}
    names = dict(Therapist.objects.filter(pk__in=ids).values_list("pk", "user__full_name"))
    zone = clinic_zone(clinic)
    details, words = [], []
    for visit in check.conflicts:
        asked = visit.asked
        why = REASONS[visit.reason].format(who=names.get(asked.therapist_id or 0, "the therapist"))
        offered = [
            {
                "starts_at": s.start.astimezone(zone).isoformat(),
                "therapist_id": s.therapist_id,
                "therapist": names.get(s.therapist_id, ""),
            }
            for s in visit.alternatives
        ]
        details.append(
            {
                "visit": asked.number,
                "starts_at": asked.start.astimezone(zone).isoformat(),
                "therapist_id": asked.therapist_id,
                "reason": visit.reason,
                "why": why,
                "alternatives": offered,
            }
        )
        nearest = (
            f"nearest free: {_when(clinic, visit.alternatives[0].start)} with "
            f"{names.get(visit.alternatives[0].therapist_id, 'a therapist')}"
            if visit.alternatives
            else "no free time near it"
        )
        words.append(f"visit {asked.number}, {_when(clinic, asked.start)} ({why}; {nearest})")
    n = len(check.conflicts)
    return Conflict(
        NOT_FREE,
        f"{n} of the {count} visits {'is' if n == 1 else 'are'} not free, so nothing was "
        f"booked: {'; '.join(words)}.",
        {"count": count, "conflicts": details},
        field="starts_at",
    )


def appointment_series_cancel_rest(
    *, appointment: Appointment, reason: str, by: User, kind: str = CancelledBy.CLINIC
) -> list[Appointment]:
    """Cancel this visit (if still to come) and every later one of its course; by default as
    the clinic.

    Each visit goes through `appointment_cancel` with the same `kind`: the clinic's (the
    default) is a plain cancellation even inside the late-cancellation window; the patient's
    makes a visit inside the window a late cancellation, as for a single visit. Visits already
    started are left for their attendance to be recorded. Staff only: a patient stopping a
    course calls the clinic (and may still cancel single visits online, outside the window).
    """
    if by.role not in DESK:
        raise NotAllowed(
            "series.cancel_not_allowed",
            "Only the front desk or a clinic admin can cancel the rest of a course.",
        )
    if appointment.series is None:
        raise DomainError("series.not_a_course", "This visit was booked on its own.")
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "appointment.no_reason", "Give a reason for the cancellation.", field="reason"
        )
    with transaction.atomic():
        course = course_of(appointment)
        rest = course.rest() if course else []
        if not rest:
            raise DomainError(
                "series.nothing_left", "No visit of this course is left to cancel from here."
            )
        for visit in rest:
            appointment_cancel(appointment=visit, reason=reason, by=by, kind=kind)
        # The patient hears once, about the whole rest of the course, not once a visit.
        for visit in rest:
            messages_cancel(about=visit, kinds=[notices.CANCELLED])
        first = rest[0]
        messages_queue(
            [
                Occasion(
                    kind=SERIES_CANCELLED,
                    about=first,
                    to=tuple(patient_recipients(first.patient)),
                    key=f"{first.series}:{first.pk}",
                    clinic_id=first.clinic_id,
                    context={"visits": [v.pk for v in rest]},
                )
            ]
        )
    return rest
