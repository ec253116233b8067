"""A checked-in, screened and consented dry needling visit, for charting tests."""

import datetime as dt
from dataclasses import dataclass

import pytest

from needlecare.charting.models import Consent, ConsentDocument
from needlecare.charting.services import consent_countersign, consent_document_publish, consent_sign
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.schedule import Schedule
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.services import appointment_book, appointment_transition

CONSENT_TEXT = (
    "## What dry needling is\n\n"
    "A fine, solid, sterile needle; nothing is injected.\n\n"
    "## Risks\n\n"
    "Soreness and bruising are common and pass within a day or two."
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
    """A dry needling appointment with Dana at 9:00, days after the schedule's Monday, checked
    in; call it on that day (see clock.on_the_day): check-in is only on the visit's day."""
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
    """A screened, consented patient checked in for a dry needling visit with Dana today: the
    test runs on the schedule's Monday, from 8:00 clinic time, the clock ticking."""
    p = schedule.practice
    with on_the_day(schedule):
        schedule.screen(
            None, "diabetes", regions=("neck", "upper_back", "low_back", "shoulder_left")
        )
        document = consent_document_publish(
            clinic=p.stoughton, title="Consent to dry needling", body=CONSENT_TEXT, by=p.admin
        )
        consent = sign(schedule, document)
        yield Visit(
            schedule=schedule,
            document=document,
            consent=consent,
            appointment=book_and_check_in(schedule),
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
ONE_DAY = dt.timedelta(days=1)
