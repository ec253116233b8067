"""The demo's past: screenings, consents, visits, treatment records and measures.

The services refuse the past by design: appointment_book books only times still ahead,
check-in and charting happen on the visit's own day, and every record is stamped with the
present moment. So a past visit's appointment row is written here with the ORM, at a time
the diary found free; every clinical record is written through its service, today, as a
therapist or the front desk would; and `Moves` then dates it back to the day it happened. A
dry needling visit is held at today's midnight while it is charted (checked in, opened,
needled, signed and completed through the services), then moved to its own time.
"""

import datetime as dt
import enum
from dataclasses import dataclass, field

from needlecare.charting.consent_documents import consent_document_current
from needlecare.charting.models import Consent, TreatmentSession
from needlecare.charting.services import (
    adverse_event_record,
    consent_countersign,
    consent_sign,
    needling_add,
    session_open,
    session_sign,
    session_update,
)
from needlecare.demo import clinical, data
from needlecare.demo.people import Course
from needlecare.demo.practice import Practice
from needlecare.outcomes.instruments import default_instruments
from needlecare.outcomes.models import PlanOfCare
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import appointment_transition
from needlecare.screening.models import Screening
from needlecare.screening.policy import THORAX, parse_intake
from needlecare.screening.services import clearance_record, screening_confirm, screening_record

MINUTE = dt.timedelta(minutes=1)


@dataclass
class State:
    """Where a patient's course stands as its visits are written, one after another."""

    patient: Patient
    course: Course
    online: bool
    screening: Screening | None = None
    screened_at: dt.datetime | None = None
    consent: Consent | None = None
    plan: PlanOfCare | None = None
    offset: int = 0  # how the patient's disability index sits against their pain
    last_end: dt.datetime | None = None
    ahead: list[dt.datetime] = field(default_factory=list)  # visits booked ahead
    pains: dict[int, int] = field(default_factory=dict)  # pain (0-10) by visit

    @property
    def slug(self) -> str:
        return self.patient.preferred_clinic.slug

    @property
    def cleared(self) -> list[str]:
        """The course's regions the current screening lets Dana needle."""
        if self.screening is None:
            return []
        decision = self.screening.decision
        return [r for r in self.course.regions if decision.clears(r)]

    def pain(self, p: Practice, visit: int) -> int:
        if visit not in self.pains:
            self.pains[visit] = clinical.pain_at(self.course.pain, visit, self.course.visits, p.rng)
        return self.pains[visit]


def screen(p: Practice, state: State, *, at: dt.datetime, by_patient: bool) -> Screening:
    """The patient answers the safety questions (online, or with the front desk)."""
    patient, course = state.patient, state.course
    intake = parse_intake(
        {
            "planned_regions": list(course.regions),
            "conditions": [{"code": code} for code in course.conditions],
        }
    )
    by = patient.user if by_patient and patient.user else p.desks[state.slug]
    screening = screening_record(
        patient=patient, intake=intake, by=by, indications=clinical.indications(course.regions)
    )
    p.moves.set(screening, entered_at=at)
    p.seen(patient.pk, at)
    state.screening, state.screened_at = screening, at
    return screening


def clearance(p: Practice, state: State, *, at: dt.datetime) -> None:
    """The physician's recommendation arrives; the front desk records it (and the screening
    is decided again with it on record)."""
    assert state.screening is not None
    needed = state.screening.decision.with_effect("physician_clearance_required")
    doctor = data.PHYSICIANS[state.course.clearance]
    recorded, redecided = clearance_record(
        patient=state.patient,
        condition=needed[0].code,
        physician_name=doctor["name"],
        cleared_on=p.local(at).date() - dt.timedelta(days=1),
        note="Letter on file: dry needling may go ahead, with care.",
        by=p.desks[state.slug],
    )
    p.moves.set(recorded, recorded_at=at)
    if redecided is not None:
        p.moves.set(redecided, entered_at=at)
        state.screening, state.screened_at = redecided, at


