"""Attendance figures for clinic admins: by month and by therapist, per clinic and across the
clinics a user may see.

How each figure is counted (the page and the CSV say the same):

- booked: every visit whose start falls in the period, whatever became of it (attended,
  called off, missed or still to come), except requests still waiting for staff to confirm
  them; a request once confirmed is an ordinary booking. (A request called off before anyone
  confirmed it cannot be told apart from a booking called off, and counts as one.)
- attended: completed, or checked in (the patient came, whatever day it is).
- cancelled: called off by the clinic, or by the patient before the late-cancellation window;
  split by who called it off (visits cancelled before that was recorded are in neither part).
- late-cancelled: cancelled by the patient inside the clinic's late-cancellation window.
- no-show: the patient did not come.
- not yet recorded: confirmed, and neither attended, called off nor missed: still to come, or
  past and not yet marked.
- awaiting confirmation: requests not yet confirmed (outside booked).

booked = attended + cancelled + late-cancelled + no-show + not yet recorded. Each rate is over
booked; the no-show rate is also given over the visits that were due (attended + no-show).
A visit falls in the month of its start in its clinic's own time zone: 23:30 on the 31st is
that month, though it is already the 1st in UTC.

The counting is one SQL statement grouped by clinic, month and therapist, whatever the number
of visits; the tables are sums of those few groups.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any, cast

from django.db.models import Case, Count, IntegerField, Q, Value, When

from needlecare.clinics.models import Clinic
from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import Appointment, CancelledBy, Status

DEFAULT_MONTHS = 12
MOST_MONTHS = 36  # the longest range one report covers


# --- Months -------------------------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    """The first day of the day's month: how a month is named here."""
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from first to last, both included (empty when last comes first)."""
    first, last = month_of(first), month_of(last)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, n) for n in range(max(count, 0))]


def default_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months: this (clinic-local) month and the 11 before it."""
    last = month_of(today)
    return add_months(last, 1 - DEFAULT_MONTHS), last


