"""What building the demo's working day keeps at hand: the practice's records, its clock, and
the timestamps to set once the services have written."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Room, Therapist
from needlecare.common.time import clinic_zone
from needlecare.demo.diary import Diary
from needlecare.demo.people import THERAPISTS
from needlecare.scheduling.models import AppointmentType

# Stoughton's front desk and Foxboro's.
DESKS = {
    "stoughton": "frontdesk.stoughton@demo.needlecare.test",
    "foxboro": "frontdesk.foxboro@demo.needlecare.test",
}
AHEAD_DAYS = 14


class Moves:
    """Timestamps (and the few fields that go with them) to write once everything is in place.

    The services stamp what they write with the present moment and refuse to book or chart
    the past, as they should; the demo's history is written through them today and then moved
    back to the day it happened, here, in one UPDATE per model and set of fields.
    """

    def __init__(self) -> None:
        self.rows: dict[tuple[type[models.Model], Any], dict[str, Any]] = defaultdict(dict)

    def set(self, obj: models.Model, **fields: Any) -> None:
        self.rows[(type(obj), obj.pk)].update(fields)

    def apply(self) -> None:
        groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = {}
        for (model, pk), fields in self.rows.items():
            names = tuple(sorted(fields))
            groups.setdefault((model, names), []).append(model(pk=pk, **fields))
        for (model, names), objs in groups.items():
            model._default_manager.bulk_update(objs, names, batch_size=200)
        self.rows.clear()


@dataclass
class Practice:
    now: dt.datetime
    zone: ZoneInfo
    clinics: dict[str, Clinic]
    therapists: dict[str, Therapist]  # "dana", "sam", "alex"
    desks: dict[str, User]  # by clinic slug
    types: dict[tuple[str, str], AppointmentType]  # (clinic slug, code)
    diary: Diary
    rng: random.Random
    moves: Moves = field(default_factory=Moves)
    # The story behind the visits booked ahead: when each was booked and, if so, cancelled.
    booked_at: dict[int, dt.datetime] = field(default_factory=dict)
    cancelled_at: dict[int, dt.datetime] = field(default_factory=dict)
    # Each patient's first moment in the practice's story, to date their registration.
    first_seen: dict[int, dt.datetime] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()

    @property
    def last_day(self) -> dt.date:
        return self.today + dt.timedelta(days=AHEAD_DAYS)

    @property
    def history_ends(self) -> dt.datetime:
        """Today's past visits end an hour before now; what starts after is booked ahead."""
        return self.now - dt.timedelta(hours=1)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.zone)

    def seen(self, patient_id: int, at: dt.datetime) -> None:
        if patient_id not in self.first_seen or at < self.first_seen[patient_id]:
            self.first_seen[patient_id] = at


def practice_open(clinics: dict[str, Clinic], *, seed: int = 2026) -> Practice:
    """The demo practice as the history builder needs it, read once."""
    zone = clinic_zone(clinics["stoughton"])
    rooms = {
        slug: list(Room.objects.filter(clinic=clinic).order_by("pk").values_list("pk", flat=True))
        for slug, clinic in clinics.items()
    }
    rng = random.Random(seed)
    return Practice(
        now=timezone.now(),
        zone=zone,
        clinics=clinics,
        therapists={
            key: Therapist.objects.select_related("user").get(user__email=email)
            for key, email in THERAPISTS.items()
        },
        desks={slug: User.objects.get(email=email) for slug, email in DESKS.items()},
        types={
            (kind.clinic.slug, kind.code): kind
            for kind in AppointmentType.objects.select_related("clinic").filter(
                clinic__in=clinics.values()
            )
        },
        diary=Diary(zone=zone, rooms=rooms, rng=rng),
        rng=rng,
    )
