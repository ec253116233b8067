"""Courses of care in the staff's pages: booking one from the booking steps (the plan, a visit
that is not free shown with the times to choose instead, then every visit booked at once), the
course on each visit's page, and cancelling the rest of it."""

import datetime as dt
from urllib.parse import urlencode

import pytest

from needlecare.clinics.models import Closure
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import appointment_book
from needlecare.scheduling.tests.series_helpers import book_course, second_therapist
from needlecare.web.tests.booking_helpers import slot, utc
from needlecare.web.tests.charting_helpers import text

pytestmark = pytest.mark.django_db

BOOK = "/staff/clinics/stoughton/schedule/book/"


def course_url(schedule, **more) -> str:
    """The course step from Monday 9:00 with Dana Reyes, for the neck."""
    p = schedule.practice
    query = {
        "patient": p.patient.pk,
        "type": "dry-needling",
        "therapist": p.therapist.pk,
        "week": schedule.day.isoformat(),
        "regions": "neck",
        "slot": slot(schedule, 9),
        "course": "1",
        **more,
    }
    return BOOK + "?" + urlencode(query)


def take(schedule, at, therapist=None):
    """Another patient's dry needling visit at that time."""
    p = schedule.practice
    other = PatientFactory(preferred_clinic=p.stoughton)
    schedule.screen(other)
    return appointment_book(
        patient=other,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=therapist or p.therapist,
        starts_at=at,
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )


def test_the_confirm_step_offers_staff_a_course_from_the_time_chosen(client, schedule):
    p = schedule.practice
    schedule.screen()
    client.force_login(p.front_desk)
    query = {
        "patient": p.patient.pk,
        "type": "dry-needling",
        "therapist": p.therapist.pk,
        "week": schedule.day.isoformat(),
        "regions": "neck",
        "slot": slot(schedule, 9),
    }
    confirm = client.get(BOOK + "?" + urlencode(query))
    assert confirm.context["stage"] == "confirm"
    assert "Book a course of visits from this time" in text(confirm)
    assert "course=1" in confirm.context["course"]


def test_a_weekly_course_is_planned_then_booked_in_one_step(client, schedule):
    p = schedule.practice
    schedule.screen()
    client.force_login(p.front_desk)

    plan = client.get(course_url(schedule))

    assert plan.status_code == 200 and plan.context["stage"] == "course"
    page = text(plan)
    assert "6 visits, every week" in page
    for n in range(6):
        day = schedule.day + dt.timedelta(days=7 * n)
        assert f"Visit {n + 1}: Monday, {day:%B} {day.day} at 9:00 AM with Dana Reyes Free" in page
    assert "Book all 6 visits" in page
    assert not Appointment.objects.exists()  # the plan only reads

    booked = client.post(course_url(schedule))

    assert booked.status_code == 302
    visits = list(Appointment.objects.order_by("starts_at"))
    assert booked["Location"] == f"/staff/appointments/{visits[0].pk}/"
    assert len(visits) == 6 and len({v.series for v in visits}) == 1
    assert [v.starts_at for v in visits] == [schedule.at(9, days=7 * n) for n in range(6)]
    assert {v.booked_by for v in visits} == {p.front_desk}
    assert {tuple(v.planned_regions) for v in visits} == {("neck",)}
    first = client.get(booked["Location"])
    assert "is booked for a course of 6 visits of dry needling treatment" in text(first)
    assert "Course of care: visit 1 of 6" in text(first)


