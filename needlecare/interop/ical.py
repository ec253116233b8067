"""iCalendar mapping: appointments in, RFC 5545 bytes out. Pure: no Django, no database.

Two shapes: a patient's file for one appointment (METHOD:PUBLISH, so calendar apps import it),
and a therapist's subscription feed. The feed takes only what it may show: a Visit carries the
patient's initials and nothing else about the patient, so the feed cannot leak what it never had.
"""

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, Timezone, vDuration
from icalendar.enums import STATUS

PRODID = "-//needlecare//Appointments 1.0//EN"
# Calendar apps poll a subscription on their own schedule; this is a hint, honoured by some.
FEED_REFRESH = dt.timedelta(hours=1)

# Appointment status -> VEVENT STATUS (RFC 5545 3.8.1.11).
EVENT_STATUS = {
    "requested": STATUS.TENTATIVE,
    "confirmed": STATUS.CONFIRMED,
    "checked_in": STATUS.CONFIRMED,
    "completed": STATUS.CONFIRMED,
    "cancelled": STATUS.CANCELLED,
    "late_cancelled": STATUS.CANCELLED,
    "no_show": STATUS.CANCELLED,
}


@dataclass(frozen=True)
class Visit:
    """One appointment as a calendar sees it."""

    id: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    time_zone: str  # the clinic's IANA zone, e.g. America/New_York
    status: str  # an appointment status value: "confirmed", "cancelled", ...
    sequence: int  # how many times the event has been moved or cancelled
    type_name: str
    therapist_name: str
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    room_name: str
    needs_screening: bool
    patient_initials: str


def uid(appointment_id: int) -> str:
    return f"appointment-{appointment_id}@needlecare"


def location(visit: Visit) -> str:
    parts = [visit.clinic_name, visit.clinic_address, visit.room_name]
    return ", ".join(p for p in parts if p)


def appointment_file(visit: Visit, *, now: dt.datetime, screening_url: str = "") -> bytes:
    """The patient's own .ics file for one appointment."""
    lines = [
        f"Questions, or need to change this appointment? "
        f"Call {visit.clinic_name} at {visit.clinic_phone}."
    ]
    if visit.needs_screening:
        reminder = (
            "Before your visit, please re-confirm your safety screening answers, and tell us "
            "about any change in your health, medicines or pregnancy since you answered"
        )
        lines.append(f"{reminder}: {screening_url}" if screening_url else f"{reminder}.")
    event = _event(
        visit,
        now=now,
        summary=f"{visit.type_name} with {visit.therapist_name}",
        description="\n\n".join(lines),
    )
    # The patient's calendar reminds them the day before and two hours before.
    for before in (dt.timedelta(days=1), dt.timedelta(hours=2)):
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", f"{visit.type_name} at {visit.clinic_name}")
        alarm.add("TRIGGER", -before)
        event.add_component(alarm)
    calendar = _calendar([event], visits=[visit], method="PUBLISH")
    return calendar.to_ical()


def therapist_feed(visits: Sequence[Visit], *, now: dt.datetime, name: str) -> bytes:
    """A therapist's subscription feed; each event names the patient by initials only."""
    events = []
    for visit in visits:
        event = _event(visit, now=now, summary=f"{visit.type_name}: {visit.patient_initials}")
        # Calendars shared with others show PRIVATE events as busy time only.
        event.add("CLASS", "PRIVATE")
        events.append(event)
    calendar = _calendar(events, visits=visits, name=name)
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; X-PUBLISHED-TTL is Outlook's name.
    calendar.add("REFRESH-INTERVAL", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    return calendar.to_ical()


def _event(visit: Visit, *, now: dt.datetime, summary: str, description: str = "") -> Event:
    if visit.starts_at.tzinfo is None or visit.ends_at.tzinfo is None:
        raise ValueError("appointment times must be aware")
    zone = zoneinfo.ZoneInfo(visit.time_zone)
    event = Event.new(
        uid=uid(visit.id),
        stamp=now.astimezone(dt.UTC),
        start=visit.starts_at.astimezone(zone),
        end=visit.ends_at.astimezone(zone),
        summary=summary,
        location=location(visit),
        status=EVENT_STATUS.get(visit.status, STATUS.CONFIRMED),
        sequence=visit.sequence,
    )
    if description:
        event.description = description
    return event


def _calendar(
    events: Iterable[Event],
    *,
    visits: Sequence[Visit],
    method: str | None = None,
    name: str | None = None,
) -> Calendar:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.calscale = "GREGORIAN"
    if method:
        calendar.method = method
    if name:
        calendar.calendar_name = name  # NAME and X-WR-CALNAME
    for event in events:
        calendar.add_component(event)
    if visits:
        # VTIMEZONEs cover the whole years the events fall in, so they stay small but complete.
        first = min(v.starts_at for v in visits).year
        last = max(v.ends_at for v in visits).year + 1
        for tzid in sorted(calendar.get_missing_tzids()):
            calendar.subcomponents.insert(0, _timezone(tzid, first, last))
    return calendar


@functools.lru_cache(maxsize=32)
def _timezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A zone's VTIMEZONE over whole years; built once (it is never changed once built)."""
    return Timezone.from_tzid(
        tzid, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 1, 1)
    )