def _appointment(
    p: Practice, state: State, *, kind: str, therapist: str, start: dt.datetime, room: int
) -> Appointment:
    """A past visit's row, as booked a week before (or at the visit before)."""
    type = p.types[(state.slug, kind)]
    end = start + dt.timedelta(minutes=type.duration_minutes)
    needling = type.needs_certification and state.screening is not None
    appointment = Appointment.objects.create(
        clinic=state.patient.preferred_clinic,
        type=type,
        therapist=p.therapists[therapist],
        room_id=room,
        patient=state.patient,
        starts_at=start,
        ends_at=end,
        blocked_until=end + dt.timedelta(minutes=type.buffer_minutes),
        status=Status.COMPLETED,
        planned_regions=state.cleared if needling else [],
        screening=state.screening if needling else None,
        booked_by=p.desks[state.slug],
    )
    booked = state.last_end or start - dt.timedelta(days=7)
    p.moves.set(appointment, created_at=booked)
    p.seen(state.patient.pk, booked)
    return appointment


def _measures(p: Practice, state: State, *, visit: int, at: dt.datetime, therapist: str) -> None:
    """The plan's measures, scored at this visit (or by the patient online the evening before)."""
    if state.plan is None:
        return
    pain = state.pain(p, visit)
    by = p.therapists[therapist].user
    if state.online and visit > 0 and state.patient.user is not None:
        by, at = state.patient.user, p.at(p.local(at).date() - dt.timedelta(days=1), 19, 30)
    for code in state.plan.measures:
        answers = (
            {"pain": pain} if code == "nprs" else clinical.index_answers(code, pain, state.offset)
        )
        response = measure_record(patient=state.patient, instrument=code, answers=answers, by=by)
        p.moves.set(response, completed_at=at)


def evaluation(p: Practice, state: State, *, therapist: str, start: dt.datetime, room: int) -> None:
    """The first visit: screened at the desk (unless already online), evaluated, a plan of care
    and the first scores."""
    _appointment(p, state, kind="initial-evaluation", therapist=therapist, start=start, room=room)
    if state.screening is None:
        screen(p, state, at=start - 15 * MINUTE, by_patient=False)
    measures = [m for m in default_instruments(state.course.regions) if m in clinical.MEASURES]
    plan = plan_of_care_set(
        patient=state.patient,
        regions=list(state.course.regions),
        by=p.therapists[therapist].user,
        measures=measures,
        every_visits=2,
    )
    p.moves.set(plan, created_at=start + 40 * MINUTE)
    state.plan, state.offset = plan, p.rng.randint(-4, 6)
    _measures(p, state, visit=0, at=start + 45 * MINUTE, therapist=therapist)
    state.last_end = start + 60 * MINUTE


def therapy(
    p: Practice, state: State, *, visit: int, therapist: str, start: dt.datetime, room: int
) -> None:
    """A physical therapy visit without needles (needling ruled out, or not cleared yet)."""
    _appointment(p, state, kind="follow-up", therapist=therapist, start=start, room=room)
    if visit % 2 == 0 or visit == state.course.visits:
        _measures(p, state, visit=visit, at=start + 40 * MINUTE, therapist=therapist)
    state.last_end = start + 45 * MINUTE


class Absence(enum.Enum):
    """Why a patient was not at a visit: missed it, called it off in good time, or called it off
    inside the clinic's late-cancellation window."""

    MISSED = (Status.NO_SHOW, "", "")
    CANCELLED = (Status.CANCELLED, "Called two days before: away.", "patient")
    LATE = (Status.LATE_CANCELLED, "Called that morning: unwell.", "patient")


def absent(
    p: Practice,
    state: State,
    *,
    kind: str,
    therapist: str,
    start: dt.datetime,
    room: int,
    why: Absence,
) -> None:
    """A visit the patient did not come to, or called off."""
    appointment = _appointment(p, state, kind=kind, therapist=therapist, start=start, room=room)
    status, reason, by = why.value
    Appointment.objects.filter(pk=appointment.pk).update(
        status=status, cancel_reason=reason, cancelled_by=by
    )


def _consent(p: Practice, state: State, *, start: dt.datetime) -> None:
    """Signed before the first needling (online the evening before, or at the desk with a
    witness), and countersigned by Dana at that visit."""
    patient, desk = state.patient, p.desks[state.slug]
    online = state.online and patient.user is not None
    by = patient.user if online and patient.user else desk
    consent = consent_sign(
        patient=patient,
        document=consent_document_current(patient.preferred_clinic),
        signed_name=patient.full_name,
        agreed=True,
        by=by,
        witness=None if online else desk,
        covers_thorax=bool(THORAX & set(state.course.regions)),
    )
    signed = p.at(p.local(start).date() - dt.timedelta(days=1), 20) if online else start
    dana = p.therapists["dana"]
    consent_countersign(consent=consent, therapist=dana, by=dana.user)
    p.moves.set(consent, signed_at=signed - 10 * MINUTE, countersigned_at=start - 5 * MINUTE)
    state.consent = consent