def test_a_visit_not_free_is_shown_with_times_to_choose_and_the_course_booked_with_one(
    client, schedule
):
    p = schedule.practice
    schedule.screen()
    take(schedule, schedule.at(9, days=14))
    client.force_login(p.front_desk)

    plan = client.get(course_url(schedule, visits=4))

    page = text(plan)
    day = schedule.day + dt.timedelta(days=14)
    assert "1 of the 4 visits is not free" in page
    assert f"Visit 3: Monday, {day:%B} {day.day} at 9:00 AM is not free: that time is not free" in (
        page
    )
    [row] = [r for r in plan.context["plan"] if not r.free]
    assert [c.value for c in row.alternatives][0] == slot(schedule, 8, days=14)
    assert f'name="visit-3" id="visit-3-1" value="{slot(schedule, 8, days=14)}"' in (
        plan.content.decode()
    )

    # Booking without choosing: nothing booked, the visit named again.
    refused = client.post(course_url(schedule, visits=4))
    assert refused.status_code == 409
    assert "1 of the 4 visits is not free, so nothing was booked: visit 3" in text(refused)
    assert Appointment.objects.filter(patient=p.patient).count() == 0

    booked = client.post(course_url(schedule, visits=4), {"visit-3": slot(schedule, 8, days=14)})

    assert booked.status_code == 302
    starts = list(
        Appointment.objects.filter(patient=p.patient)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
    assert starts == [schedule.at(9), schedule.at(9, days=7), schedule.at(8, days=14)] + [
        schedule.at(9, days=21)
    ]


def test_a_choice_kept_while_another_visit_is_still_not_free(client, schedule):
    p = schedule.practice
    schedule.screen()
    take(schedule, schedule.at(9, days=7))
    holiday = schedule.day + dt.timedelta(days=14)
    Closure.objects.create(clinic=p.stoughton, starts_on=holiday, ends_on=holiday)
    client.force_login(p.front_desk)

    refused = client.post(course_url(schedule, visits=3), {"visit-2": slot(schedule, 8, days=7)})

    assert refused.status_code == 409
    rows = refused.context["plan"]
    assert rows[1].free and rows[1].chosen == slot(schedule, 8, days=7)
    assert "Instead of Monday" in text(refused)
    assert f'type="hidden" name="visit-2" value="{slot(schedule, 8, days=7)}"' in (
        refused.content.decode()
    )
    assert not rows[2].free and rows[2].why == "the clinic is closed that day"
    assert rows[2].alternatives[0].value == slot(schedule, 9, days=15)
    assert not Appointment.objects.filter(patient=p.patient).exists()


def test_every_few_days_with_anyone_certified(client, schedule):
    p = schedule.practice
    schedule.screen()
    sam = second_therapist(schedule)
    take(schedule, schedule.at(9, days=2))  # Dana is busy on Wednesday
    client.force_login(p.front_desk)
    url = course_url(schedule, every="days", days=2, visits=3, who="any")

    plan = client.get(url)
    assert "3 visits, every 2 days" in text(plan)
    assert "Anyone certified for dry needling" in text(plan)
    booked = client.post(url)

    assert booked.status_code == 302
    visits = list(Appointment.objects.filter(patient=p.patient).order_by("starts_at"))
    assert [v.starts_at for v in visits] == [schedule.at(9, days=d) for d in (0, 2, 4)]
    assert {v.therapist for v in visits} == {sam}  # free for all three


def test_the_course_choices_are_checked(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.front_desk)
    missing = client.get(course_url(schedule, every="days"))
    assert missing.status_code == 400 and "Say every how many days." in text(missing)
    too_many = client.get(course_url(schedule, visits=40))
    assert too_many.status_code == 400
    assert "less than or equal to 26" in text(too_many)


def test_visits_beyond_the_screening_are_marked_in_the_plan_and_on_their_page(client, schedule):
    p = schedule.practice
    p.stoughton.screening_valid_days = 30
    p.stoughton.save()
    with on_the_day(schedule, days=-10):
        # Signed in that day: a session is at most 12 hours old, and the day may be days ahead.
        client.force_login(p.front_desk)
        schedule.screen()
        plan = client.get(course_url(schedule))
        assert [r.rescreen for r in plan.context["plan"]] == [False] * 3 + [True] * 3
        assert "The visits marked after it are booked all the same" in text(plan)
        booked = client.post(course_url(schedule))
        follow = client.get(booked["Location"])
    assert "Visits 4, 5, 6 fall after the safety screening stops being current" in text(follow)
    visits = list(Appointment.objects.order_by("starts_at"))
    late = client.get(f"/staff/appointments/{visits[4].pk}/")
    assert "Screening to be answered again: this visit falls after" in text(late)
    assert "Course of care: visit 5 of 6" in text(late)
    assert text(late).count("Screening again") == 3
    early = client.get(f"/staff/appointments/{visits[0].pk}/")
    assert "Screening to be answered again: this visit" not in text(early)


def test_patients_book_single_visits_only(client, schedule):
    p = schedule.practice
    schedule.screen()
    client.force_login(p.patient.user)
    query = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist": p.therapist.pk,
        "week": schedule.day.isoformat(),
        "regions": "neck",
        "slot": slot(schedule, 9),
        "course": "1",
    }
    page = client.get("/book/online/?" + urlencode(query))
    assert page.context["stage"] == "confirm"
    assert "Book a course" not in text(page)


def test_each_visit_shows_its_course_and_the_desk_cancels_the_rest(client, schedule):
    p = schedule.practice
    schedule.screen()
    visits = book_course(schedule, count=4)
    client.force_login(p.therapist.user)
    seen = client.get(f"/staff/appointments/{visits[1].pk}/")
    assert "Course of care: visit 2 of 4" in text(seen)
    for other in (visits[0], visits[2], visits[3]):
        assert f'href="/staff/appointments/{other.pk}/"' in seen.content.decode()
    assert "Cancel the rest of the course" not in text(seen)
    cancel = f"/staff/appointments/{visits[1].pk}/course/cancel/"
    assert client.get(cancel).status_code == 403

    client.force_login(p.front_desk)
    page = client.get(f"/staff/appointments/{visits[1].pk}/")
    assert "Cancel the rest of the course" in text(page)
    assert "3 visits are still to come from here" in text(page)
    ask = client.get(cancel)
    assert "These 3 visits are still to come" in text(ask)
    empty = client.post(cancel, {"reason": "", "kind": "clinic"})
    assert empty.status_code == 400 and "Give a reason for the cancellation." in text(empty)

    done = client.post(cancel, {"reason": "Discharged", "kind": "clinic"})

    assert done.status_code == 302 and done["Location"] == f"/staff/appointments/{visits[1].pk}/"
    assert [Appointment.objects.get(pk=v.pk).status for v in visits] == [Status.CONFIRMED] + [
        Status.CANCELLED
    ] * 3
    after = client.get(done["Location"])
    assert "course: 3 visits are cancelled" in text(after)
    assert "Cancel the rest of the course" not in text(after)


def test_a_visit_booked_on_its_own_has_no_course_to_cancel(client, schedule):
    p = schedule.practice
    single = take(schedule, schedule.at(11))
    client.force_login(p.front_desk)
    assert "Course of care" not in text(client.get(f"/staff/appointments/{single.pk}/"))
    assert client.get(f"/staff/appointments/{single.pk}/course/cancel/").status_code == 404
    assert utc(single.starts_at)  # the visit is untouched
    assert Appointment.objects.get(pk=single.pk).status == Status.CONFIRMED
