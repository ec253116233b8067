"""The attendance report's figures equal a known set of visits, counted by hand: two clinics,
three therapists, October 2025 to March 2026, every status, both clock changes, and visits at
local midnight on either side of a month's edge (which UTC puts in the other month)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.clinics.models import Clinic, Room, Therapist
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.reports.attendance import (
    Figures,
    attendance_report,
    default_months,
    months_between,
)
from needlecare.scheduling.models import Appointment, AppointmentType, Status

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC
OCT, NOV, DEC, JAN, FEB, MAR = months_between(dt.date(2025, 10, 1), dt.date(2026, 3, 1))

# (clinic, therapist, local start (y, m, d, h, min, fold), status, cancelled by)
VISITS = (
    # Stoughton
    ("stoughton", "dana", (2025, 10, 31, 23, 30, 0), Status.COMPLETED, ""),  # Nov 1 in UTC
    ("stoughton", "dana", (2025, 11, 1, 0, 30, 0), Status.NO_SHOW, ""),
    ("stoughton", "lee", (2025, 11, 2, 9, 0, 0), Status.CANCELLED, "patient"),  # clocks back
    ("stoughton", "dana", (2025, 11, 30, 23, 30, 0), Status.LATE_CANCELLED, "patient"),
    ("stoughton", "dana", (2025, 12, 15, 10, 0, 0), Status.CANCELLED, "clinic"),
    ("stoughton", "dana", (2025, 12, 15, 11, 0, 0), Status.CHECKED_IN, ""),
    ("stoughton", "lee", (2026, 1, 31, 23, 30, 0), Status.COMPLETED, ""),  # Feb 1 in UTC
    ("stoughton", "lee", (2026, 2, 1, 0, 30, 0), Status.REQUESTED, ""),
    ("stoughton", "dana", (2026, 3, 8, 9, 0, 0), Status.COMPLETED, ""),  # clocks forward
    ("stoughton", "dana", (2026, 3, 31, 23, 30, 0), Status.CONFIRMED, ""),  # Apr 1 in UTC
    ("stoughton", "dana", (2025, 10, 15, 10, 0, 0), Status.CANCELLED, ""),  # who: not recorded
    # Outside the months: the last minutes of September, the first of April (local).
    ("stoughton", "dana", (2025, 9, 30, 23, 30, 0), Status.COMPLETED, ""),
    ("stoughton", "lee", (2026, 4, 1, 0, 0, 0), Status.COMPLETED, ""),
    # Foxboro
    ("foxboro", "kim", (2025, 10, 1, 0, 0, 0), Status.COMPLETED, ""),
    ("foxboro", "kim", (2025, 10, 20, 10, 0, 0), Status.NO_SHOW, ""),
    ("foxboro", "kim", (2025, 11, 2, 1, 30, 1), Status.COMPLETED, ""),  # the second 1:30
    ("foxboro", "lee", (2026, 1, 10, 10, 0, 0), Status.NO_SHOW, ""),
    ("foxboro", "lee", (2026, 1, 10, 11, 0, 0), Status.COMPLETED, ""),
    ("foxboro", "kim", (2026, 3, 9, 9, 0, 0), Status.LATE_CANCELLED, "patient"),
    ("foxboro", "kim", (2026, 2, 28, 23, 30, 0), Status.COMPLETED, ""),  # Mar 1 in UTC
    ("foxboro", "kim", (2026, 3, 20, 10, 0, 0), Status.CANCELLED, "patient"),
)


@dataclass
class Seeded:
    stoughton: Clinic
    foxboro: Clinic
    therapists: dict[str, Therapist]


def local(y: int, m: int, d: int, h: int, mi: int, fold: int) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=ZONE, fold=fold)


def visit(
    clinic: Clinic,
    therapist: Therapist,
    starts: dt.datetime,
    status: str = Status.COMPLETED,
    cancelled_by: str = "",
) -> Appointment:
    """A past visit's row, written as the demo's history writes one."""
    type, _ = AppointmentType.objects.get_or_create(
        clinic=clinic,
        code="dry-needling",
        defaults={"name": "Dry needling", "duration_minutes": 45},
    )
    # Each therapist keeps a room of their own, so no two of the visits hold one room at once.
    room, _ = Room.objects.get_or_create(clinic=clinic, name=f"Room {therapist.pk}")
    patient = PatientFactory(preferred_clinic=clinic)
    ends = starts + dt.timedelta(minutes=45)
    called_off = status in (Status.CANCELLED, Status.LATE_CANCELLED)
    return Appointment.objects.create(
        clinic=clinic,
        type=type,
        therapist=therapist,
        room=room,
        patient=patient,
        starts_at=starts,
        ends_at=ends,
        blocked_until=ends,
        status=status,
        cancel_reason="Unwell." if called_off else "",
        cancelled_by=cancelled_by,
        booked_by=patient.user,
    )


def seed(practice) -> Seeded:
    """The visits above, at the personas' two clinics: Dana at Stoughton, Lee at both, Kim at
    Foxboro."""
    p = practice
    lee = TherapistFactory(user__clinics=[p.stoughton, p.foxboro], user__full_name="Lee Park")
    kim = TherapistFactory(user__clinics=[p.foxboro], user__full_name="Kim Ng")
    therapists = {"dana": p.therapist, "lee": lee, "kim": kim}
    clinics = {"stoughton": p.stoughton, "foxboro": p.foxboro}
    for clinic, who, when, status, by in VISITS:
        visit(clinics[clinic], therapists[who], local(*when), status, by)
    return Seeded(p.stoughton, p.foxboro, therapists)


@pytest.fixture
def seeded(practice) -> Seeded:
    return seed(practice)


def report(*clinics: Clinic):
    return attendance_report(clinics=clinics, first=OCT, last=MAR)


def F(**counts: int) -> Figures:  # noqa: N802 - reads as the figures' own name
    return Figures(**counts)


STOUGHTON_BY_MONTH = [
    (OCT, F(booked=2, attended=1, cancelled=1)),
    (NOV, F(booked=3, cancelled=1, cancelled_by_patient=1, late_cancelled=1, no_show=1)),
    (DEC, F(booked=2, attended=1, cancelled=1, cancelled_by_clinic=1)),
    (JAN, F(booked=1, attended=1)),
    (FEB, F(awaiting_confirmation=1)),
    (MAR, F(booked=2, attended=1, not_recorded=1)),
]
FOXBORO_BY_MONTH = [
    (OCT, F(booked=2, attended=1, no_show=1)),
    (NOV, F(booked=1, attended=1)),
    (DEC, F()),
    (JAN, F(booked=2, attended=1, no_show=1)),
    (FEB, F(booked=1, attended=1)),
    (MAR, F(booked=2, cancelled=1, cancelled_by_patient=1, late_cancelled=1)),
]
STOUGHTON = F(
    booked=10,
    attended=4,
    cancelled=3,
    cancelled_by_patient=1,
    cancelled_by_clinic=1,
    late_cancelled=1,
    no_show=1,
    not_recorded=1,
    awaiting_confirmation=1,
)
FOXBORO = F(booked=8, attended=4, cancelled=1, cancelled_by_patient=1, late_cancelled=1, no_show=2)
DANA = F(
    booked=8,
    attended=3,
    cancelled=2,
    cancelled_by_clinic=1,
    late_cancelled=1,
    no_show=1,
    not_recorded=1,
)
LEE_AT_STOUGHTON = F(
    booked=2, attended=1, cancelled=1, cancelled_by_patient=1, awaiting_confirmation=1
)
LEE_AT_FOXBORO = F(booked=2, attended=1, no_show=1)
KIM = F(booked=6, attended=3, cancelled=1, cancelled_by_patient=1, late_cancelled=1, no_show=1)


def test_each_month_at_a_clinic_counts_the_visits_that_start_in_it_in_clinic_time(seeded):
    r = report(seeded.stoughton, seeded.foxboro)
    assert r.by_month(seeded.stoughton) == STOUGHTON_BY_MONTH
    assert r.by_month(seeded.foxboro) == FOXBORO_BY_MONTH


def test_a_clinics_total_is_the_sum_of_its_months(seeded):
    r = report(seeded.stoughton, seeded.foxboro)
    assert r.total(seeded.stoughton) == STOUGHTON
    assert r.total(seeded.foxboro) == FOXBORO
    for total in (STOUGHTON, FOXBORO):
        parts = total.attended + total.cancelled + total.late_cancelled + total.no_show
        assert parts + total.not_recorded == total.booked


def test_by_therapist_each_clinic_counts_its_own_visits(seeded):
    r = report(seeded.stoughton, seeded.foxboro)
    at_stoughton = [(t.name, t.figures) for t in r.by_therapist(seeded.stoughton)]
    at_foxboro = [(t.name, t.figures) for t in r.by_therapist(seeded.foxboro)]
    assert at_stoughton == [("Dana Reyes", DANA), ("Lee Park", LEE_AT_STOUGHTON)]
    assert at_foxboro == [("Kim Ng", KIM), ("Lee Park", LEE_AT_FOXBORO)]


def test_across_clinics_a_therapist_at_both_is_one_row_and_each_month_sums_both(seeded):
    r = report(seeded.stoughton, seeded.foxboro)
    both = [(t.name, t.figures) for t in r.by_therapist()]
    assert both == [
        ("Dana Reyes", DANA),
        ("Kim Ng", KIM),
        ("Lee Park", LEE_AT_STOUGHTON + LEE_AT_FOXBORO),
    ]
    assert r.by_month() == [
        (OCT, F(booked=4, attended=2, cancelled=1, no_show=1)),
        (
            NOV,
            F(
                booked=4,
                attended=1,
                cancelled=1,
                cancelled_by_patient=1,
                late_cancelled=1,
                no_show=1,
            ),
        ),
        (DEC, F(booked=2, attended=1, cancelled=1, cancelled_by_clinic=1)),
        (JAN, F(booked=3, attended=2, no_show=1)),
        (FEB, F(booked=1, attended=1, awaiting_confirmation=1)),
        (
            MAR,
            F(
                booked=4,
                attended=1,
                cancelled=1,
                cancelled_by_patient=1,
                late_cancelled=1,
                not_recorded=1,
            ),
        ),
    ]
    assert r.total() == STOUGHTON + FOXBORO
    assert r.total().booked == 18
    assert r.by_clinic() == [(seeded.stoughton, STOUGHTON), (seeded.foxboro, FOXBORO)]


def test_the_rates_are_over_booked_and_no_shows_also_over_the_visits_due(seeded):
    r = report(seeded.stoughton, seeded.foxboro)
    s, f = r.total(seeded.stoughton), r.total(seeded.foxboro)
    assert (s.attendance_rate, s.cancellation_rate) == (Fraction(4, 10), Fraction(3, 10))
    assert (s.late_cancellation_rate, s.no_show_rate) == (Fraction(1, 10), Fraction(1, 10))
    assert s.due == 5 and s.no_show_rate_of_due == Fraction(1, 5)
    assert (f.attendance_rate, f.no_show_rate, f.no_show_rate_of_due) == (
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 3),
    )
    assert f.late_cancellation_rate == f.cancellation_rate == Fraction(1, 8)
    everyone = r.total()
    assert everyone.attendance_rate == Fraction(8, 18)
    assert everyone.no_show_rate_of_due == Fraction(3, 11)


def test_a_month_without_bookings_has_no_rates(seeded):
    december = dict(report(seeded.foxboro).by_month())[DEC]
    february = dict(report(seeded.stoughton).by_month())[FEB]
    assert december == F()
    assert february.booked == 0 and february.awaiting_confirmation == 1
    for empty in (december, february):
        assert empty.attendance_rate is None
        assert empty.no_show_rate is None
        assert empty.no_show_rate_of_due is None


def test_a_visit_at_2330_on_the_last_day_of_a_month_is_in_that_month_not_the_next(practice):
    clinic = practice.stoughton
    late = local(2026, 1, 31, 23, 30, 0)
    assert late.astimezone(UTC).date() == dt.date(2026, 2, 1)
    visit(clinic, practice.therapist, late)
    visit(clinic, practice.therapist, local(2026, 2, 1, 0, 0, 0), Status.NO_SHOW)
    months = dict(attendance_report(clinics=[clinic], first=JAN, last=FEB).by_month())
    assert months == {JAN: F(booked=1, attended=1), FEB: F(booked=1, no_show=1)}


def test_the_month_edges_hold_on_summer_time_too(practice):
    clinic = practice.stoughton
    visit(clinic, practice.therapist, local(2026, 3, 31, 23, 59, 0))  # EDT, UTC-4
    visit(clinic, practice.therapist, local(2026, 4, 1, 0, 0, 0), Status.NO_SHOW)
    months = dict(
        attendance_report(clinics=[clinic], first=MAR, last=dt.date(2026, 4, 1)).by_month()
    )
    assert months == {MAR: F(booked=1, attended=1), dt.date(2026, 4, 1): F(booked=1, no_show=1)}


def test_visits_outside_the_months_and_at_other_clinics_are_left_out(seeded):
    only_stoughton = report(seeded.stoughton)
    assert only_stoughton.total() == STOUGHTON
    assert [c.slug for c, _ in only_stoughton.by_clinic()] == ["stoughton"]
    assert [t.name for t in only_stoughton.by_therapist()] == ["Dana Reyes", "Lee Park"]
    # September 30, 23:30 and April 1, 00:00 (local) sit just outside; a wider range finds them.
    wider = attendance_report(
        clinics=[seeded.stoughton], first=dt.date(2025, 9, 1), last=dt.date(2026, 4, 1)
    )
    assert wider.total().attended == STOUGHTON.attended + 2


def test_the_report_is_one_query_however_many_visits(seeded):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            r = report(seeded.stoughton, seeded.foxboro)
            r.by_month(), r.by_therapist(), r.by_clinic(), r.total()
        return len(captured)

    before = queries()
    for day in range(1, 29):
        for hour in (9, 10, 11):
            starts = local(2026, 2, day, hour, 0, 0)
            visit(seeded.foxboro, seeded.therapists["kim"], starts, Status.NO_SHOW)
    assert before == queries() == 1
    assert report(seeded.foxboro).total().no_show == FOXBORO.no_show + 28 * 3


def test_no_clinics_no_query_and_no_figures(db):
    with CaptureQueriesContext(connection) as captured:
        r = attendance_report(clinics=[], first=OCT, last=MAR)
    assert len(captured) == 0
    assert r.total() == F()
    assert [m for m, _ in r.by_month()] == [OCT, NOV, DEC, JAN, FEB, MAR]


def test_the_default_is_this_month_and_the_eleven_before_it():
    assert default_months(dt.date(2026, 3, 15)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 1))
    assert default_months(dt.date(2026, 12, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    assert len(months_between(*default_months(dt.date(2026, 1, 1)))) == 12


def test_a_report_covers_one_to_36_months(practice):
    clinics = [practice.stoughton]
    with pytest.raises(ValueError, match="1 to 36 months"):
        attendance_report(clinics=clinics, first=MAR, last=OCT)
    with pytest.raises(ValueError, match="1 to 36 months"):
        attendance_report(clinics=clinics, first=dt.date(2023, 1, 1), last=dt.date(2026, 1, 1))
    assert len(attendance_report(clinics=clinics, first=MAR, last=MAR).months) == 1


def test_a_therapist_user_with_visits_keeps_a_row_after_leaving(seeded):
    kim = seeded.therapists["kim"]
    kim.user.is_active = False
    kim.user.save()
    assert [t.name for t in report(seeded.foxboro).by_therapist()] == ["Kim Ng", "Lee Park"]


def test_a_new_colleague_without_visits_has_no_row(seeded):
    TherapistFactory(user__clinics=[seeded.stoughton], user__full_name="Ada New")
    assert "Ada New" not in [t.name for t in report(seeded.stoughton).by_therapist()]
