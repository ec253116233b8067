"""When a reminder goes out: the set time before the visit, moved earlier into waking hours
(08:00 to 21:00 clinic time), across daylight saving changes too. Pure: no database."""

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from needlecare.scheduling.reminders import in_waking_hours, reminder_at

BOSTON = ZoneInfo("America/New_York")
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BOSTON)


def test_a_reminder_goes_out_the_set_time_before_a_daytime_visit():
    assert reminder_at(local(2026, 5, 13, 14, 0), hours=48, zone=BOSTON, now=LONG_AGO) == local(
        2026, 5, 11, 14, 0
    )


def test_a_reminder_that_would_fall_at_night_goes_out_the_evening_before():
    # 48 hours before a 7:30 visit is 7:30: too early; 20:00 the evening before instead.
    assert reminder_at(local(2026, 5, 13, 7, 30), hours=48, zone=BOSTON, now=LONG_AGO) == local(
        2026, 5, 10, 20, 0
    )
    # 24 hours before a 21:30 visit is 21:30: too late; 20:00 that evening instead.
    assert reminder_at(local(2026, 5, 13, 21, 30), hours=24, zone=BOSTON, now=LONG_AGO) == local(
        2026, 5, 12, 20, 0
    )


def test_the_reminder_keeps_the_wall_clock_across_the_spring_change():
    # Clocks went forward on March 8, 2026: 48 hours before 9:00 on the 9th is 8:00 on the 7th.
    at = reminder_at(local(2026, 3, 9, 9, 0), hours=48, zone=BOSTON, now=LONG_AGO)
    assert at is not None and at.astimezone(BOSTON).hour == 8
    assert in_waking_hours(at, BOSTON)


def test_a_reminder_pushed_into_the_night_by_the_spring_change_goes_out_the_evening_before():
    # 48 hours before 8:30 (EDT) on the 9th is 7:30 (EST) on the 7th: 20:00 on the 6th instead.
    at = reminder_at(local(2026, 3, 9, 8, 30), hours=48, zone=BOSTON, now=LONG_AGO)
    assert at == local(2026, 3, 6, 20, 0)


def test_the_autumn_change_counts_its_extra_hour():
    # Clocks went back on November 1, 2026: 48 hours before 8:30 (EST) on the 2nd is 9:30 (EDT)
    # on October 31.
    at = reminder_at(local(2026, 11, 2, 8, 30), hours=48, zone=BOSTON, now=LONG_AGO)
    assert at == local(2026, 10, 31, 9, 30)


def test_a_late_booking_is_reminded_now_or_at_the_next_morning_or_not_at_all():
    visit = local(2026, 5, 13, 14, 0)
    assert reminder_at(visit, hours=48, zone=BOSTON, now=local(2026, 5, 12, 10, 0)) == local(
        2026, 5, 12, 10, 0
    )
    assert reminder_at(visit, hours=48, zone=BOSTON, now=local(2026, 5, 12, 23, 0)) == local(
        2026, 5, 13, 8, 0
    )
    assert reminder_at(visit, hours=48, zone=BOSTON, now=local(2026, 5, 13, 12, 30)) is None


def test_a_clinic_can_turn_reminders_off():
    assert reminder_at(local(2026, 5, 13, 14, 0), hours=0, zone=BOSTON, now=LONG_AGO) is None


instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(visit=instants, now=instants, hours=st.integers(min_value=1, max_value=96))
def test_every_reminder_falls_in_waking_hours_before_the_visit_and_not_in_the_past(
    visit, now, hours
):
    at = reminder_at(visit, hours=hours, zone=BOSTON, now=now)
    if at is None:
        return
    assert in_waking_hours(at, BOSTON)
    assert at >= now
    assert visit - at >= dt.timedelta(hours=2)
    if now <= visit - dt.timedelta(hours=hours + 36):
        # Not booked late: never less notice than promised, and at most a night more.
        assert visit - dt.timedelta(hours=hours + 13) <= at <= visit - dt.timedelta(hours=hours)


def test_the_reminder_rules_import_nothing_from_django_or_the_app():
    check = (
        "import sys\n"
        "import needlecare.scheduling.reminders\n"
        "bad = [m for m in sys.modules if m.startswith('django') or (m.startswith('needlecare.')"
        " and m not in ('needlecare.scheduling', 'needlecare.scheduling.reminders'))]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
