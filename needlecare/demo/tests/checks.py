"""What any demo practice must hold to, whatever day it was loaded: read from the database."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.utils import timezone

from needlecare.charting.models import TreatmentSession
from needlecare.clinics.models import OpeningHours
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.scheduling.models import ACTIVE, Appointment, WorkingHours

Span = tuple[dt.datetime, dt.datetime]


def overlaps() -> list[str]:
    """Active appointments that share a therapist, a room or a patient at the same time."""
    found = []
    held: dict[tuple[str, int], list[tuple[Span, int]]] = defaultdict(list)
    for a in Appointment.objects.filter(status__in=ACTIVE).order_by("starts_at"):
        for key, span in (
            (("therapist", a.therapist_id), (a.starts_at, a.blocked_until)),
            (("room", a.room_id), (a.starts_at, a.blocked_until)),
            (("patient", a.patient_id), (a.starts_at, a.ends_at)),
        ):
            for (start, end), other in held[key]:
                if span[0] < end and start < span[1]:
                    found.append(f"{key} {a.pk} overlaps {other}")
            held[key].append((span, a.pk))
    return found


def outside_hours() -> list[str]:
    """Appointments outside the clinic's opening hours or the therapist's working hours there."""
    opening = defaultdict(list)
    for o in OpeningHours.objects.all():
        opening[(o.clinic_id, o.weekday)].append((o.opens, o.closes))
    working = defaultdict(list)
    for w in WorkingHours.objects.all():
        working[(w.therapist_id, w.clinic_id, w.weekday)].append((w.starts, w.ends))
    found = []
    for a in Appointment.objects.select_related("clinic"):
        zone = ZoneInfo(a.clinic.time_zone)
        start, end = a.starts_at.astimezone(zone), a.ends_at.astimezone(zone)
        day = start.weekday()
        if not any(o <= start.time() and end.time() <= c for o, c in opening[(a.clinic_id, day)]):
            found.append(f"{a.pk} outside opening hours {start:%a %H:%M}")
        hours = working[(a.therapist_id, a.clinic_id, day)]
        if not any(s <= start.time() and end.time() <= e for s, e in hours):
            found.append(f"{a.pk} outside working hours {start:%a %H:%M}")
    return found


def sessions_out_of_line() -> list[str]:
    """Signed sessions whose record does not pass, as of its own day, the gates it opened behind."""
    found = []
    sessions = TreatmentSession.objects.select_related(
        "appointment", "screening", "consent__document", "clinic", "therapist"
    )
    for s in sessions:
        zone = ZoneInfo(s.clinic.time_zone)
        day = s.appointment.starts_at.astimezone(zone).date()
        screening, consent = s.screening, s.consent
        problems = [
            (s.state != "signed", "not signed"),
            (s.appointment.status != "completed", "visit not completed"),
            (not s.needling.exists(), "no needling"),
            (s.opened_at.astimezone(zone).date() != day, "opened on another day"),
            (not s.opened_at <= s.signed_at <= timezone.now(), "signed out of order"),
            (screening.entered_at > s.opened_at, "screened after"),
            (
                screening.entered_at
                < s.opened_at - dt.timedelta(days=s.clinic.screening_valid_days),
                "screening lapsed",
            ),
            (not all(screening.decision.clears(r) for r in s.regions), "regions not cleared"),
            (consent.signed_at > s.opened_at, "consent after"),
            (
                consent.countersigned_at is None or consent.countersigned_at > s.opened_at,
                "no countersignature",
            ),
            (
                consent.signed_at + dt.timedelta(days=consent.document.valid_days) < s.opened_at,
                "consent expired",
            ),
            (consent.document.published_at > consent.signed_at, "consent form not yet published"),
            (not therapist_can_dry_needle(s.therapist, on=day), "therapist not certified"),
        ]
        found += [f"session {s.pk}: {what}" for wrong, what in problems if wrong]
    return found
