"""Which appointment starts a clinic can offer on ordinary days: worked examples of hours, busy
time and buffers, rooms, certification, the present moment and ordering.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from needlecare.scheduling.availability import DateRange, Interval, WeeklyPeriod
from needlecare.scheduling.tests.availability_helpers import (
    MINUTES,
    MONDAY,
    NY,
    TUESDAY,
    WEDNESDAY,
    at,
    clinic,
    every,
    local_starts,
    slots,
    therapist,
    weekdays,
    who,
)

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
