"""A patient with a course of signed dry needling sessions, outcome scores and a consent.

Built on the shared `visit` fixture (needlecare.common.testing.charting).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from needlecare.charting.models import TreatmentSession
from needlecare.charting.services import (
    needling_add,
    session_open,
    session_sign,
    session_update,
)
from needlecare.common.testing.charting import NEEDLE, book_and_check_in
from needlecare.common.testing.clock import on_the_day
from needlecare.outcomes.models import MeasureResponse

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
        plan = "Two more sessions, then review.\n\nHome exercise: chin tucks twice a day."
        with on_the_day(visit.schedule, days=days):
            appointment = (
                visit.appointment if n == 0 else book_and_check_in(visit.schedule, days=days)
            )
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
