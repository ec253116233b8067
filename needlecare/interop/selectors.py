"""Reads for calendars: the appointments a file or feed shows, mapped for the pure ical module."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from needlecare.audit.models import AuditEvent
from needlecare.clinics.models import Clinic, Therapist
from needlecare.interop import ical
from needlecare.interop.models import CalendarFeed, FhirToken, token_digest
from needlecare.scheduling.models import ACTIVE, Appointment, Status

# The appointments a patient may still add to their calendar: ones that are yet to happen.
FILE_STATUSES = frozenset({Status.REQUESTED, Status.CONFIRMED, Status.CHECKED_IN})
FEED_PAST = dt.timedelta(days=30)
FEED_AHEAD = dt.timedelta(days=180)
# Changes a calendar app must see as a new version of the event (a higher SEQUENCE).
REVISING_ACTIONS = (
    "appointment.rescheduled",
    "appointment.confirm",
    "appointment.cancelled",
    "appointment.no_show",
)
APPOINTMENT = Appointment._meta.label_lower


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    """The active feed this token opens, if any, for a therapist who can still sign in."""
    if not token or len(token) > 128:
        return None
    return (
        CalendarFeed.objects.select_related("therapist__user")
        .filter(
            token_digest=token_digest(token),
            revoked_at__isnull=True,
            therapist__user__is_active=True,
        )
        .first()
    )


def calendar_feed_active(therapist: Therapist) -> CalendarFeed | None:
    """The therapist's current feed, if they have one."""
    return CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).first()


def appointment_sequences(appointment_ids: Iterable[int]) -> dict[int, int]:
    """How many times each appointment has been revised since it was booked."""
    ids = [str(i) for i in appointment_ids]
    rows = (
        AuditEvent.objects.filter(
            target_type=APPOINTMENT, target_id__in=ids, action__in=REVISING_ACTIONS
        )
        .values("target_id")
        .annotate(n=Count("id"))
        .values_list("target_id", "n")
    )
    return {int(target_id): n for target_id, n in rows}


def therapist_feed_appointments(therapist: Therapist, *, now: dt.datetime) -> list[Appointment]:
    """The therapist's active appointments at every clinic, from 30 days ago to 180 ahead."""
    return list(
        Appointment.objects.filter(
            therapist=therapist,
            status__in=ACTIVE,
            starts_at__gte=now - FEED_PAST,
            starts_at__lt=now + FEED_AHEAD,
        )
        .select_related("clinic", "type", "room", "patient", "therapist__user")
        .order_by("starts_at", "id")
    )


def _visit(appointment: Appointment, sequence: int) -> ical.Visit:
    clinic = appointment.clinic
    return ical.Visit(
        id=appointment.pk,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        time_zone=clinic.time_zone,
        status=appointment.status,
        sequence=sequence,
        type_name=appointment.type.name,
        therapist_name=appointment.therapist.user.full_name,
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_phone=clinic.phone,
        room_name=appointment.room.name,
        needs_screening=appointment.type.needs_certification,
        # The only thing about the patient that reaches a therapist's feed.
        patient_initials=appointment.patient.initials,
    )


def appointment_calendar(
    appointment: Appointment,
    *,
    now: dt.datetime,
    screening_url: str = "",
    sequence: int | None = None,
) -> bytes:
    """One appointment as an .ics file for the patient's calendar (`sequence`: its revision
    count, when the caller has read it already)."""
    if sequence is None:
        sequence = appointment_sequences([appointment.pk]).get(appointment.pk, 0)
    return ical.appointment_file(
        _visit(appointment, sequence), now=now, screening_url=screening_url
    )


def therapist_calendar(feed: CalendarFeed, *, now: dt.datetime) -> bytes:
    """A therapist's feed: their appointments, each patient shown by initials only."""
    therapist = feed.therapist
    appointments = therapist_feed_appointments(therapist, now=now)
    sequences = appointment_sequences(a.pk for a in appointments)
    visits = [_visit(a, sequences.get(a.pk, 0)) for a in appointments]
    name = f"{therapist.user.full_name} · needlecare appointments"
    return ical.therapist_feed(visits, now=now, name=name)


# How stale a token's "last used" may be: one UPDATE a minute, not one a request.
FHIR_TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def fhir_token_authenticate(raw: str) -> FhirToken | None:
    """The active FHIR token this bearer string is, with its clinic; records its use (at most
    once a minute)."""
    if not raw or len(raw) > 128:
        return None
    now = timezone.now()
    token = (
        FhirToken.objects.select_related("clinic")
        .filter(token_digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    since = now - FHIR_TOKEN_USE_RESOLUTION
    if token.last_used_at is None or token.last_used_at < since:
        # A filtered UPDATE, not read-modify-write: of concurrent requests, one writes.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=since)
        FhirToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def fhir_tokens_of(clinic: Clinic) -> list[FhirToken]:
    """The clinic's FHIR tokens, newest first, with who made them."""
    return list(FhirToken.objects.filter(clinic=clinic).select_related("clinic", "created_by"))
