"""Attendance: when a visit may be changed, checked in, marked a no-show or completed, and a
patient's attendance over the last twelve months.

Each rule returns its refusal (a Conflict with a stable code, in words that say which rule it is
and when it opens) rather than raising it: the services raise it inside the transaction that
writes, and the pages use the same words to say why a button is not offered.

The clinic's settings (`clinics.Clinic`):
- `late_cancel_hours` (24; 0: no window): from that many hours before the start (elapsed hours,
  so a clock change in between does not stretch or shrink it), a patient cannot cancel or move
  the visit online; staff cancelling then record a late cancellation (the patient called it off)
  or the clinic's own.
- `no_show_grace_minutes` (15): a no-show is marked from the start plus this grace.
- `no_shows_before_requests` (0: off): after this many no-shows in twelve months (at any of the
  practice's clinics), the patient's online bookings at this clinic are requests.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from needlecare.clinics.models import Clinic
from needlecare.common.errors import Conflict
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment, Status

STARTED = "appointment.started"
LATE_CANCEL_WINDOW = "appointment.late_cancel_window"
CHECK_IN_DAY = "appointment.check_in_day"
NO_SHOW_TOO_EARLY = "appointment.no_show_too_early"
NOT_CHECKED_IN = "appointment.not_checked_in"

ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """0 to 99 in words ("fifteen", "forty-five"); larger numbers in digits."""
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS[tens] + (f"-{ONES[ones]}" if ones else "")
    return str(n)


def _local(clinic: Clinic, at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at, clinic_zone(clinic))


def day_words(day: dt.date) -> str:
    """A day as "Monday, December 7"."""
    return f"{day:%A, %B} {day.day}"


def clock_words(clinic: Clinic, at: dt.datetime, now: dt.datetime) -> str:
    """A time as "9:15 AM" on the clinic's today, else "9:15 AM on Monday, December 7"."""
    local = _local(clinic, at)
    time = f"{local:%-I:%M %p}"
    if local.date() == _local(clinic, now).date():
        return time
    return f"{time} on {day_words(local.date())}"


def hours_words(hours: int) -> str:
    return "1 hour" if hours == 1 else f"{hours} hours"


# --- Cancelling and moving ------------------------------------------------------------------


def late_window_opens(appointment: Appointment) -> dt.datetime | None:
    """When the visit's late-cancellation window opens; None when the clinic has none."""
    hours = appointment.clinic.late_cancel_hours
    if not hours:
        return None
    # In UTC: hours that pass, whatever the clocks do in between.
    return appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=hours)


def in_late_window(appointment: Appointment, now: dt.datetime) -> bool:
    """Whether now is inside the window (it opens at exactly `late_window_opens`)."""
    opens = late_window_opens(appointment)
    return opens is not None and opens <= now


def call_the_clinic(clinic: Clinic) -> str:
    return f"Call {clinic.name} at {clinic.phone} to change this visit"


def change_refusal(
    appointment: Appointment, *, by_patient: bool, now: dt.datetime
) -> Conflict | None:
    """Why this visit cannot be cancelled or moved now (by its patient, or by staff), if not.

    Nobody changes a visit once it has started; a patient cannot inside the clinic's
    late-cancellation window, and is told to call the clinic.
    """
    clinic = appointment.clinic
    if now >= appointment.starts_at:
        return Conflict(
            STARTED,
            f"This visit started at {clock_words(clinic, appointment.starts_at, now)}: a visit "
            "cannot be cancelled or moved once it has started.",
            {"starts_at": _local(clinic, appointment.starts_at).isoformat()},
        )
    if by_patient and in_late_window(appointment, now):
        opens = late_window_opens(appointment)
        assert opens is not None
        return Conflict(
            LATE_CANCEL_WINDOW,
            call_the_clinic(clinic),
            {
                "late_cancel_hours": clinic.late_cancel_hours,
                "window_opened_at": _local(clinic, opens).isoformat(),
                "clinic_phone": clinic.phone,
            },
        )
    return None


def _page_clock_words(clinic: Clinic, at: dt.datetime, now: dt.datetime) -> str:
    """clock_words in the active language (in English, the same words)."""
    local = _local(clinic, at)
    time = date_format(local, gettext("g:i A"))
    if local.date() == _local(clinic, now).date():
        return time
    day = date_format(local, gettext("l, F j"))
    return gettext("%(time)s on %(day)s") % {"time": time, "day": day}


def refusal_words(
    appointment: Appointment, refusal: Conflict, *, now: dt.datetime | None = None
) -> str:
    """A refusal to change a visit as a patient's page shows it, in the active language (in
    English, change_refusal's words): the window's says why to call."""
    clinic = appointment.clinic
    if refusal.code == STARTED:
        when = _page_clock_words(clinic, appointment.starts_at, now or timezone.now())
        return gettext(
            "This visit started at %(when)s: a visit cannot be cancelled or moved once it has "
            "started."
        ) % {"when": when}
    if refusal.code != LATE_CANCEL_WINDOW:
        return refusal.message
    hours = clinic.late_cancel_hours
    window = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return gettext(
        "This visit starts within %(window)s, so it can no longer be changed online. Call "
        "%(clinic)s at %(phone)s to change this visit."
    ) % {"window": window, "clinic": clinic.name, "phone": clinic.phone}


def late_window_words(appointment: Appointment, now: dt.datetime) -> str:
    """What staff are told when they cancel inside the window."""
    clinic = appointment.clinic
    return (
        f"This visit starts at {clock_words(clinic, appointment.starts_at, now)}, inside "
        f"{clinic.name}'s late-cancellation window of {hours_words(clinic.late_cancel_hours)}"
    )


