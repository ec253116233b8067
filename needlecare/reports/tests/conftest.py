"""A patient with a course of signed dry needling sessions, outcome scores and a consent.

The visit setup follows charting's `visit` fixture (copied, not imported, so each app's tests
stand on their own).
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from needlecare.charting.consent import consent_countersign, consent_document_publish, consent_sign
from needlecare.charting.models import Consent, ConsentDocument, TreatmentSession
from needlecare.charting.services import (
    needling_add,
    session_open,
    session_sign,
    session_update,
)
from needlecare.common.testing.schedule import Schedule
from needlecare.outcomes.models import MeasureResponse
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.services import appointment_book, appointment_transition

CONSENT_TEXT = (
    "## What dry needling is\n\n"
    "A fine, solid, sterile needle; nothing is injected.\n\n"
    "## Risks\n\n"
    "Soreness and bruising are common and pass within a day or two."
)
NEEDLE = {
    "needle_diameter_mm": "0.25",
    "needle_length_mm": 40,
    "depth_mm": 20,
    "technique": "pistoning",
    "insertions": 3,
    "minutes_in_place": 10,
    "twitch_response": True,
}
# (days after the first visit, muscles as (code, side)) for each signed session
COURSE = (
    (0, (("upper_trapezius", "left"), ("levator_scapulae", "left"))),
    (7, (("upper_trapezius", "left"), ("infraspinatus", "left"))),
    (14, (("upper_trapezius", "left"), ("levator_scapulae", "right"), ("infraspinatus", "left"))),
)
# (instrument, days after the first visit, score)
SCORES = (
    ("ndi", 0, 44.0),
    ("ndi", 7, 36.0),
    ("ndi", 14, 26.0),
    ("nprs", 0, 6.0),
    ("nprs", 14, 5.0),
)


@dataclass
class Visit:
    schedule: Schedule
    document: ConsentDocument
    consent: Consent
    appointment: Appointment

    @property
    def practice(self):
        return self.schedule.practice

    @property
    def patient(self):
        return self.schedule.practice.patient

    @property
    def therapist_user(self):
        return self.schedule.practice.therapist.user


def sign(schedule, document, *, thorax=False, countersign=True):
    p = schedule.practice
    consent = consent_sign(
        patient=p.patient,
        document=document,
        signed_name=p.patient.full_name,
        agreed=True,
        by=p.patient.user,
        covers_thorax=thorax,
    )
    if countersign:
        consent_countersign(consent=consent, therapist=p.therapist, by=p.therapist.user)
    return consent


def book_and_check_in(schedule, *, days=0):
    p = schedule.practice
    appointment = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(9, days=days),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    appointment_transition(appointment=appointment, action="check_in", by=p.front_desk)
    return appointment


@pytest.fixture
def visit(schedule):
    """A screened, consented patient checked in for a dry needling visit with Dana."""
    p = schedule.practice
    schedule.screen(None, "diabetes", regions=("neck", "upper_back", "low_back", "shoulder_left"))
    document = consent_document_publish(
        clinic=p.stoughton, title="Consent to dry needling", body=CONSENT_TEXT, by=p.admin
    )
    consent = sign(schedule, document)
    return Visit(
        schedule=schedule,
        document=document,
        consent=consent,
        appointment=book_and_check_in(schedule),
    )


def treat(visit, appointment, muscles, *, plan="Review in a week"):
    """Open, chart and sign one session for this appointment."""
    by = visit.therapist_user
    session = session_open(
        appointment=appointment, regions=["neck"], by=by, no_changes_confirmed=True
    )
    for muscle, side in muscles:
        needling_add(session=session, by=by, muscle=muscle, side=side, **NEEDLE)
    session_update(
        session=session,
        by=by,
        position="prone",
        pain_before=6,
        pain_after=3,
        needles_in=len(muscles) * 2,
        needles_out=len(muscles) * 2,
        haemostasis=True,
        plan=plan,
    )
    return session_sign(session=session, by=by)


def score(patient, instrument, value, *, at, by):
    response = MeasureResponse.objects.create(
        patient=patient,
        instrument=instrument,
        version="test",
        answers={},
        value=value,
        answered=1,
        entered_by=by,
    )
    MeasureResponse.objects.filter(pk=response.pk).update(completed_at=at)
    return response


@pytest.fixture
def course(visit):
    """Three signed sessions a week apart with their muscles, and NDI and NPRS scores."""
    sessions = []
    for n, (days, muscles) in enumerate(COURSE):
        appointment = visit.appointment if n == 0 else book_and_check_in(visit.schedule, days=days)
        plan = "Two more sessions, then review.\n\nHome exercise: chin tucks twice a day."
        session = treat(visit, appointment, muscles, plan=plan if n == len(COURSE) - 1 else "")
        when = visit.schedule.at(9, days=days)
        TreatmentSession.objects.filter(pk=session.pk).update(opened_at=when, signed_at=when)
        sessions.append(session)
    for instrument, days, value in SCORES:
        at = visit.schedule.at(8, 45, days=days)
        score(visit.patient, instrument, value, at=at, by=visit.therapist_user)
    return sessions


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it (poppler-utils), with whitespace made single."""
    source = tmp_path / "letter.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


def first_page_png(pdf: bytes, tmp_path: Path) -> Path:
    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    return png


@pytest.fixture(autouse=True)
def _poppler() -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("poppler-utils is missing: scripts/test installs it")
