"""One patient's course of care, visit by visit: what is past is written as history, the next
two weeks are booked, and what lies further ahead is left for the desk to book later."""

import datetime as dt
import zlib

from needlecare.demo import ahead, data, history
from needlecare.demo.diary import working_day
from needlecare.demo.history import State
from needlecare.demo.people import PT, Course
from needlecare.demo.practice import Practice
from needlecare.patients.models import Patient

DAY = dt.timedelta(days=1)
MINUTES = {code: (minutes, buffer) for code, _, minutes, buffer, *_ in data.APPOINTMENT_TYPES}


def _past_time(
    p: Practice, state: State, *, therapist: str, kind: str, day: dt.date
) -> tuple[dt.date, dt.datetime, int] | None:
    """The day (this one or a later one the therapist works), start and room of a past visit;
    None when it cannot be in the past any more."""
    minutes, buffer = MINUTES[kind]
    while day <= p.today:
        until = p.history_ends if day == p.today else p.at(day + DAY, 0)
        placed = p.diary.place(
            therapist=therapist,
            clinic=state.slug,
            day=day,
            patient=state.patient.pk,
            minutes=minutes,
            buffer=buffer,
            until=until,
        )
        if placed is not None:
            return day, *placed
        day = working_day(therapist, state.slug, day + DAY)
    return None


def _past(
    p: Practice,
    state: State,
    *,
    visit: int,
    kind: str,
    therapist: str,
    start: dt.datetime,
    room: int,
) -> None:
    course = state.course
    if visit in (course.missed, course.cancelled, course.late_cancelled) and visit > 0:
        called_off = history.Absence.MISSED
        if visit == course.cancelled:
            called_off = history.Absence.CANCELLED
        elif visit == course.late_cancelled:
            called_off = history.Absence.LATE
        history.absent(
            p, state, kind=kind, therapist=therapist, start=start, room=room, why=called_off
        )
    elif kind == "initial-evaluation":
        history.evaluation(p, state, therapist=therapist, start=start, room=room)
    elif kind == "dry-needling":
        assert state.screened_at is not None
        day, screened = p.local(start).date(), p.local(state.screened_at).date()
        goes_on = visit < course.visits and day + 7 * DAY >= p.today
        # Screened again when the screening is about to lapse: a month is its life.
        rescreen = (day - screened).days >= 28 or (goes_on and (p.today - screened).days >= 21)
        history.needling(p, state, visit=visit, start=start, room=room, rescreen=rescreen)
    else:
        history.therapy(p, state, visit=visit, therapist=therapist, start=start, room=room)


def course_run(p: Practice, patient: Patient, course: Course, *, online: bool) -> None:
    """Write one course: its history through the services, its next two weeks booked."""
    state = State(patient=patient, course=course, online=online)
    slug = state.slug
    evaluator = "dana" if course.evaluator == "dana" else PT[slug]
    first_day = p.today - dt.timedelta(days=course.began)
    if online:
        screened = min(first_day - 2 * DAY, p.today - DAY)
        history.screen(p, state, at=p.at(screened, 19, 30), by_patient=True)
    clearance_at = p.at(first_day + 4 * DAY, 11) if course.clearance else None
    previous: dt.date | None = None
    booking = False  # the visits from here on are ahead of us
    for visit in range(course.visits + 1):
        target = first_day + dt.timedelta(days=7 * visit)
        if previous is not None:
            target = max(target, previous + 2 * DAY)
        if clearance_at is not None and visit > 0 and clearance_at < p.history_ends:
            history.clearance(p, state, at=clearance_at)
            clearance_at = None
        if visit == 0:
            kind, therapist = "initial-evaluation", evaluator
        elif state.cleared:
            kind, therapist = "dry-needling", "dana"
        else:
            kind, therapist = "follow-up", PT[slug]
        day = working_day(therapist, slug, target)
        if day > p.last_day:
            return
        if not booking and not (day == p.today and _later(p, state, therapist, slug, kind)):
            placed = _past_time(p, state, therapist=therapist, kind=kind, day=day)
            if placed is not None:
                day, start, room = placed
                _past(p, state, visit=visit, kind=kind, therapist=therapist, start=start, room=room)
                previous = day
                continue
            booking, day = True, max(day, p.today)
        if not _ahead(p, state, visit=visit, kind=kind, therapist=therapist, day=day):
            return
        previous = max(p.local(a).date() for a in state.ahead)


def _later(p: Practice, state: State, therapist: str, slug: str, kind: str) -> bool:
    """Whether today's visit is still to come; about half of today's patients have been seen
    already (when the morning had room), so the day is under way."""
    done_first = zlib.crc32(state.patient.email.encode()) % 2 == 0
    return not done_first and ahead.later_today(p, therapist, slug, kind)


def _ahead(
    p: Practice, state: State, *, visit: int, kind: str, therapist: str, day: dt.date
) -> bool:
    """Book the visit; False when nothing more of the course is booked yet."""
    course, first = state.course, not state.ahead
    screened = state.screened_at
    # Needling is booked only on a current screening (a month); else the desk asks first.
    if kind == "dry-needling" and screened and (p.today - p.local(screened).date()).days > 30:
        return False
    appointment = None
    if first and course.arrived:
        appointment = ahead.arrive(p, state, kind=kind, therapist=therapist)
    if appointment is None:
        appointment = ahead.book(
            p,
            state,
            kind=kind,
            therapist=therapist,
            day=day,
            requested=first and course.requested,
        )
    if appointment is None:
        return False
    state.ahead.append(appointment.starts_at)
    if first and course.cancels_next:
        ahead.cancel(p, state, appointment, reason=course.cancels_next)
    # The visits after a first evaluation are booked at it.
    return visit > 0
