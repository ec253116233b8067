"""Booking, moving, cancelling and the attendance steps: the one way the schedule changes.

Every refusal is a DomainError with a code and words a person can read. Each service runs its
checks inside the transaction that writes (see `_checks`); the attendance rules (the
late-cancellation window, no change after the start, check-in on the day, no-show after the
grace, completion after check-in) are in `scheduling.attendance`.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.access import DESK, STAFF
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.errors import Conflict, DomainError, NotAllowed
from needlecare.patients.models import Patient
from needlecare.scheduling import attendance
from needlecare.scheduling.models import Appointment, AppointmentType, CancelledBy, Status
from needlecare.scheduling.services import _checks, notices
from needlecare.scheduling.services.waitlist import waitlist_offer_freed_time


def appointment_book(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    therapist: Therapist,
    starts_at: dt.datetime,
    booked_by: User,
    planned_regions: list[str] | None = None,
    status: str = Status.CONFIRMED,
) -> Appointment:
    """Book a patient with a therapist, after every safety and availability check.

    A patient booking for themself online is asked to wait for staff (a request) when their
    clinic's no-show setting says so (`attendance.online_bookings_are_requests`).
    """
    if timezone.is_naive(starts_at):
        raise DomainError(
            "booking.naive_time", "The start time must carry its time zone.", field="starts_at"
        )
    if status not in (Status.REQUESTED, Status.CONFIRMED):
        raise DomainError(
            "booking.bad_status", "A new appointment is requested or confirmed.", field="status"
        )
    with transaction.atomic():
        if (
            status == Status.CONFIRMED
            and booked_by.is_patient
            and attendance.online_bookings_are_requests(patient, clinic) is not None
        ):
            status = Status.REQUESTED
        appointment = _checks.book(
            patient=patient,
            clinic=clinic,
            type=type,
            therapist=therapist,
            starts_at=starts_at,
            booked_by=booked_by,
            planned_regions=list(dict.fromkeys(planned_regions or [])),
            status=status,
        )
        notices.notices_booked(appointment)
    return appointment


def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    by: User,
    therapist: Therapist | None = None,
) -> Appointment:
    """Move an active appointment to another free time (and therapist), re-checking safety;
    never once it has started, and its patient not inside the late-cancellation window."""
    therapist = therapist or appointment.therapist
    clinic, type, patient = appointment.clinic, appointment.type, appointment.patient
    old = appointment.starts_at
    with transaction.atomic():
        _checks.lock(appointment)
        _checks.check_changeable(appointment, "moved")
        _checks.check_may_change(appointment, by=by, now=timezone.now())
        _checks.check_parties(clinic=clinic, type=type, therapist=therapist, patient=patient)
        slot, screening, precautions = _checks.checked_slot(
            clinic=clinic,
            type=type,
            therapist=therapist,
            patient=patient,
            starts_at=starts_at,
            regions=list(appointment.planned_regions),
            ignore=appointment.pk,
        )
        appointment.therapist = therapist
        appointment.room_id = slot.room_id
        appointment.starts_at = slot.start
        appointment.ends_at = slot.end
        appointment.blocked_until = slot.end + dt.timedelta(minutes=type.buffer_minutes)
        appointment.screening = screening
        appointment.precautions = precautions
        _checks.save(
            appointment,
            by=by,
            action="appointment.rescheduled",
            data={"from": old.isoformat(), "to": slot.start.isoformat(), "therapist": therapist.pk},
        )
        notices.notices_moved(appointment)
    return appointment


def _who_called_off(
    appointment: Appointment, *, by: User, kind: str | None, late: bool, now: dt.datetime
) -> str:
    """Who called the visit off: as staff say; else the patient when they cancel, the clinic
    when staff do outside the window. Inside it staff must say."""
    if kind is not None:
        return kind
    if by.is_patient:
        return CancelledBy.PATIENT
    if not late:
        return CancelledBy.CLINIC
    opens = attendance.late_window_opens(appointment)
    raise DomainError(
        "appointment.late_cancel_kind",
        f"{attendance.late_window_words(appointment, now)}: record it as a late cancellation "
        "or as cancelled by the clinic.",
        {
            "window_opened_at": _checks.local(appointment.clinic, opens).isoformat()
            if opens
            else None
        },
        field="kind",
    )


def appointment_cancel(
    *, appointment: Appointment, reason: str, by: User, kind: str | None = None
) -> Appointment:
    """Cancel an appointment with a reason; the freed time is offered to the waitlist.

    `kind` says who called the visit off: "patient" or "clinic" (`CancelledBy`). Inside the
    clinic's late-cancellation window only staff cancel, and they must say which: the
    patient's is a late cancellation (LATE_CANCELLED), the clinic's a plain cancellation.
    Outside the window it may be left out: it is then the patient's when the patient cancels,
    and the clinic's when staff do (they name the patient when the patient asked).
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "appointment.no_reason", "Give a reason for the cancellation.", field="reason"
        )
    if kind is not None and kind not in CancelledBy.values:
        raise DomainError(
            "appointment.cancel_kind",
            "Say who called the visit off: the patient or the clinic.",
            field="kind",
        )
    if by.is_patient and kind == CancelledBy.CLINIC:
        raise NotAllowed(
            "appointment.cancel_kind_not_allowed",
            "Only the clinic's staff record a cancellation as the clinic's.",
            field="kind",
        )
    with transaction.atomic():
        _checks.lock(appointment)
        _checks.check_changeable(appointment, "cancelled")
        now = timezone.now()
        _checks.check_may_change(appointment, by=by, now=now)
        late = attendance.in_late_window(appointment, now)
        who = _who_called_off(appointment, by=by, kind=kind, late=late, now=now)
        late_by_patient = late and who == CancelledBy.PATIENT
        appointment.status = Status.LATE_CANCELLED if late_by_patient else Status.CANCELLED
        appointment.cancelled_by = who
        appointment.cancel_reason = reason[:200]
        _checks.save(
            appointment,
            by=by,
            action="appointment.cancelled",
            data={"reason": reason[:200], "cancelled_by": who, "status": appointment.status},
        )
        notices.notices_cancelled(appointment)
        waitlist_offer_freed_time(appointment=appointment)
    return appointment


