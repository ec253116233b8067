"""The one-statement read of availability inputs says what plain ORM queries say, edge by edge."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Q

from needlecare.clinics.models import Closure, Credential, OpeningHours, Room, StaffMembership
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.availability import (
    ClinicCalendar,
    DateRange,
    Interval,
    TherapistAgenda,
    WeeklyPeriod,
)
from needlecare.scheduling.inputs import LONGEST, MARGIN, availability_inputs, local_bounds
from needlecare.scheduling.models import ACTIVE, Appointment, Status, TimeOff, WorkingHours

pytestmark = pytest.mark.django_db

US = dt.timedelta(microseconds=1)


def read_with_the_orm(
    *, clinic, first_day, last_day, therapist_ids=None, patient=None, ignore=None, days=None
):
    """The slow, obvious reading the fast one must agree with."""
    start, end = local_bounds(clinic, first_day, last_day)
    # Around given days: from each day's midnight to the longest hold after the next one.
    spans = (
        [(lo, hi + LONGEST) for lo, hi in (local_bounds(clinic, d, d) for d in days)]
        if days
        else [(start - MARGIN, end + MARGIN)]
    )
    near = Q()
    off_near = Q()
    for lo, hi in spans:
        near |= Q(starts_at__lt=hi, blocked_until__gt=lo)
        off_near |= Q(starts_at__lt=hi, ends_at__gt=lo)
    hours = WorkingHours.objects.filter(
        clinic=clinic, therapist__user__is_active=True, therapist__user__memberships__clinic=clinic
    )
    if therapist_ids is not None:
        hours = hours.filter(therapist_id__in=therapist_ids)
    working = defaultdict(list)
    for h in hours:
        working[h.therapist_id].append(WeeklyPeriod(h.weekday, h.starts, h.ends))
    touching = Appointment.objects.filter(near, status__in=ACTIVE).exclude(pk=ignore)
    rooms = {r.pk: [] for r in Room.objects.filter(clinic=clinic, is_active=True)}
    busy = defaultdict(list)
    for a in touching:
        if a.room_id in rooms:
            rooms[a.room_id].append(Interval(a.starts_at, a.blocked_until))
        if a.therapist_id in working:
            busy[a.therapist_id].append(Interval(a.starts_at, a.blocked_until))
    patient_busy = [
        Interval(a.starts_at, a.ends_at) for a in touching if patient and a.patient_id == patient.pk
    ]

    def key(i):
        return (i.start, i.end)

    calendar = ClinicCalendar(
        time_zone=clinic.time_zone,
        opening=tuple(
            sorted(
                WeeklyPeriod(o.weekday, o.opens, o.closes)
                for o in OpeningHours.objects.filter(clinic=clinic)
            )
        ),
        closures=tuple(
            sorted(
                DateRange(c.starts_on, c.ends_on)
                for c in Closure.objects.filter(
                    clinic=clinic, starts_on__lte=last_day, ends_on__gte=first_day
                )
            )
        ),
        rooms={pk: tuple(sorted(held, key=key)) for pk, held in sorted(rooms.items())},
    )
    agendas = []
    for t in sorted(working):
        off = TimeOff.objects.filter(off_near, therapist_id=t)
        valid = Credential.objects.filter(
            therapist_id=t, valid_from__lte=last_day, expires_on__gte=first_day
        )
        certs = [c for c in valid if c.kind == Credential.Kind.DRY_NEEDLING]
        licences = [c for c in valid if c.kind == Credential.Kind.PT_LICENSE]
        certified = sorted(
            DateRange(max(c.valid_from, p.valid_from), min(c.expires_on, p.expires_on))
            for c in certs
            for p in licences
            if max(c.valid_from, p.valid_from) <= min(c.expires_on, p.expires_on)
        )
        agendas.append(
            TherapistAgenda(
                therapist_id=t,
                working=tuple(sorted(working[t])),
                time_off=tuple(sorted((Interval(o.starts_at, o.ends_at) for o in off), key=key)),
                busy=tuple(sorted(busy[t], key=key)),
                certified=tuple(certified),
            )
        )
    return calendar, agendas, tuple(sorted(patient_busy, key=key))


@pytest.fixture
def busy_practice(schedule):
    """Stoughton with a colleague who also works at Foxboro, and every kind of edge row."""
    p, day = schedule.practice, schedule.day
    stoughton, foxboro = p.stoughton, p.foxboro
    colleague = TherapistFactory(user__clinics=[stoughton, foxboro])
    for weekday, clinic in ((0, stoughton), (2, stoughton), (1, foxboro)):
        WorkingHours.objects.create(
            therapist=colleague, clinic=clinic, weekday=weekday, starts=dt.time(9), ends=dt.time(13)
        )
    # Certified for the first ten days of the window only; licensed throughout.
    for kind, expires in (
        (Credential.Kind.DRY_NEEDLING, day + dt.timedelta(days=10)),
        (Credential.Kind.PT_LICENSE, day + dt.timedelta(days=400)),
    ):
        Credential.objects.create(
            therapist=colleague,
            kind=kind,
            issuer="Board",
            number=f"{kind}-colleague",
            valid_from=day - dt.timedelta(days=30),
            expires_on=expires,
        )
    gone = TherapistFactory(user__clinics=[stoughton], user__is_active=False)
    stranger = TherapistFactory(user__clinics=[foxboro])  # hours at Stoughton, no membership
    for therapist in (gone, stranger):
        WorkingHours.objects.create(
            therapist=therapist, clinic=stoughton, weekday=0, starts=dt.time(8), ends=dt.time(12)
        )
    TherapistFactory(user__clinics=[stoughton])  # a member without hours
    Room.objects.create(clinic=stoughton, name="Closed for repairs", is_active=False)
    foxboro_room = Room.objects.create(clinic=foxboro, name="Foxboro 1")
    for first, last in ((3, 3), (90, 91)):
        Closure.objects.create(
            clinic=stoughton,
            starts_on=day + dt.timedelta(days=first),
            ends_on=day + dt.timedelta(days=last),
            reason="Closed",
        )
    TimeOff.objects.create(
        therapist=p.therapist,
        starts_at=schedule.at(12, days=-2),  # begins before the window, ends inside it
        ends_at=schedule.at(12, 30, days=0) + 7 * US,
        reason="Course",
    )
    TimeOff.objects.create(
        therapist=colleague,
        starts_at=schedule.at(9, days=60),
        ends_at=schedule.at(10, days=60),
        reason="Later",
    )
    other = PatientFactory(preferred_clinic=foxboro)
    rows = [
        # (clinic, therapist, room, patient, start, status)
        (stoughton, p.therapist, schedule.rooms[0], p.patient, schedule.at(8), Status.CONFIRMED),
        (stoughton, p.therapist, schedule.rooms[1], other, schedule.at(10), Status.CANCELLED),
        (stoughton, colleague, schedule.rooms[1], other, schedule.at(9, days=2), Status.REQUESTED),
        (foxboro, colleague, foxboro_room, other, schedule.at(9, 15, days=1), Status.CONFIRMED),
        (foxboro, stranger, foxboro_room, p.patient, schedule.at(14, days=1), Status.CONFIRMED),
        (foxboro, stranger, foxboro_room, other, schedule.at(9, days=4), Status.COMPLETED),
        (stoughton, p.therapist, schedule.rooms[0], other, schedule.at(15, days=-1), "confirmed"),
        (stoughton, p.therapist, schedule.rooms[0], other, schedule.at(9, days=-5), "confirmed"),
    ]
    made = []
    for clinic, therapist, room, patient, start, status in rows:
        start += 250_001 * US  # instants keep their microseconds through the fast read
        made.append(
            Appointment.objects.create(
                clinic=clinic,
                type=schedule.dry_needling,
                therapist=therapist,
                room=room,
                patient=patient,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=45),
                blocked_until=start + dt.timedelta(hours=1),
                status=status,
                cancel_reason="Ill" if status == Status.CANCELLED else "",
                booked_by=p.front_desk,
            )
        )
    assert StaffMembership.objects.filter(user=stranger.user, clinic=stoughton).count() == 0
    return schedule, colleague, made


@pytest.mark.parametrize(
    "days, options",
    [
        (28, {}),
        (1, {}),
        (28, {"patient": True}),
        (1, {"therapists": "colleague", "patient": True, "ignore": 0}),
        (28, {"therapists": "none"}),
    ],
    ids=["four weeks", "one day", "with the patient", "one therapist", "no therapists"],
)
def test_the_fast_read_agrees_with_the_orm(busy_practice, days, options):
    schedule, colleague, made = busy_practice
    p = schedule.practice
    kwargs = {
        "clinic": p.stoughton,
        "first_day": schedule.day,
        "last_day": schedule.day + dt.timedelta(days=days - 1),
        "therapist_ids": {"colleague": [colleague.pk], "none": []}.get(options.get("therapists")),
        "patient": p.patient if options.get("patient") else None,
    }
    ignore = made[options["ignore"]].pk if "ignore" in options else None
    fast = availability_inputs(**kwargs, ignore_appointment=ignore)
    slow = read_with_the_orm(**kwargs, ignore=ignore)
    assert fast == slow
    calendar, agendas, _ = fast
    assert calendar.rooms  # the comparison is not between two empty readings
    if kwargs["therapist_ids"] != []:
        assert any(agenda.busy for agenda in agendas)


@pytest.mark.parametrize("offsets", [[0, 2, 60], [-1, 0, 1], [4]], ids=str)
def test_reading_only_around_some_days_agrees_with_the_orm(busy_practice, offsets):
    """A course's check reads only around its visits' days, not the weeks between them."""
    schedule, _, made = busy_practice
    p = schedule.practice
    days = [schedule.day + dt.timedelta(days=n) for n in offsets]
    kwargs = {
        "clinic": p.stoughton,
        "first_day": schedule.day - dt.timedelta(days=7),
        "last_day": schedule.day + dt.timedelta(days=70),
        "patient": p.patient,
    }
    fast = availability_inputs(**kwargs, days=days)
    assert fast == read_with_the_orm(**kwargs, days=days)
    if offsets == [0, 2, 60]:
        # The visit five days before is in the whole window's read, not in this one's.
        early = next(a for a in made if a.starts_at < schedule.at(0, days=-4))
        held = Interval(early.starts_at, early.blocked_until)
        assert held in availability_inputs(**kwargs)[0].rooms[early.room_id]
        assert held not in fast[0].rooms[early.room_id]


def test_only_bookable_therapists_get_an_agenda(busy_practice):
    schedule, colleague, _ = busy_practice
    _, agendas, _ = availability_inputs(
        clinic=schedule.practice.stoughton, first_day=schedule.day, last_day=schedule.day
    )
    assert [a.therapist_id for a in agendas] == sorted(
        [schedule.practice.therapist.pk, colleague.pk]
    )


def test_busy_time_elsewhere_and_the_patients_own_time_are_read(busy_practice):
    schedule, colleague, made = busy_practice
    p = schedule.practice
    calendar, agendas, patient_busy = availability_inputs(
        clinic=p.stoughton,
        first_day=schedule.day,
        last_day=schedule.day + dt.timedelta(days=1),
        patient=p.patient,
    )
    by_id = {a.therapist_id: a for a in agendas}
    foxboro_visit = made[3]
    assert (
        Interval(foxboro_visit.starts_at, foxboro_visit.blocked_until) in by_id[colleague.pk].busy
    )
    # The patient's own time ends when the visit does; the buffer holds only staff and rooms.
    assert [i.end for i in patient_busy] == [made[0].ends_at, made[4].ends_at]
    assert all(i.start.microsecond == 250_001 for i in patient_busy)
    assert by_id[p.therapist.pk].time_off[0].end.microsecond == 7
    cancelled = made[1]
    assert Interval(cancelled.starts_at, cancelled.blocked_until) not in by_id[p.therapist.pk].busy
    assert all(
        Interval(cancelled.starts_at, cancelled.blocked_until) not in held
        for held in calendar.rooms.values()
    )
