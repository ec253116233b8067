"""Past visits need times too: the hour a therapist worked, a free room, the patient not
elsewhere. The diary finds them, as availability does for times to come, for the history the
booking service will not write (it books only times still ahead).
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from needlecare.demo import data
from needlecare.demo.people import THERAPISTS

Span = tuple[dt.datetime, dt.datetime]
HOURS: dict[tuple[str, str], dict[int, tuple[dt.time, dt.time]]] = {
    (key, slug): {weekday: (start, end) for weekday, start, end in hours}
    for key, email in THERAPISTS.items()
    for slug, hours in data.WORKING_HOURS[email].items()
}


def works(therapist: str, clinic: str, day: dt.date) -> bool:
    return day.weekday() in HOURS.get((therapist, clinic), {})


def working_day(therapist: str, clinic: str, day: dt.date) -> dt.date:
    """The day itself, or the next one the therapist works at the clinic."""
    if not HOURS.get((therapist, clinic)):
        raise ValueError(f"{therapist} does not work at {clinic}")
    while not works(therapist, clinic, day):
        day += dt.timedelta(days=1)
    return day


@dataclass
class Diary:
    """Who is busy when, in the demo's past: therapists, rooms and patients."""

    zone: ZoneInfo
    rooms: dict[str, list[int]]  # clinic slug -> room ids, lowest first
    rng: random.Random
    busy: dict[tuple[str, object], list[Span]] = field(default_factory=lambda: defaultdict(list))

    def _free(self, key: tuple[str, object], span: Span) -> bool:
        start, end = span
        return all(end <= s or e <= start for s, e in self.busy[key])

    def hold(self, *, therapist: str, room: int, patient: int, span: Span, held: Span) -> None:
        """Mark a visit: the patient for its length, therapist and room with the buffer."""
        self.busy[("therapist", therapist)].append(held)
        self.busy[("room", room)].append(held)
        self.busy[("patient", patient)].append(span)

    def place(
        self,
        *,
        therapist: str,
        clinic: str,
        day: dt.date,
        patient: int,
        minutes: int,
        buffer: int,
        until: dt.datetime,
    ) -> tuple[dt.datetime, int] | None:
        """A free start on the hour (and its room) in the therapist's hours that day, ending with
        its buffer by `until`; None when the day has none."""
        hours = HOURS.get((therapist, clinic), {}).get(day.weekday())
        if hours is None:
            return None
        opens = dt.datetime.combine(day, hours[0], tzinfo=self.zone)
        closes = dt.datetime.combine(day, hours[1], tzinfo=self.zone)
        length, held = dt.timedelta(minutes=minutes), dt.timedelta(minutes=minutes + buffer)
        choices = []
        start = opens
        while start + held <= min(closes, until):
            span, hold = (start, start + length), (start, start + held)
            if self._free(("therapist", therapist), hold) and self._free(
                ("patient", patient), span
            ):
                room = next((r for r in self.rooms[clinic] if self._free(("room", r), hold)), None)
                if room is not None:
                    choices.append((start, room))
            start += dt.timedelta(hours=1)
        if not choices:
            return None
        start, room = self.rng.choice(choices)
        self.hold(
            therapist=therapist,
            room=room,
            patient=patient,
            span=(start, start + length),
            held=(start, start + held),
        )
        return start, room