TRANSITIONS = {
    "confirm": (Status.REQUESTED, Status.CONFIRMED),
    "check_in": (Status.CONFIRMED, Status.CHECKED_IN),
    "complete": (Status.CHECKED_IN, Status.COMPLETED),
    "no_show": (Status.CONFIRMED, Status.NO_SHOW),
}
# Who may take each step: any member of staff checks in and completes; confirming a request
# and marking a no-show are the front desk's (a therapist asks them).
TRANSITION_ROLES: dict[str, tuple[str, ...]] = {
    "confirm": DESK,
    "check_in": STAFF,
    "complete": STAFF,
    "no_show": DESK,
}
TRANSITION_VERBS = {
    "confirm": "confirm",
    "check_in": "check in",
    "complete": "complete",
    "no_show": "mark no-show",
}


def appointment_transition(*, appointment: Appointment, action: str, by: User) -> Appointment:
    """Confirm a request, check a patient in, complete a visit or mark a no-show."""
    if action not in TRANSITIONS:
        raise DomainError("appointment.unknown_action", f"Unknown action {action!r}.")
    if by.role not in TRANSITION_ROLES[action]:
        raise NotAllowed(
            "appointment.action_not_allowed",
            f"Only the front desk or a clinic admin can {TRANSITION_VERBS[action]} an appointment.",
        )
    before, after = TRANSITIONS[action]
    with transaction.atomic():
        _checks.lock(appointment)
        now = timezone.now()
        if appointment.status != before:
            if action == "complete" and appointment.status == Status.CONFIRMED:
                raise attendance.not_checked_in(appointment, now)
            raise Conflict(
                "appointment.wrong_status",
                f"Only a {Status(before).label.lower()} appointment can be marked "
                f"{Status(after).label.lower()}; this one is "
                f"{appointment.get_status_display().lower()}.",
                {"status": appointment.status, "expected": before},
            )
        if action == "check_in":
            _checks.check_visit_day(appointment, now)
        if action == "no_show" and (refusal := attendance.no_show_refusal(appointment, now)):
            raise refusal
        if action == "confirm":
            # A request waits for staff; confirming it re-checks the safety rules as of now,
            # and the screening that clears it now (with its precautions) is the one recorded.
            screening, precautions = _checks.safety(
                type=appointment.type,
                therapist=appointment.therapist,
                patient=appointment.patient,
                day=_checks.local(appointment.clinic, appointment.starts_at).date(),
                regions=list(appointment.planned_regions),
            )
            if screening is not None:
                appointment.screening, appointment.precautions = screening, precautions
        appointment.status = after
        _checks.save(appointment, by=by, action=f"appointment.{action}", data={})
        if action == "confirm":
            notices.notices_confirmed(appointment)
    return appointment