def needling(
    p: Practice, state: State, *, visit: int, start: dt.datetime, room: int, rescreen: bool
) -> None:
    """A dry needling visit with Dana, charted through the services while held at today's
    midnight, then moved to its own time."""
    patient, slug, course = state.patient, state.slug, state.course
    dana, desk = p.therapists["dana"], p.desks[slug]
    type = p.types[(slug, "dry-needling")]
    regions = state.cleared
    assert state.screening is not None and regions
    if state.consent is None:
        _consent(p, state, start=start)
    if state.screened_at is not None and p.local(start).date() == p.local(state.screened_at).date():
        rescreened = True
    elif rescreen:
        screen(p, state, at=start - 10 * MINUTE, by_patient=False)
        rescreened = True
    else:
        confirmed = screening_confirm(screening=state.screening, by=dana.user)
        p.moves.set(confirmed, confirmed_at=start - 5 * MINUTE)
        rescreened = False
    held = p.at(p.today, 0)
    length = dt.timedelta(minutes=type.duration_minutes)
    buffer = dt.timedelta(minutes=type.buffer_minutes)
    appointment = Appointment.objects.create(
        clinic=patient.preferred_clinic,
        type=type,
        therapist=dana,
        room_id=room,
        patient=patient,
        starts_at=held,
        ends_at=held + length,
        blocked_until=held + length + buffer,
        planned_regions=regions,
        precautions=[r.to_dict() for r in state.screening.decision.precautions_for(regions)],
        screening=state.screening,
        booked_by=desk,
    )
    appointment_transition(appointment=appointment, action="check_in", by=desk)
    session = session_open(
        appointment=appointment, regions=regions, by=dana.user, no_changes_confirmed=True
    )
    rows = clinical.needling(regions, visit, p.rng)
    for row in rows:
        needling_add(session=session, by=dana.user, **row)
    needles = sum(2 if row["technique"] == "static" else 1 for row in rows)
    notes = clinical.session_notes(
        regions, pain=state.pain(p, visit), needles=needles, last=visit == course.visits, rng=p.rng
    )
    session_update(session=session, by=dana.user, **notes)
    session_sign(session=session, by=dana.user)
    appointment_transition(appointment=appointment, action="complete", by=dana.user)
    # Moved at once: the next visit is held at the same midnight.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=start, ends_at=start + length, blocked_until=start + length + buffer
    )
    p.moves.set(appointment, created_at=state.last_end or start - dt.timedelta(days=7))
    signed = start + length
    p.moves.set(session, opened_at=start + 5 * MINUTE, signed_at=signed, rescreened=rescreened)
    for when, category, severity in course.events:
        if when == visit:
            _event(p, session, category=category, severity=severity, signed=signed)
    if visit % 2 == 0 or visit == course.visits:
        _measures(p, state, visit=visit, at=start + 30 * MINUTE, therapist="dana")
    state.last_end = signed


def _event(
    p: Practice, session: TreatmentSession, *, category: str, severity: str, signed: dt.datetime
) -> None:
    onset, duration, action, outcome, reporter = clinical.EVENTS[(category, severity)]
    event = adverse_event_record(
        session=session,
        by=p.therapists["dana"].user,
        category=category,
        severity=severity,
        onset=onset,
        duration=duration,
        site="",
        action_taken=action,
        outcome=outcome,
        reported_by=reporter,
    )
    # Seen during the visit, or told by the patient the next day.
    next_day = p.local(signed).date() + dt.timedelta(days=1)
    recorded = signed + 10 * MINUTE if onset == "during" else p.at(next_day, 10)
    fields: dict[str, object] = {"recorded_at": recorded}
    if severity != "mild":
        fields["follow_up_on"] = p.local(signed).date() + dt.timedelta(days=1)
    p.moves.set(event, **fields)
