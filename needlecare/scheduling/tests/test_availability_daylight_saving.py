"""Which appointment starts a clinic can offer on both daylight saving Sundays in New York."""

from datetime import UTC, date, datetime, time

from needlecare.scheduling.availability import Interval, Slot, WeeklyPeriod
from needlecare.scheduling.tests.availability_helpers import (
    MINUTES,
    NY,
    at,
    clinic,
    slots,
    therapist,
)

SPRING_FORWARD = date(2026, 3, 8)  # a Sunday: 02:00 EST becomes 03:00 EDT
FALL_BACK = date(2026, 11, 1)  # a Sunday: 02:00 EDT becomes 01:00 EST
SUNDAY = 6


# Daylight saving time in New York


def sunday(opening: tuple[tuple[int, int], ...]) -> tuple[WeeklyPeriod, ...]:
    return tuple(WeeklyPeriod(SUNDAY, time(a), time(b)) for a, b in opening)


def readings(offered: list[Slot]) -> list[str]:
    return [s.start.astimezone(NY).strftime("%H:%M %Z") for s in offered]


NIGHT_AND_DAY = sunday(((0, 6), (9, 12)))


def test_on_the_spring_forward_night_only_the_times_the_clock_shows_are_offered():
    offered = slots(
        clinic(opening=NIGHT_AND_DAY),
        [therapist(working=NIGHT_AND_DAY)],
        first_day=SPRING_FORWARD,
        step=30 * MINUTES,
    )

    assert readings(offered) == [
        "00:00 EST",
        "00:30 EST",
        "01:00 EST",
        "01:30 EST",  # runs to 03:30 EDT: one real hour
        "03:00 EDT",
        "03:30 EDT",
        "04:00 EDT",
        "04:30 EDT",
        "05:00 EDT",  # ends at 06:00 EDT, when the night opening ends
        "09:00 EDT",
        "09:30 EDT",
        "10:00 EDT",
        "10:30 EDT",
        "11:00 EDT",
    ]
    assert all(s.end - s.start == 60 * MINUTES for s in offered)
    assert offered[3].end == at(SPRING_FORWARD, 3, 30)


def test_on_the_fall_back_night_the_repeated_hour_is_offered_once():
    offered = slots(
        clinic(opening=NIGHT_AND_DAY),
        [therapist(working=NIGHT_AND_DAY)],
        first_day=FALL_BACK,
        step=30 * MINUTES,
    )

    assert readings(offered) == [
        "00:00 EDT",
        "00:30 EDT",
        "01:00 EDT",
        "01:30 EDT",  # runs to 01:30 EST: one real hour
        "02:00 EST",
        "02:30 EST",
        "03:00 EST",
        "03:30 EST",
        "04:00 EST",
        "04:30 EST",
        "05:00 EST",
        "09:00 EST",
        "09:30 EST",
        "10:00 EST",
        "10:30 EST",
        "11:00 EST",
    ]
    assert all(s.end - s.start == 60 * MINUTES for s in offered)
    assert [s.start for s in offered[2:5]] == [
        datetime(2026, 11, 1, 5, tzinfo=UTC),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 7, tzinfo=UTC),
    ]


def test_a_night_opening_lasts_its_real_length_across_the_change():
    # 00:00-06:00 is five real hours in March and seven in November: one visit of that length.
    night = sunday(((0, 6),))
    for day, hours, fits in ((SPRING_FORWARD, 5, True), (SPRING_FORWARD, 6, False)):
        offered = slots(clinic(opening=night), [therapist(working=night)], day, minutes=60 * hours)
        assert bool(offered) is fits
    offered = slots(clinic(opening=night), [therapist(working=night)], FALL_BACK, minutes=7 * 60)
    assert readings(offered) == ["00:00 EDT"]


def test_hours_starting_in_the_skipped_hour_start_when_the_clock_jumps():
    shift = (WeeklyPeriod(SUNDAY, time(2, 30), time(4)),)

    offered = slots(
        clinic(opening=sunday(((0, 6),))),
        [therapist(working=shift)],
        first_day=SPRING_FORWARD,
        minutes=30,
    )

    assert readings(offered) == ["03:00 EDT", "03:15 EDT", "03:30 EDT"]


def test_hours_starting_in_the_repeated_hour_start_at_its_first_pass():
    shift = (WeeklyPeriod(SUNDAY, time(1, 30), time(3)),)

    offered = slots(
        clinic(opening=sunday(((0, 6),))),
        [therapist(working=shift)],
        first_day=FALL_BACK,
        step=30 * MINUTES,
    )

    # 01:30 EDT to 03:00 EST is two and a half real hours, through the repeated hour.
    assert readings(offered) == ["01:30 EDT", "02:00 EST"]


def test_shifts_either_side_of_the_skipped_hour_join_up_in_real_time():
    shift = sunday(((1, 2), (3, 5)))

    offered = slots(
        clinic(opening=sunday(((0, 6),))),
        [therapist(working=shift)],
        first_day=SPRING_FORWARD,
        step=30 * MINUTES,
    )

    assert readings(offered) == ["01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT", "04:00 EDT"]


def test_busy_time_across_the_change_is_measured_in_real_time():
    # Busy 05:30-07:15 UTC is 01:30 EDT to 02:15 EST: an hour and three quarters, though the
    # clock moves only three quarters of an hour.
    busy = Interval(
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 7, 15, tzinfo=UTC)
    )
    night = sunday(((0, 4),))

    offered = slots(
        clinic(opening=night),
        [therapist(working=night, busy=(busy,))],
        first_day=FALL_BACK,
        step=30 * MINUTES,
        minutes=30,
    )

    assert readings(offered) == [
        "00:00 EDT",
        "00:30 EDT",
        "01:00 EDT",
        "02:30 EST",
        "03:00 EST",
        "03:30 EST",
    ]


def test_busy_time_written_in_new_york_time_across_the_fall_back_is_read_as_real_time():
    # 01:45 EDT to 01:15 EST reads backwards on the clock but is thirty real minutes.
    busy = Interval(
        datetime(2026, 11, 1, 1, 45, tzinfo=NY), datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY)
    )
    night = sunday(((0, 4),))

    offered = slots(
        clinic(opening=night),
        [therapist(working=night, busy=(busy,))],
        first_day=FALL_BACK,
        step=30 * MINUTES,
        minutes=30,
    )

    assert readings(offered) == [
        "00:00 EDT",
        "00:30 EDT",
        "01:00 EDT",
        "02:00 EST",
        "02:30 EST",
        "03:00 EST",
        "03:30 EST",
    ]
