"""A patient with one of every kind of record: a screening, a clearance, a signed consent, a
visit with its confirmation message, a signed treatment session with needling and an adverse
event, an outcome measure and a progress letter (built on the shared `visit` fixture)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from needlecare.charting.models import AdverseEvent, TreatmentSession
from needlecare.charting.services import (
    adverse_event_record,
    needling_add,
    session_open,
    session_sign,
    session_update,
)
from needlecare.common.testing.charting import NEEDLE, Visit
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.two_factor import VerifiedClient as Client
from needlecare.outcomes.models import MeasureResponse
from needlecare.outcomes.services import measure_record
from needlecare.reports.models import Letter
from needlecare.reports.services import progress_letter_create
from needlecare.screening.models import PhysicianClearance
from needlecare.screening.services import clearance_record

CLEARANCE_PDF = b"%PDF-1.4\n% Dr. Chen's clearance\n%%EOF\n"


@dataclass
class Chart:
    visit: Visit
    session: TreatmentSession
    event: AdverseEvent
    measure: MeasureResponse
    letter: Letter
    clearance: PhysicianClearance


@pytest.fixture(name="chart")
def chart_fixture(visit: Visit) -> Chart:
    by = visit.therapist_user
    with on_the_day(visit.schedule):
        session = session_open(
            appointment=visit.appointment, regions=["neck"], by=by, no_changes_confirmed=True
        )
        needling_add(session=session, by=by, muscle="upper_trapezius", side="left", **NEEDLE)
        session_update(
            session=session,
            by=by,
            position="prone",
            pain_before=6,
            pain_after=3,
            needles_in=2,
            needles_out=2,
            haemostasis=True,
            plan="Review in a week",
        )
        session = session_sign(session=session, by=by)
        event = adverse_event_record(
            session=session,
            by=by,
            category="bruising",
            severity="mild",
            onset="during",
            reported_by="therapist",
        )
        measure = measure_record(
            patient=visit.patient, instrument="nprs", answers={"pain": 5}, by=visit.patient.user
        )
        letter = progress_letter_create(patient=visit.patient, by=by)
        clearance, _ = clearance_record(
            patient=visit.patient,
            condition="diabetes",
            physician_name="Dr. Laura Chen",
            cleared_on=dt.date.today() - dt.timedelta(days=1),
            by=visit.practice.front_desk,
            letter=SimpleUploadedFile("chen.pdf", CLEARANCE_PDF, content_type="application/pdf"),
        )
    return Chart(visit, session, event, measure, letter, clearance)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client