def month_start(month: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Local midnight on the month's first day, as an instant (right across clock changes)."""
    return dt.datetime.combine(month, dt.time(), tzinfo=zone)


# --- Figures ------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class Figures:
    """The counts for one cell of the report (see the module's notes for what each counts)."""

    booked: int = 0
    attended: int = 0
    cancelled: int = 0
    cancelled_by_patient: int = 0
    cancelled_by_clinic: int = 0
    late_cancelled: int = 0
    no_show: int = 0
    not_recorded: int = 0
    awaiting_confirmation: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def due(self) -> int:
        """Visits the patient was expected at and either came to or missed."""
        return self.attended + self.no_show

    @property
    def attendance_rate(self) -> Fraction | None:
        return _rate(self.attended, self.booked)

    @property
    def cancellation_rate(self) -> Fraction | None:
        return _rate(self.cancelled, self.booked)

    @property
    def late_cancellation_rate(self) -> Fraction | None:
        return _rate(self.late_cancelled, self.booked)

    @property
    def no_show_rate(self) -> Fraction | None:
        return _rate(self.no_show, self.booked)

    @property
    def no_show_rate_of_due(self) -> Fraction | None:
        return _rate(self.no_show, self.due)


def _total(figures: Iterable[Figures]) -> Figures:
    return sum(figures, Figures())


@dataclass(frozen=True)
class Group:
    """One row of the SQL statement: a clinic's visits with one therapist in one month."""

    clinic_id: int
    month: dt.date
    therapist_id: int
    figures: Figures


@dataclass(frozen=True)
class TherapistFigures:
    therapist_id: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class AttendanceReport:
    """The figures over `months` at `clinics`; each method sums them for one table."""

    clinics: tuple[Clinic, ...]
    months: tuple[dt.date, ...]
    groups: tuple[Group, ...]
    therapist_names: dict[int, str]

    def _groups(self, clinic: Clinic | None) -> list[Group]:
        return [g for g in self.groups if clinic is None or g.clinic_id == clinic.pk]

    def total(self, clinic: Clinic | None = None) -> Figures:
        """The whole period, at one clinic or (None) at all of them."""
        return _total(g.figures for g in self._groups(clinic))

    def by_month(self, clinic: Clinic | None = None) -> list[tuple[dt.date, Figures]]:
        """Every month of the period, oldest first; a month without visits counts zero."""
        sums: dict[dt.date, Figures] = defaultdict(Figures)
        for g in self._groups(clinic):
            sums[g.month] += g.figures
        return [(month, sums[month]) for month in self.months]

    def by_therapist(self, clinic: Clinic | None = None) -> list[TherapistFigures]:
        """The therapists with visits in the period, by name."""
        sums: dict[int, Figures] = defaultdict(Figures)
        for g in self._groups(clinic):
            sums[g.therapist_id] += g.figures
        rows = [TherapistFigures(pk, self.therapist_names[pk], f) for pk, f in sums.items()]
        return sorted(rows, key=lambda r: (r.name.casefold(), r.therapist_id))

    def by_clinic(self) -> list[tuple[Clinic, Figures]]:
        return [(clinic, self.total(clinic)) for clinic in self.clinics]


# --- The read -----------------------------------------------------------------------------------

_ATTENDED = (Status.COMPLETED, Status.CHECKED_IN)
# Each count as a filter over the visits in one group.
_COUNTS = {
    "booked": ~Q(status=Status.REQUESTED),
    "attended": Q(status__in=_ATTENDED),
    "cancelled": Q(status=Status.CANCELLED),
    "cancelled_by_patient": Q(status=Status.CANCELLED, cancelled_by=CancelledBy.PATIENT),
    "cancelled_by_clinic": Q(status=Status.CANCELLED, cancelled_by=CancelledBy.CLINIC),
    "late_cancelled": Q(status=Status.LATE_CANCELLED),
    "no_show": Q(status=Status.NO_SHOW),
    "not_recorded": Q(status=Status.CONFIRMED),
    "awaiting_confirmation": Q(status=Status.REQUESTED),
}


def _zones(clinics: Sequence[Clinic]) -> dict[str, list[int]]:
    """The clinics' ids by time zone (one zone, in practice)."""
    zones: dict[str, list[int]] = defaultdict(list)
    for clinic in clinics:
        zones[clinic_zone(clinic).key].append(clinic.pk)
    return zones


def attendance_report(
    *, clinics: Sequence[Clinic], first: dt.date, last: dt.date
) -> AttendanceReport:
    """Attendance at these clinics in the months first to last (both included), in one query."""
    months = months_between(first, last)
    if not months or len(months) > MOST_MONTHS:
        raise ValueError(f"A report covers 1 to {MOST_MONTHS} months.")
    clinics = tuple(clinics)
    if not clinics:
        return AttendanceReport(clinics, tuple(months), (), {})
    # Each month's bounds are the local midnights that open it and the next, in each clinic's
    # zone, worked out here: the database compares instants, and needs no time zone of its own.
    whens, period = [], Q()
    for name, ids in _zones(clinics).items():
        zone = zoneinfo.ZoneInfo(name)
        starts = [month_start(m, zone) for m in [*months, add_months(months[-1], 1)]]
        for n in range(len(months)):
            bounds = Q(clinic_id__in=ids, starts_at__gte=starts[n], starts_at__lt=starts[n + 1])
            whens.append(When(bounds, then=Value(n)))
        period |= Q(clinic_id__in=ids, starts_at__gte=starts[0], starts_at__lt=starts[-1])
    rows = (
        Appointment.objects.filter(period)
        .annotate(month=Case(*whens, default=Value(-1), output_field=IntegerField()))
        .values("clinic_id", "month", "therapist_id", "therapist__user__full_name")
        .annotate(**{name: Count("pk", filter=test) for name, test in _COUNTS.items()})
        .order_by()
    )
    groups, names = [], {}
    for row in rows:
        r = cast(dict[str, Any], row)  # the counts are named at run time
        names[r["therapist_id"]] = r["therapist__user__full_name"]
        figures = Figures(**{name: r[name] for name in _COUNTS})
        groups.append(Group(r["clinic_id"], months[r["month"]], r["therapist_id"], figures))
    return AttendanceReport(clinics, tuple(months), tuple(groups), names)
