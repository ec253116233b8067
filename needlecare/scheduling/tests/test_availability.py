"""Which appointment starts a clinic can offer: worked examples, including both DST Sundays."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    Slot,
    TherapistAgenda,
    WeeklyPeriod,
    available_slots,
)

NY = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 16)
TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
SPRING_FORWARD = date(2026, 3, 8)  # a Sunday: 02:00 EST becomes 03:00 EDT
FALL_BACK = date(2026, 11, 1)  # a Sunday: 02:00 EDT becomes 01:00 EST
SUNDAY = 6
MINUTES = timedelta(minutes=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def weekdays(start: int, end: int, days: range = range(5)) -> tuple[WeeklyPeriod, ...]:
    return tuple(WeeklyPeriod(d, time(start), time(end)) for d in days)


def clinic(
    opening: tuple[WeeklyPeriod, ...] = weekdays(8, 18),
    rooms: dict[int, tuple[Interval, ...]] | None = None,
    closures: tuple[DateRange, ...] = (),
) -> ClinicCalendar:
    return ClinicCalendar(
        time_zone="America/New_York",
        opening=opening,
        closures=closures,
        rooms={1: ()} if rooms is None else rooms,
    )


def therapist(
    therapist_id: int = 1, working: tuple[WeeklyPeriod, ...] = weekdays(9, 12), **kwargs: object
) -> TherapistAgenda:
    return TherapistAgenda(therapist_id=therapist_id, working=working, **kwargs)  # type: ignore[arg-type]


def slots(
    calendar: ClinicCalendar | None = None,
    therapists: list[TherapistAgenda] | None = None,
    first_day: date = MONDAY,
    last_day: date | None = None,
    minutes: int = 60,
    **kwargs: object,
) -> list[Slot]:
    return available_slots(
        clinic=calendar or clinic(),
        therapists=therapists or [therapist()],
        first_day=first_day,
        last_day=first_day if last_day is None else last_day,
        duration=minutes * MINUTES,
        **kwargs,  # type: ignore[arg-type]
    )


def local_starts(offered: list[Slot]) -> list[str]:
    return [s.start.astimezone(NY).strftime("%H:%M") for s in offered]


def who(offered: list[Slot]) -> list[tuple[str, int, int]]:
    return [
        (t, s.therapist_id, s.room_id) for s, t in zip(offered, local_starts(offered), strict=True)
    ]


def every(minutes: int, first: str, last: str) -> list[str]:
    h, m = map(int, first.split(":"))
    out = []
    t = datetime(2000, 1, 1, h, m)
    while t.strftime("%H:%M") <= last:
        out.append(t.strftime("%H:%M"))
        t += timedelta(minutes=minutes)
    return out


# Hours


def test_a_therapist_working_nine_to_noon_is_offered_nine_until_noon_less_the_visit():
    offered = slots(minutes=45)

    assert local_starts(offered) == every(15, "09:00", "11:15")
    assert all(s.end - s.start == 45 * MINUTES for s in offered)
    assert {(s.therapist_id, s.room_id) for s in offered} == {(1, 1)}


def test_slots_are_in_utc_so_adding_a_buffer_is_real_time():
    first = slots()[0]

    assert first.start.tzinfo is UTC
    assert first.start == at(MONDAY, 9)


def test_the_clinics_hours_cut_a_therapists_longer_day():
    offered = slots(therapists=[therapist(working=weekdays(7, 20))])

    assert local_starts(offered) == every(15, "08:00", "17:00")


def test_a_therapist_is_offered_nothing_on_a_day_they_do_not_work_here():
    assert slots(therapists=[therapist(working=weekdays(9, 12, range(1, 5)))]) == []


def test_back_to_back_shifts_are_one_stretch_of_work():
    working = weekdays(9, 10) + weekdays(10, 11)

    assert local_starts(slots(therapists=[therapist(working=working)])) == every(
        15, "09:00", "10:00"
    )


def test_the_start_grid_counts_from_midnight_not_from_the_start_of_the_shift():
    working = (WeeklyPeriod(0, time(9, 10), time(11)),)

    assert local_starts(
        slots(therapists=[therapist(working=working)], minutes=30, step=20 * MINUTES)
    ) == ["09:20", "09:40", "10:00", "10:20"]


def test_a_period_ending_at_midnight_runs_to_the_end_of_the_day():
    evening = (WeeklyPeriod(0, time(18), time(0)),)

    offered = slots(clinic(opening=evening), [therapist(working=evening)])

    assert local_starts(offered)[-1] == "23:00"
    assert offered[-1].end == at(TUESDAY, 0)


def test_a_closed_day_offers_nothing_and_leaves_the_days_around_it_alone():
    offered = slots(
        clinic(closures=(DateRange(TUESDAY, TUESDAY),)), last_day=WEDNESDAY, minutes=180
    )

    assert [s.start for s in offered] == [at(MONDAY, 9), at(WEDNESDAY, 9)]


# Busy time and buffers


def test_time_off_removes_the_starts_it_overlaps_and_touching_is_fine():
    off = Interval(at(MONDAY, 10), at(MONDAY, 11))

    offered = slots(therapists=[therapist(time_off=(off,))], minutes=30)

    assert local_starts(offered) == ["09:00", "09:15", "09:30", *every(15, "11:00", "11:30")]


def test_an_appointment_and_its_buffer_keep_a_new_one_clear_on_both_sides():
    # The booked 10:00 visit lasts an hour and is followed by its 15-minute turnover; the new
    # 30-minute visit needs its own 15 minutes before the 10:00 patient walks in.
    booked = Interval(at(MONDAY, 10), at(MONDAY, 11, 15))
    agenda = therapist(working=weekdays(9, 13), busy=(booked,))

    offered = slots(therapists=[agenda], minutes=30, buffer=15 * MINUTES)

    assert local_starts(offered) == ["09:00", "09:15", *every(15, "11:15", "12:30")]


def test_the_buffer_may_run_past_the_end_of_the_working_day():
    offered = slots(buffer=15 * MINUTES)

    assert local_starts(offered)[-1] == "11:00"


def test_the_patients_own_appointments_block_their_starts():
    elsewhere = Interval(at(MONDAY, 10), at(MONDAY, 10, 45))

    offered = slots(minutes=30, patient_busy=[elsewhere])

    assert local_starts(offered) == ["09:00", "09:15", "09:30", *every(15, "10:45", "11:30")]


def test_busy_time_given_in_any_zone_counts_the_same():
    utc = Interval(at(MONDAY, 10).astimezone(UTC), at(MONDAY, 11).astimezone(UTC))
    local = Interval(at(MONDAY, 10), at(MONDAY, 11))

    assert slots(therapists=[therapist(busy=(utc,))]) == slots(
        therapists=[therapist(busy=(local,))]
    )


def test_overlapping_and_unsorted_busy_time_is_read_as_its_union():
    busy = (
        Interval(at(MONDAY, 10, 30), at(MONDAY, 11)),
        Interval(at(MONDAY, 10), at(MONDAY, 10, 45)),
        Interval(at(MONDAY, 9, 30), at(MONDAY, 9, 30)),  # empty: blocks nothing
    )

    offered = slots(therapists=[therapist(busy=busy)], minutes=30)

    assert local_starts(offered) == ["09:00", "09:15", "09:30", *every(15, "11:00", "11:30")]


# Rooms


def test_a_therapist_who_is_free_gets_nothing_while_the_only_room_is_taken():
    # Dana sees a patient 9:00-10:00 in the only room. Sam is free all morning but has nowhere
    # to needle until it frees up; from 10:00 each start is offered with both of them, as
    # alternatives in the same room (booking one takes it).
    visit = Interval(at(MONDAY, 9), at(MONDAY, 10))
    dana = therapist(1, busy=(visit,))
    sam = therapist(2)

    offered = slots(clinic(rooms={1: (visit,)}), [dana, sam], minutes=30)

    assert who(offered)[:4] == [("10:00", 1, 1), ("10:00", 2, 1), ("10:15", 1, 1), ("10:15", 2, 1)]
    assert len(offered) == 2 * len(every(15, "10:00", "11:30"))


def test_the_lowest_free_room_is_chosen():
    calendar = clinic(rooms={7: (), 3: (Interval(at(MONDAY, 9), at(MONDAY, 10)),), 5: ()})

    offered = slots(calendar)

    assert [(start, room) for start, _, room in who(offered)] == [
        ("09:00", 5),
        ("09:15", 5),
        ("09:30", 5),
        ("09:45", 5),
        ("10:00", 3),
        ("10:15", 3),
        ("10:30", 3),
        ("10:45", 3),
        ("11:00", 3),
    ]


def test_a_room_needs_the_buffer_free_too():
    calendar = clinic(rooms={1: (Interval(at(MONDAY, 10), at(MONDAY, 11)),)})

    offered = slots(calendar, minutes=30, buffer=15 * MINUTES)

    assert local_starts(offered) == ["09:00", "09:15", *every(15, "11:00", "11:30")]


def test_a_clinic_without_rooms_offers_nothing():
    assert slots(clinic(rooms={})) == []


# Certification, now, ordering


def test_an_uncertified_day_offers_no_dry_needling_but_other_visits_as_usual():
    agenda = therapist(certified=(DateRange(date(2025, 1, 1), MONDAY),))

    needling = slots(therapists=[agenda], last_day=TUESDAY, needs_certification=True)
    other = slots(therapists=[agenda], last_day=TUESDAY, needs_certification=False)

    assert {s.start.astimezone(NY).date() for s in needling} == {MONDAY}
    assert {s.start.astimezone(NY).date() for s in other} == {MONDAY, TUESDAY}


def test_a_therapist_never_certified_is_offered_no_dry_needling():
    assert slots(needs_certification=True) == []


def test_nothing_starts_before_now():
    offered = slots(not_before=at(MONDAY, 10, 7))

    assert local_starts(offered) == every(15, "10:15", "11:00")


def test_slots_are_ordered_by_start_then_therapist_whatever_order_they_came_in():
    offered = slots(therapists=[therapist(9), therapist(2), therapist(5)], minutes=150)

    assert [(s.start, s.therapist_id) for s in offered] == [
        (at(MONDAY, 9), 2),
        (at(MONDAY, 9), 5),
        (at(MONDAY, 9), 9),
        (at(MONDAY, 9, 15), 2),
        (at(MONDAY, 9, 15), 5),
        (at(MONDAY, 9, 15), 9),
        (at(MONDAY, 9, 30), 2),
        (at(MONDAY, 9, 30), 5),
        (at(MONDAY, 9, 30), 9),
    ]


def test_nonsense_requests_are_refused():
    with pytest.raises(ValueError):
        slots(minutes=0)
    with pytest.raises(ValueError):
        slots(buffer=-MINUTES)
    with pytest.raises(ValueError):
        slots(step=timedelta(0))
    with pytest.raises(ValueError):
        slots(not_before=datetime(2026, 3, 16, 9))
    with pytest.raises(ValueError):
        slots(therapists=[therapist(1), therapist(1)])
    with pytest.raises(ValueError):
        WeeklyPeriod(0, time(12), time(9))
    with pytest.raises(ValueError):
        WeeklyPeriod(7, time(9), time(12))
    with pytest.raises(ValueError):
        Interval(at(MONDAY, 10), at(MONDAY, 9))
    with pytest.raises(ValueError):
        Interval(datetime(2026, 3, 16, 9), datetime(2026, 3, 16, 10))
    with pytest.raises(ValueError):
        DateRange(TUESDAY, MONDAY)
    assert slots(last_day=MONDAY - timedelta(days=1)) == []


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
