"""Booking a course of care: every visit checked together, all booked or none; a visit that is
not free is named, with why and the nearest free start instead; the safety gates hold for
every visit's own day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from needlecare.audit.selectors import audit_events_for_target
from needlecare.clinics.models import Closure, Credential
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.testing.factories import PatientFactory
from needlecare.common.testing.personas import build_practice
from needlecare.common.testing.schedule import build_schedule
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import VisitChange, appointment_book
from needlecare.scheduling.tests.series_helpers import book_course, second_therapist
from needlecare.screening.services import NotCleared

pytestmark = pytest.mark.django_db
BOSTON = ZoneInfo("America/New_York")


def local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(BOSTON)


def refused(schedule, **kw) -> Conflict:
    with pytest.raises(Conflict) as caught:
        book_course(schedule, **kw)
    assert caught.value.code == "series.not_free"
    assert not Appointment.objects.filter(patient=schedule.practice.patient).exists()
    return caught.value


def test_a_weekly_course_books_every_visit_in_one_series_each_an_ordinary_appointment(schedule):
    schedule.screen(None, "diabetes")
    visits = book_course(schedule)
    assert [local(v.starts_at) for v in visits] == [schedule.at(9, days=7 * n) for n in range(6)]
    assert len({v.series for v in visits}) == 1 and visits[0].series is not None
    stored = Appointment.objects.filter(series=visits[0].series).order_by("starts_at")
    assert [a.pk for a in stored] == [v.pk for v in visits]
    for n, a in enumerate(stored, 1):
        assert (a.status, a.therapist, a.room) == (
            Status.CONFIRMED,
            schedule.practice.therapist,
            schedule.rooms[0],
        )
        assert a.ends_at - a.starts_at == dt.timedelta(minutes=45)
        assert a.blocked_until - a.ends_at == dt.timedelta(minutes=15)
        assert a.planned_regions == ["neck"] and a.screening is not None
        assert [p["code"] for p in a.precautions] == ["diabetes"]
        [event] = audit_events_for_target("scheduling.appointment", a.pk)
        assert event.action == "appointment.booked" and event.data["visit"] == n
        assert event.data["series"] == str(a.series)


def test_every_n_days_and_requests(schedule):
    schedule.screen()
    visits = book_course(schedule, every_days=2, count=3, status=Status.REQUESTED)
    assert [local(v.starts_at) for v in visits] == [schedule.at(9, days=d) for d in (0, 2, 4)]
    assert {v.status for v in visits} == {Status.REQUESTED}


def test_a_taken_visit_in_the_middle_books_nothing_and_is_named_with_the_nearest_free_time(
    schedule,
):
    p = schedule.practice
    schedule.screen()
    other = PatientFactory(preferred_clinic=p.stoughton)
    schedule.screen(other)
    taken = appointment_book(
        patient=other,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(9, days=14),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )

    error = refused(schedule)

    [conflict] = error.details["conflicts"]
    assert conflict["visit"] == 3 and conflict["reason"] == "not_free"
    assert dt.datetime.fromisoformat(conflict["starts_at"]) == schedule.at(9, days=14)
    # Dana is held 9:00-10:00 (45 minutes and the buffer): 8:00 ends as that begins, and of the
    # two an hour away the earlier comes first; then 10:00 and 7:45 is outside her hours.
    offered = [dt.datetime.fromisoformat(a["starts_at"]) for a in conflict["alternatives"]]
    assert offered == [
        schedule.at(8, days=14),
        schedule.at(10, days=14),
        schedule.at(10, 15, days=14),
    ]
    assert {a["therapist"] for a in conflict["alternatives"]} == {"Dana Reyes"}
    assert error.details["count"] == 6
    assert "1 of the 6 visits is not free, so nothing was booked: visit 3, Monday" in error.message
    assert "nearest free: Monday" in error.message and "at 8:00 AM with Dana Reyes" in error.message
    assert Appointment.objects.count() == 1 and Appointment.objects.get() == taken

    # The alternative chosen for visit 3, the course books whole.
    alternative = conflict["alternatives"][0]
    change = VisitChange(dt.datetime.fromisoformat(alternative["starts_at"]))
    visits = book_course(schedule, changes={3: change})
    assert [local(v.starts_at).hour for v in visits] == [9, 9, 8, 9, 9, 9]
    assert len({v.series for v in visits}) == 1


def test_a_closed_day_is_named_and_the_next_open_day_offered(schedule):
    p = schedule.practice
    schedule.screen()
    holiday = schedule.day + dt.timedelta(days=21)
    Closure.objects.create(clinic=p.stoughton, starts_on=holiday, ends_on=holiday, reason="Holiday")

    [conflict] = refused(schedule).details["conflicts"]

    assert (conflict["visit"], conflict["reason"]) == (4, "closed")
    assert conflict["why"] == "the clinic is closed that day"
    nearest = dt.datetime.fromisoformat(conflict["alternatives"][0]["starts_at"])
    assert nearest == schedule.at(9, days=22)  # Tuesday, before Friday's three days away


def test_the_patients_own_appointment_is_named(schedule):
    p = schedule.practice
    schedule.screen()
    appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=schedule.at(9, 30, days=7),
        booked_by=p.front_desk,
    )
    with pytest.raises(Conflict) as caught:
        book_course(schedule, count=3)
    [conflict] = caught.value.details["conflicts"]
    assert (conflict["visit"], conflict["reason"]) == (2, "patient_busy")
    assert Appointment.objects.filter(series__isnull=False).count() == 0


def test_a_certification_expiring_mid_course_keeps_its_therapist_from_the_later_visits(schedule):
    p = schedule.practice
    schedule.screen()
    sam = second_therapist(schedule)
    last_day = schedule.day + dt.timedelta(days=14)  # visit 3's day
    Credential.objects.filter(therapist=p.therapist, kind=Credential.Kind.DRY_NEEDLING).update(
        expires_on=last_day
    )

    conflicts = refused(schedule).details["conflicts"]

    assert [c["visit"] for c in conflicts] == [4, 5, 6]
    assert {c["reason"] for c in conflicts} == {"not_certified"}
    assert conflicts[0]["why"] == "Dana Reyes is not certified for dry needling that day"
    # Dana has no time she may needle near them: anyone certified, at the same time.
    for c in conflicts:
        nearest = c["alternatives"][0]
        assert (nearest["therapist_id"], nearest["starts_at"]) == (sam.pk, c["starts_at"])

    changes = {
        c["visit"]: VisitChange(dt.datetime.fromisoformat(c["starts_at"]), sam.pk)
        for c in conflicts
    }
    visits = book_course(schedule, changes=changes)
    assert [v.therapist for v in visits] == [p.therapist] * 3 + [sam] * 3


def test_anyone_certified_gives_the_course_to_whoever_is_free_for_most_of_it(schedule):
    p = schedule.practice
    schedule.screen()
    sam = second_therapist(schedule)
    other = PatientFactory(preferred_clinic=p.stoughton)
    schedule.screen(other)
    appointment_book(
        patient=other,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=sam,
        starts_at=schedule.at(9, days=7),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    Credential.objects.filter(therapist=p.therapist, kind=Credential.Kind.DRY_NEEDLING).update(
        expires_on=schedule.day + dt.timedelta(days=14)
    )

    visits = book_course(schedule, therapist=None)

    # Sam is free for five visits, Dana for three: Sam takes all but the one he is busy for.
    assert [v.therapist for v in visits] == [sam, p.therapist, sam, sam, sam, sam]
    assert [local(v.starts_at) for v in visits] == [schedule.at(9, days=7 * n) for n in range(6)]


def test_anyone_certified_offers_anyone_when_no_one_is_free(schedule):
    p = schedule.practice
    schedule.screen()
    Closure.objects.create(
        clinic=p.stoughton,
        starts_on=schedule.day + dt.timedelta(days=7),
        ends_on=schedule.day + dt.timedelta(days=7),
    )
    with pytest.raises(Conflict) as caught:
        book_course(schedule, therapist=None, count=3)
    [conflict] = caught.value.details["conflicts"]
    assert conflict["therapist_id"] is None and conflict["reason"] == "closed"
    assert conflict["alternatives"][0]["therapist"] == "Dana Reyes"


def test_the_screening_gate_holds_for_the_whole_course(schedule):
    with pytest.raises(NotCleared, match="no current safety screening"):
        book_course(schedule)
    schedule.screen(None, "spina_bifida")
    with pytest.raises(NotCleared, match="rules out dry needling of the low back"):
        book_course(schedule, regions=["low_back"])
    assert not Appointment.objects.exists()
    assert len(book_course(schedule, count=2)) == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"count": 1}, "series.bad_count"),
        ({"count": 27}, "series.bad_count"),
        ({"every_days": 0}, "series.bad_interval"),
        ({"every_days": 29}, "series.bad_interval"),
        ({"status": Status.CHECKED_IN}, "booking.bad_status"),
        (
            {"changes": {7: VisitChange(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))}},
            "series.bad_change",
        ),
    ],
)
def test_a_course_that_cannot_be_asked_for_is_refused(schedule, change, code):
    schedule.screen()
    with pytest.raises(DomainError) as caught:
        book_course(schedule, **change)
    assert caught.value.code == code
    assert not Appointment.objects.exists()


def test_a_naive_start_and_an_alternative_too_far_away_are_refused(schedule):
    schedule.screen()
    with pytest.raises(DomainError) as naive:
        book_course(schedule, at=schedule.at(9).replace(tzinfo=None))
    assert naive.value.code == "booking.naive_time"
    # Weekly: at most three days either side, never as far as halfway to the next visit.
    too_far = VisitChange(schedule.at(9, days=7 + 4))
    with pytest.raises(DomainError) as far:
        book_course(schedule, changes={2: too_far})
    assert far.value.code == "series.change_too_far"
    assert book_course(schedule, count=2, changes={2: VisitChange(schedule.at(9, days=10))})


def test_a_weekly_course_keeps_its_clock_time_across_the_change_to_summer_time(db):
    # Wednesday, February 24, 2027: the schedule's Monday is March 8; clocks go forward on the 14th.
    with time_machine.travel(dt.datetime(2027, 2, 24, 10, tzinfo=BOSTON), tick=True):
        schedule = build_schedule(build_practice())
        schedule.screen()
        assert schedule.day == dt.date(2027, 3, 8)
        visits = book_course(schedule, count=3)
    assert [local(v.starts_at).time() for v in visits] == [dt.time(9)] * 3
    assert [v.starts_at.astimezone(dt.UTC).hour for v in visits] == [14, 13, 13]
