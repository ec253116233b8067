"""The computed types: PractitionerRole and Schedule (a therapist at a clinic where they have
working hours) and Slot (free starts from the booking's own availability, busy times from the
active appointments), over a window of at most 31 days."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import Appointment, AppointmentType
from needlecare.scheduling.selectors import slots_for

from . import from_models as fm
from .mapping import people, scheduling
from .mapping.common import JSON
from .readers import Reader
from .responses import not_found
from .search import Bound, Search, SearchError
from .values import RoleValue, SlotValue

MAX_WINDOW = dt.timedelta(days=31)
ACTIVE = ("requested", "confirmed", "checked_in", "completed")


@dataclass
class Computed:
    resources: list[JSON]
    total: int


# A therapist at a clinic, as either type shows it.
ROLE_MAPPERS = {
    "PractitionerRole": people.practitioner_role_resource,
    "Schedule": scheduling.schedule_resource,
}


def roles(reader: Reader, search: Search) -> list[RoleValue]:
    values = [r for r in fm.role_values() if reader.sees_clinic(r.clinic_id)]
    if search.clinic_ids:
        values = [r for r in values if r.clinic_id in search.clinic_ids]
    if search.ids:
        values = [r for r in values if r.id in search.ids]
    return values


def role_resources(type: str, reader: Reader, search: Search) -> Computed:
    make = ROLE_MAPPERS[type]
    values = roles(reader, search)
    page = values[search.offset : search.offset + search.count]
    return Computed([make(v) for v in page], len(values))


def role_read(type: str, id: str, reader: Reader) -> JSON:
    search = Search(ids=[id])
    found = role_resources(type, reader, search)
    if not found.resources:
        raise not_found(type)
    return found.resources[0]


def _window(search: Search) -> tuple[dt.datetime, dt.datetime]:
    starts = [b.start for b in search.dates if b.start is not None]
    ends = [b.end for b in search.dates if b.end is not None]
    if not starts or not ends:
        raise SearchError("Slot searches need a window: start=geYYYY-MM-DD&start=ltYYYY-MM-DD.")
    first, last = max(starts), min(ends)
    if last <= first:
        raise SearchError("start: the window ends before it begins.")
    if last - first > MAX_WINDOW:
        raise SearchError("start: the window is at most 31 days.")
    if first.year < 2 or last.year > 9998:  # in a clinic's zone it must still be a date
        raise SearchError("start: the window is out of range.")
    return first, last


def slots(reader: Reader, search: Search, *, status: str | None = None) -> list[SlotValue]:
    """Free and busy slots in the window, for the clinics (and schedules) asked and allowed."""
    first, last = _window(search)
    schedules = [_schedule_ids(v) for v in search.other.get("schedule", [])]
    clinic_ids = {c for _, c in schedules} or set(search.clinic_ids)
    clinics = [
        c
        for c in Clinic.objects.order_by("pk")
        if reader.sees_clinic(c.pk) and (not clinic_ids or c.pk in clinic_ids)
    ]
    therapists = {t for t, _ in schedules} or None
    found: list[SlotValue] = []
    for clinic in clinics:
        zone = clinic_zone(clinic)
        days = (
            first.astimezone(zone).date(),
            (last - dt.timedelta(microseconds=1)).astimezone(zone).date(),
        )
        if status in (None, "free"):
            for type in AppointmentType.objects.filter(clinic=clinic, is_active=True).order_by(
                "pk"
            ):
                for slot in slots_for(
                    clinic=clinic,
                    type=type,
                    first_day=days[0],
                    last_day=days[1],
                    therapist_ids=therapists,
                    not_before=timezone.now(),
                ):
                    if first <= slot.start < last:
                        found.append(fm.free_slot_value(slot, clinic=clinic, type=type))
        if status in (None, "busy"):
            busy = Appointment.objects.filter(
                clinic=clinic, status__in=ACTIVE, starts_at__lt=last, ends_at__gt=first
            ).select_related("clinic", "type")
            if therapists:
                busy = busy.filter(therapist_id__in=therapists)
            found += [fm.busy_slot_value(a) for a in busy]
    found.sort(key=lambda s: (s.start, s.therapist_id, s.service.id, s.busy))
    return found


def _schedule_ids(value: str) -> tuple[int, int]:
    kind, _, id = value.rpartition("/")
    therapist, _, clinic = id.partition("-")
    if kind not in ("", "Schedule") or not therapist.isdigit() or not clinic.isdigit():
        raise SearchError("schedule must be a Schedule id, like Schedule/3-1.")
    return int(therapist), int(clinic)


def slot_resources(reader: Reader, search: Search) -> Computed:
    statuses = search.other.get("status", [])
    if any(s not in ("free", "busy") for s in statuses) or len(statuses) > 1:
        raise SearchError("status: free or busy.")
    values = slots(reader, search, status=statuses[0] if statuses else None)
    if search.ids:
        values = [v for v in values if v.id in search.ids]
    page = values[search.offset : search.offset + search.count]
    return Computed([scheduling.slot_resource(v) for v in page], len(values))


def slot_read(id: str, reader: Reader) -> JSON:
    """A slot by id (therapist-clinic-type-UTC start), if it is still what the id says."""
    parts = id.split("-")
    if len(parts) != 4 or not all(p.isdigit() for p in parts) or len(parts[3]) != 12:
        raise not_found("Slot")
    try:
        start = dt.datetime.strptime(parts[3], "%Y%m%d%H%M").replace(tzinfo=dt.UTC)
    except ValueError:
        raise not_found("Slot") from None
    if not 2 < start.year < 9998:  # no window around it (see _window): no such slot
        raise not_found("Slot")
    day = dt.timedelta(days=1)
    search = Search(
        ids=[id],
        dates=[Bound(start=start - day, end=start + day)],
        other={"schedule": [f"{parts[0]}-{parts[1]}"]},
    )
    found = [v for v in slots(reader, search) if v.id == id]
    if not found:
        raise not_found("Slot")
    return scheduling.slot_resource(found[0])