def policy_words(clinic: Clinic) -> str | None:
    """The clinic's cancellation policy, as confirmations and reminders state it."""
    hours = clinic.late_cancel_hours
    if not hours:
        return None
    # In the active language: a patient's messages are written in theirs.
    window = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return gettext(
        "Cancellation policy: you can cancel or move a visit online until %(window)s before it "
        "starts. After that, call %(clinic)s at %(phone)s; a visit called off within %(window)s "
        "of its start is recorded as a late cancellation, and a visit missed without a call as a "
        "no-show."
    ) % {"window": window, "clinic": clinic.name, "phone": clinic.phone}


# --- Check-in, no-show and completion ---------------------------------------------------------


def check_in_refusal(appointment: Appointment, now: dt.datetime) -> Conflict | None:
    """A patient is checked in on the visit's own day, in the clinic's time."""
    today = _local(appointment.clinic, now).date()
    day = _local(appointment.clinic, appointment.starts_at).date()
    if today == day:
        return None
    when = "opens on" if today < day else "was for"
    return Conflict(
        CHECK_IN_DAY,
        f"Check-in {when} the day of the visit, {day_words(day)}.",
        {"visit_day": day.isoformat()},
    )


def no_show_opens(appointment: Appointment) -> dt.datetime:
    grace = dt.timedelta(minutes=appointment.clinic.no_show_grace_minutes)
    return appointment.starts_at.astimezone(dt.UTC) + grace


def no_show_refusal(appointment: Appointment, now: dt.datetime) -> Conflict | None:
    """A no-show is marked from the start plus the clinic's grace, not before."""
    opens = no_show_opens(appointment)
    if now >= opens:
        return None
    clinic = appointment.clinic
    grace = clinic.no_show_grace_minutes
    after = (
        "when the visit starts"
        if not grace
        else f"{number_words(grace)} minute{'s' if grace != 1 else ''} after the visit starts"
    )
    return Conflict(
        NO_SHOW_TOO_EARLY,
        f"A no-show can be marked from {clock_words(clinic, opens, now)}, {after}.",
        {"opens_at": _local(clinic, opens).isoformat(), "grace_minutes": grace},
    )


def not_checked_in(appointment: Appointment, now: dt.datetime) -> Conflict:
    """Completing a visit whose patient is not checked in: check-in comes first."""
    day = _local(appointment.clinic, appointment.starts_at).date()
    today = _local(appointment.clinic, now).date()
    when = (
        "check the patient in first"
        if day == today
        else f"check-in opens on the day of the visit, {day_words(day)}"
        if today < day
        else f"check-in was for the day of the visit, {day_words(day)}"
    )
    return Conflict(
        NOT_CHECKED_IN,
        f"A visit is completed after the patient is checked in: {when}.",
        {"status": appointment.status, "visit_day": day.isoformat()},
    )


# --- Attendance over the last twelve months ---------------------------------------------------


def year_before(now: dt.datetime) -> dt.datetime:
    """The same moment twelve months earlier (February 29 falls back to the 28th)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


@dataclass(frozen=True)
class Attendance:
    """A patient's visits over twelve months: how many were attended, cancelled (in good time,
    or by the clinic), cancelled late, and missed."""

    since: dt.datetime
    attended: int
    cancelled: int
    late_cancelled: int
    no_show: int


def attendance_of(patient: Patient, *, now: dt.datetime | None = None) -> Attendance:
    """The patient's attendance over the twelve months to now, at every clinic (one query).

    Visits count by their start: attended (checked in or completed), no-shows, and visits
    called off since the twelve months began (a visit ahead that was cancelled counts too).
    """
    since = year_before(now or timezone.now())
    counts = Appointment.objects.filter(patient=patient, starts_at__gte=since).aggregate(
        attended=Count("pk", filter=Q(status__in=(Status.CHECKED_IN, Status.COMPLETED))),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        late_cancelled=Count("pk", filter=Q(status=Status.LATE_CANCELLED)),
        no_show=Count("pk", filter=Q(status=Status.NO_SHOW)),
    )
    return Attendance(since=since, **counts)


@dataclass(frozen=True)
class RequestsOnly:
    """Why a patient's online bookings at a clinic are requests for staff to confirm."""

    clinic: Clinic
    no_shows: int

    @property
    def reason(self) -> str:
        n = self.no_shows
        return (
            f"After {number_words(n)} missed visit{'s' if n != 1 else ''} in the last 12 "
            f"months, {self.clinic.name} confirms your online bookings itself: this booking is a "
            f"request, and {self.clinic.name} will confirm it or call you."
        )


def requests_only_given(attendance: Attendance, clinic: Clinic) -> RequestsOnly | None:
    """The same answer as `online_bookings_are_requests`, from attendance already read."""
    limit = clinic.no_shows_before_requests
    if not limit or attendance.no_show < limit:
        return None
    return RequestsOnly(clinic, attendance.no_show)


def online_bookings_are_requests(
    patient: Patient, clinic: Clinic, *, now: dt.datetime | None = None
) -> RequestsOnly | None:
    """Whether the clinic's no-show setting turns the patient's online bookings into requests:
    as many no-shows in twelve months as it names, at any of the practice's clinics."""
    limit = clinic.no_shows_before_requests
    if not limit:
        return None
    since = year_before(now or timezone.now())
    no_shows = Appointment.objects.filter(
        patient=patient, status=Status.NO_SHOW, starts_at__gte=since
    ).count()
    return RequestsOnly(clinic, no_shows) if no_shows >= limit else None
