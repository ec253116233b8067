"""A bookable week at the practice's Stoughton clinic, on top of the personas."""

import datetime as dt
from dataclasses import dataclass

from needlecare.clinics.models import OpeningHours, Room
from needlecare.common.testing.personas import Practice
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.models import AppointmentType, WorkingHours
from needlecare.screening.models import Screening
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record


@dataclass
class Schedule:
    practice: Practice
    dry_needling: AppointmentType
    evaluation: AppointmentType
    rooms: list[Room]
    day: dt.date  # a Monday at least a week ahead

    def at(self, hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
        local = dt.datetime.combine(self.day + dt.timedelta(days=days), dt.time(hour, minute))
        return local.replace(tzinfo=clinic_zone(self.practice.stoughton))

    def screen(
        self, patient: Patient | None = None, *conditions: object, regions=("neck", "low_back")
    ) -> Screening:
        body = {
            "planned_regions": list(regions),
            "conditions": [c if isinstance(c, dict) else {"code": c} for c in conditions],
        }
        return screening_record(
            patient=patient or self.practice.patient,
            intake=parse_intake(body),
            by=self.practice.front_desk,
        )


def build_schedule(practice: Practice, *, rooms: int = 2) -> Schedule:
    clinic = practice.stoughton
    for weekday in range(5):
        OpeningHours.objects.create(
            clinic=clinic, weekday=weekday, opens=dt.time(7), closes=dt.time(19)
        )
        WorkingHours.objects.create(
            therapist=practice.therapist,
            clinic=clinic,
            weekday=weekday,
            starts=dt.time(8),
            ends=dt.time(16),
        )
    today = clinic_today(clinic)
    monday = today + dt.timedelta(days=7 - today.weekday() + 7)
    return Schedule(
        practice=practice,
        dry_needling=AppointmentType.objects.create(
            clinic=clinic,
            code="dry-needling",
            name="Dry needling treatment",
            duration_minutes=45,
            buffer_minutes=15,
            needs_certification=True,
        ),
        evaluation=AppointmentType.objects.create(
            clinic=clinic,
            code="initial-evaluation",
            name="Initial evaluation",
            duration_minutes=60,
            buffer_minutes=0,
        ),
        rooms=[Room.objects.create(clinic=clinic, name=f"Room {n + 1}") for n in range(rooms)],
        day=monday,
    )
