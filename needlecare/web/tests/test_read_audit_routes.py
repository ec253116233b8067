"""Every page, download and API read of a patient's records leaves one read record: who, as
what, which record of which patient, and from where; and nobody reads another's records."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from needlecare.audit.models import ReadEvent
from needlecare.common.testing.clock import on_the_day
from needlecare.interop.services import calendar_feed_create
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
    signed_in,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    """A read: who asks (patient, front_desk, therapist), where, and what it is about."""

    who: str
    url: Callable[[Chart], str]
    record: Callable[[Chart], tuple[str, str]]


def _user(c: Chart, who: str) -> object:
    p = c.visit.practice
    return {"patient": c.visit.patient.user, "front_desk": p.front_desk}.get(
        who, c.visit.therapist_user
    )


def _pid(c: Chart) -> int:
    return c.visit.patient.pk


def _screening(c: Chart) -> int:
    return c.visit.patient.screenings.order_by("-pk").first().pk  # type: ignore[union-attr]


PATIENT = lambda c: ("patients.patient", str(_pid(c)))  # noqa: E731
LISTED = lambda kind: lambda c: (kind, "")  # noqa: E731

ROUTES = {
    # The API: the eight reads that skipped the audit, the details and the clinic's schedule.
    "api patient": Route("front_desk", lambda c: f"/api/patients/{_pid(c)}", PATIENT),
    "api consent": Route(
        "patient",
        lambda c: f"/api/charting/patients/{_pid(c)}/consent",
        lambda c: ("charting.consent", str(c.visit.consent.pk)),
    ),
    "api sessions": Route(
        "therapist",
        lambda c: f"/api/charting/patients/{_pid(c)}/sessions",
        LISTED("charting.treatmentsession"),
    ),
    "api session": Route(
        "therapist",
        lambda c: f"/api/charting/sessions/{c.session.pk}",
        lambda c: ("charting.treatmentsession", str(c.session.pk)),
    ),
    "api measures": Route(
        "patient",
        lambda c: f"/api/charting/patients/{_pid(c)}/measures",
        LISTED("outcomes.measureresponse"),
    ),
    "api letters": Route(
        "patient", lambda c: f"/api/charting/patients/{_pid(c)}/letters", LISTED("reports.letter")
    ),
    "api letter pdf": Route(
        "therapist",
        lambda c: f"/api/charting/letters/{c.letter.pk}.pdf",
        lambda c: ("reports.letter", str(c.letter.pk)),
    ),
    "api screenings": Route(
        "front_desk", lambda c: f"/api/screening/patients/{_pid(c)}", LISTED("screening.screening")
    ),
    "api my appointments": Route(
        "patient", lambda c: "/api/scheduling/mine", LISTED("scheduling.appointment")
    ),
    "api clinic schedule": Route(
        "front_desk",
        lambda c: (
            "/api/scheduling/clinics/stoughton/appointments?day="
            + c.visit.appointment.starts_at.date().isoformat()
        ),
        lambda c: ("scheduling.appointment", str(c.visit.appointment.pk)),
    ),
    # Pages and downloads.
    "record": Route("front_desk", lambda c: f"/staff/patients/{_pid(c)}/", PATIENT),
    "staff consent": Route(
        "therapist", lambda c: f"/staff/patients/{_pid(c)}/consent/", LISTED("charting.consent")
    ),
    "my consent": Route("patient", lambda c: "/me/consent/", LISTED("charting.consent")),
    "staff consent pdf": Route(
        "front_desk",
        lambda c: f"/staff/consents/{c.visit.consent.pk}.pdf",
        lambda c: ("charting.consent", str(c.visit.consent.pk)),
    ),
    "my consent pdf": Route(
        "patient",
        lambda c: f"/me/consent/{c.visit.consent.pk}.pdf",
        lambda c: ("charting.consent", str(c.visit.consent.pk)),
    ),
    "session": Route(
        "therapist",
        lambda c: f"/staff/sessions/{c.session.pk}/",
        lambda c: ("charting.treatmentsession", str(c.session.pk)),
    ),
    "staff measures": Route(
        "therapist",
        lambda c: f"/staff/patients/{_pid(c)}/measures/",
        LISTED("outcomes.measureresponse"),
    ),
    "my measures": Route("patient", lambda c: "/me/measures/", LISTED("outcomes.measureresponse")),
    "staff letters": Route(
        "therapist", lambda c: f"/staff/patients/{_pid(c)}/letters/", LISTED("reports.letter")
    ),
    "my letters": Route("patient", lambda c: "/me/letters/", LISTED("reports.letter")),
    "staff letter pdf": Route(
        "therapist",
        lambda c: f"/staff/letters/{c.letter.pk}.pdf",
        lambda c: ("reports.letter", str(c.letter.pk)),
    ),
    "my letter pdf": Route(
        "patient",
        lambda c: f"/me/letters/{c.letter.pk}.pdf",
        lambda c: ("reports.letter", str(c.letter.pk)),
    ),
    "staff screening": Route(
        "front_desk",
        lambda c: f"/staff/screenings/{_screening(c)}/",
        lambda c: ("screening.screening", str(_screening(c))),
    ),
    "my screening": Route(
        "patient",
        lambda c: f"/screening/{_screening(c)}/",
        lambda c: ("screening.screening", str(_screening(c))),
    ),
    "clearance letter": Route(
        "front_desk",
        lambda c: f"/staff/clearances/{c.clearance.pk}/letter/",
        lambda c: ("screening.physicianclearance", str(c.clearance.pk)),
    ),
    "staff appointment": Route(
        "front_desk",
        lambda c: f"/staff/appointments/{c.visit.appointment.pk}/",
        lambda c: ("scheduling.appointment", str(c.visit.appointment.pk)),
    ),
    "my home": Route("patient", lambda c: "/me/", PATIENT),
    "my details": Route("patient", lambda c: "/me/details/", PATIENT),
    "calendar file": Route(
        "patient",
        lambda c: f"/appointments/{c.visit.appointment.pk}/calendar.ics",
        lambda c: ("scheduling.appointment", str(c.visit.appointment.pk)),
    ),
}


@pytest.mark.parametrize("name", list(ROUTES))
def test_each_read_of_a_patients_records_is_recorded(chart: Chart, name: str) -> None:
    route = ROUTES[name]
    user = _user(chart, route.who)
    before = ReadEvent.objects.count()
    with on_the_day(chart.visit.schedule):
        response = signed_in(user).get(route.url(chart), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200, response.content[:500]
    [read] = ReadEvent.objects.filter(actor=user).order_by("-id")[:1]
    assert ReadEvent.objects.count() == before + 1
    assert (read.record_type, read.record_id) == route.record(chart)
    assert read.patient_id == chart.visit.patient.pk
    assert read.role == user.role  # type: ignore[attr-defined]
    assert read.actor_label == user.email  # type: ignore[attr-defined]
    assert read.address == "203.0.113.9"
    assert read.what


def test_the_therapists_calendar_feed_is_recorded_by_fetch(chart: Chart) -> None:
    therapist = chart.visit.practice.therapist
    _, token = calendar_feed_create(therapist=therapist, by=therapist.user)
    response = Client().get(f"/calendar/{token}.ics", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    [read] = ReadEvent.objects.filter(what="calendar feed")
    assert read.actor == therapist.user
    assert read.record_type == "interop.calendarfeed"
    assert read.patient_id is None
    assert read.address == "198.51.100.4"


OTHERS = [
    "api patient",
    "api consent",
    "api measures",
    "api letters",
    "api letter pdf",
    "my consent pdf",
    "my letter pdf",
    "my screening",
    "calendar file",
]


@pytest.mark.parametrize("name", OTHERS)
def test_another_patient_cannot_read_the_record(chart: Chart, name: str) -> None:
    other = chart.visit.practice.other_patient.user
    with on_the_day(chart.visit.schedule):
        response = signed_in(other).get(ROUTES[name].url(chart))
    assert response.status_code == 404
    assert not ReadEvent.objects.filter(patient_id=chart.visit.patient.pk, actor=other).exists()
