import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest

from needlecare.clinics.models import Clinic, Room, Therapist
from needlecare.common.testing.personas import Practice
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment, AppointmentType, Status

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@dataclass
class Diary:
    """Appointments made directly, for checking what calendars show of them."""

    practice: Practice
    dry_needling: AppointmentType
    room: Room
    foxboro_type: AppointmentType
    foxboro_room: Room

    def book(
        self,
        starts_at: dt.datetime,
        *,
        patient: Patient | None = None,
        therapist: Therapist | None = None,
        clinic: Clinic | None = None,
        status: str = Status.CONFIRMED,
    ) -> Appointment:
        p = self.practice
        clinic = clinic or p.stoughton
        at_foxboro = clinic == p.foxboro
        type = self.foxboro_type if at_foxboro else self.dry_needling
        ends_at = starts_at + dt.timedelta(minutes=type.duration_minutes)
        return Appointment.objects.create(
            clinic=clinic,
            type=type,
            therapist=therapist or p.therapist,
            room=self.foxboro_room if at_foxboro else self.room,
            patient=patient or p.patient,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_until=ends_at + dt.timedelta(minutes=type.buffer_minutes),
            status=status,
            cancel_reason="Patient unwell" if status == Status.CANCELLED else "",
            planned_regions=["neck", "low_back"],
            precautions=[{"code": "diabetes", "label": "Diabetes"}],
            booked_by=p.front_desk,
        )


@pytest.fixture
def diary(practice: Practice) -> Diary:
    def dry_needling(clinic: Clinic) -> AppointmentType:
        return AppointmentType.objects.create(
            clinic=clinic,
            code="dry-needling",
            name="Dry needling treatment",
            duration_minutes=45,
            buffer_minutes=15,
            needs_certification=True,
        )

    return Diary(
        practice=practice,
        dry_needling=dry_needling(practice.stoughton),
        room=Room.objects.create(clinic=practice.stoughton, name="Room 2"),
        foxboro_type=dry_needling(practice.foxboro),
        foxboro_room=Room.objects.create(clinic=practice.foxboro, name="Room A"),
    )


def local(*args: int) -> dt.datetime:
    """A wall-clock time in the clinics' zone."""
    return dt.datetime(*args, tzinfo=NEW_YORK)
