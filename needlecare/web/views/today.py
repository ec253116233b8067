"""The staff's home page: the working day, as each role needs it.

The front desk sees each of their clinics' arrivals, with what must hold before a dry needling
visit, and the day's free time to book; a therapist their own visits across their clinics, each
with its safety state and one click from its treatment record; a clinic admin each clinic's
week: how full the therapists are and the safety items still open. On a day a clinic is closed
the page says so and shows the next working day. Every role keeps the unread notifications, and
clinic admins the messages that could not be sent.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from needlecare.accounts.access import STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_read
from needlecare.charting.models import AdverseEvent
from needlecare.charting.selectors import (
    VisitSafety,
    adverse_events_to_review,
    notifications_unread,
    sessions_of_appointments,
    visit_safety,
)
from needlecare.clinics.credentials import EXPIRY_WARNING_DAYS
from needlecare.clinics.models import Clinic, Credential
from needlecare.clinics.selectors import clinics_of, credentials_expiring, therapist_of
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.outbox.selectors import messages_failed
from needlecare.scheduling import selectors
from needlecare.scheduling.models import Appointment
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS
from needlecare.screening.selectors import clearance_worklist
from needlecare.web.mail import KIND_LABELS
from needlecare.web.navigation import remember_clinics
from needlecare.web.views._visits import Visit, visit_of

CONDITION_LABELS = {code: info.label for code, info in CONDITION_INFO.items()}


@dataclass
class Row:
    """One visit as the day's lists show it."""

    visit: Visit
    safety: VisitSafety | None  # None: not dry needling, nothing to hold
    session_id: int | None = None


@dataclass
class FreeTime:
    starts: dt.datetime  # local
    ends: dt.datetime
    types: list[str]
    span = Visit.span


@dataclass
class Day:
    """One clinic's working day: today, or the next one when it is closed today."""

    clinic: Clinic
    today: dt.date
    day: dt.date | None  # None: no working day in the next fortnight
    rows: list[Row] = field(default_factory=list)
    free: list[tuple[str, list[FreeTime]]] = field(default_factory=list)  # by therapist

    @property
    def is_today(self) -> bool:
        return self.day == self.today


@dataclass
class Week:
    clinic: Clinic
    monday: dt.date
    sunday: dt.date
    utilisation: list[selectors.Utilisation]
    clearances: list[Screening]
    credentials: list[Credential]
    to_review: list[AdverseEvent]


@allow(*STAFF)
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    clinics = list(clinics_of(user))
    remember_clinics(request, clinics)
    context: dict[str, object] = {
        "my_clinics": clinics,
        "notifications": notifications_unread(user)[:20],
        "failed": messages_failed(c.pk for c in clinics)[:20]
        if user.role == Role.CLINIC_ADMIN
        else [],
        "kind_labels": KIND_LABELS,
        "region_labels": REGION_LABELS,
        "condition_labels": CONDITION_LABELS,
    }
    shown: list[Model] = []
    if user.role == Role.FRONT_DESK:
        context["days"] = days = [_desk_day(clinic) for clinic in clinics]
        shown += [row.visit.appointment for day in days for row in day.rows]
    elif user.role == Role.THERAPIST:
        context.update(mine := _therapist_day(user, clinics))
        if isinstance(my_day := mine.get("my_day"), Day):
            shown += [row.visit.appointment for row in my_day.rows]
    else:
        context["weeks"] = weeks = [_week(clinic) for clinic in clinics]
        shown += [item for week in weeks for item in (*week.clearances, *week.to_review)]
    audit_read(actor=user, request=request, what="working day", targets=shown)
    return render(request, "staff/home.html", context)


def _rows(
    appointments: Sequence[Appointment], clinics: Sequence[Clinic], *, sessions: bool = False
) -> list[Row]:
    """The visits with their safety state (and, for clinicians, their treatment records), in
    the same few queries however many there are."""
    zones = {clinic.pk: clinic_zone(clinic) for clinic in clinics}
    safety = visit_safety(appointments)
    flagged = {pk for pk, s in safety.items() if s.screening_changed}
    opened = sessions_of_appointments(a.pk for a in appointments) if sessions else {}
    return [
        Row(visit_of(a, zones[a.clinic_id], flagged=flagged), safety.get(a.pk), opened.get(a.pk))
        for a in appointments
    ]


def _desk_day(clinic: Clinic) -> Day:
    """Arrivals and free time at a clinic on its working day."""
    today = clinic_today(clinic)
    day = selectors.working_day(clinics=[clinic], on=today)
    if day is None:
        return Day(clinic, today, None)
    zone = clinic_zone(clinic)
    kinds = selectors.appointment_types_offered(clinic, online_only=False)
    gaps = selectors.day_gaps(clinic, day, types=kinds, not_before=timezone.now())
    free = [
        (
            row.therapist.user.full_name,
            [
                FreeTime(
                    g.start.astimezone(zone), g.end.astimezone(zone), [k.name for k in g.types]
                )
                for g in row.gaps
            ],
        )
        for row in gaps
    ]
    return Day(clinic, today, day, _rows(selectors.arrivals(clinic, day), [clinic]), free)


def _therapist_day(user: User, clinics: list[Clinic]) -> dict[str, object]:
    """The therapist's visits on their working day, across their clinics."""
    therapist = therapist_of(user)
    if therapist is None or not clinics:
        return {"therapist": None}
    today = clinic_today(clinics[0])
    visits = selectors.appointments_of_therapist(therapist, today, clinics)
    day = today if visits else selectors.working_day(clinics=clinics, on=today, therapist=therapist)
    if day is not None and day != today:
        visits = selectors.appointments_of_therapist(therapist, day, clinics)
    return {
        "therapist": therapist,
        "my_day": Day(clinics[0], today, day, _rows(visits, clinics, sessions=True)),
    }


def _week(clinic: Clinic) -> Week:
    """The clinic's week (that of its working day): use of the therapists' time, and the
    safety items still open."""
    today = clinic_today(clinic)
    day = selectors.working_day(clinics=[clinic], on=today) or today
    monday = day - dt.timedelta(days=day.weekday())
    return Week(
        clinic=clinic,
        monday=monday,
        sunday=monday + dt.timedelta(days=6),
        utilisation=selectors.utilisation_for_week(clinic, monday),
        # Awaited: some planned area waits for a physician (not one ruled out for good).
        clearances=[
            s
            for s in clearance_worklist([clinic.pk])
            if "physician_clearance_required" in s.decision.not_cleared().values()
        ],
        credentials=credentials_expiring(clinic, on=today, within_days=EXPIRY_WARNING_DAYS),
        to_review=adverse_events_to_review(clinic),
    )
