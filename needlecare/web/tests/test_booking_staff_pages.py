"""Booking pages for staff: the clinic's schedule, booking for a patient, and one appointment."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.clinics.models import Room
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.models import Appointment, AppointmentType, Status, WorkingHours
from needlecare.scheduling.services import appointment_cancel
from needlecare.web.tests.booking_helpers import book, offered, slot

pytestmark = pytest.mark.django_db

SCHEDULE = "/staff/clinics/stoughton/schedule/"
# The number of queries the day view makes, whatever the day holds (see the pin below); one
# of them loads the second factor the session was verified with (django-otp), one records the
# read of the visits shown (a single INSERT however many).
DAY_VIEW_QUERIES = 8


# --- Staff: the schedule ------------------------------------------------------------------------


def test_the_day_view_shows_each_therapists_appointments(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient, "blood_thinners")
    booked = book(schedule, at=schedule.at(9))
    gone = book(schedule, patient=p.other_patient, type=schedule.evaluation, at=schedule.at(11))
    appointment_cancel(appointment=gone, reason="Ill", by=p.front_desk)
    again = book(
        schedule,
        patient=PatientFactory(preferred_clinic=p.stoughton),
        type=schedule.evaluation,
        at=schedule.at(11),
    )
    part_time = TherapistFactory(user__clinics=[p.stoughton], user__full_name="Zoe Young")
    WorkingHours.objects.create(
        therapist=part_time, clinic=p.stoughton, weekday=0, starts=dt.time(9), ends=dt.time(12)
    )
    client.force_login(p.front_desk)

    response = client.get(f"{SCHEDULE}?day={schedule.day}")

    assert response.status_code == 200
    html = response.content.decode()
    assert [t.pk for t in response.context["therapists"]] == [p.therapist.pk, part_time.pk]
    assert f'href="/staff/patients/{p.patient.pk}/"' in html
    assert "9:00–9:45 AM" in html
    assert "Dry needling treatment · Room 1" in html
    assert "Blood thinners" in html
    assert "Cancelled" in html
    grid = response.context["grid"]
    cells = {row.time: row.cells[0] for row in grid if row.cells[0] is not None}
    assert [v.appointment for v in cells[dt.time(9)].visits] == [booked]
    assert cells[dt.time(9)].rowspan == 3
    # The cancelled visit and the one that took its time share one cell.
    assert {v.appointment for v in cells[dt.time(11)].visits} == {gone, again}
    assert response.context["count"] == 2
    # Rows span the working day; outside a therapist's hours the cells are marked off.
    assert (grid[0].time, grid[-1].time) == (dt.time(8), dt.time(15, 45))
    hours = {row.time: row.cells[1].working for row in grid}
    assert (hours[dt.time(8, 45)], hours[dt.time(9)], hours[dt.time(11, 45)]) == (False, True, True)
    assert hours[dt.time(12)] is False
    assert f"?day={schedule.day - dt.timedelta(days=1)}" in html
    assert f"?day={schedule.day + dt.timedelta(days=1)}" in html


def test_the_week_view_lists_appointments_by_therapist_and_day(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    book(schedule, at=schedule.at(9, days=2))
    client.force_login(p.admin)

    response = client.get(f"{SCHEDULE}?day={schedule.day + dt.timedelta(days=3)}&view=week")

    assert response.status_code == 200
    assert response.context["days"][0] == schedule.day
    [row] = response.context["rows"]
    assert [len(cell.visits) for cell in row.days] == [0, 0, 1, 0, 0, 0, 0]
    assert [cell.working for cell in row.days] == [True] * 5 + [False] * 2


def _busy_day(schedule, count: int) -> None:
    """count evaluations on schedule.day: four therapists, four rooms, a patient each."""
    p = schedule.practice
    for n in range(2):
        Room.objects.create(clinic=p.stoughton, name=f"Extra room {n}")
    therapists = [p.therapist]
    for _ in range(3):
        t = TherapistFactory(user__clinics=[p.stoughton])
        WorkingHours.objects.create(
            therapist=t, clinic=p.stoughton, weekday=0, starts=dt.time(8), ends=dt.time(16)
        )
        therapists.append(t)
    for n in range(count):
        book(
            schedule,
            patient=PatientFactory(preferred_clinic=p.stoughton),
            type=schedule.evaluation,
            therapist=therapists[n % 4],
            at=schedule.at(8 + n // 4),
        )


@pytest.mark.parametrize("count", [1, 20])
def test_the_day_view_makes_a_fixed_number_of_queries(
    client, schedule, count, django_assert_max_num_queries
):
    _busy_day(schedule, count)
    client.force_login(schedule.practice.front_desk)
    url = f"{SCHEDULE}?day={schedule.day}"
    client.get(url)  # the session and the user, loaded once

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    with django_assert_max_num_queries(DAY_VIEW_QUERIES):
        client.get(url)

    assert response.status_code == 200
    assert response.context["count"] == count
    assert len(queries) == DAY_VIEW_QUERIES


# --- Staff: booking, moving, cancelling, checking in --------------------------------------------


def test_the_front_desk_books_for_a_patient(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    AppointmentType.objects.create(
        clinic=p.stoughton,
        code="follow-up",
        name="Physical therapy follow-up",
        duration_minutes=45,
        bookable_online=False,
    )
    base = f"{SCHEDULE}book/"

    chooser = client.get(base + "?q=" + p.patient.last_name)
    assert chooser.status_code == 200
    assert f'href="?patient={p.patient.pk}"' in chooser.content.decode()

    kinds = client.get(f"{base}?patient={p.patient.pk}")
    assert kinds.context["stage"] == "type"
    assert "Physical therapy follow-up" in kinds.content.decode()

    query = {
        "patient": p.patient.pk,
        "type": "follow-up",
        "therapist": p.therapist.pk,
        "week": schedule.day.isoformat(),
    }
    times = client.get(base + "?" + urlencode(query))
    assert slot(schedule, 10) in offered(times)

    response = client.post(base + "?" + urlencode({**query, "slot": slot(schedule, 10)}))

    assert response.status_code == 302
    assert response["Location"] == f"{SCHEDULE}?day={schedule.day}"
    appointment = Appointment.objects.get()
    assert appointment.type.code == "follow-up"
    assert appointment.booked_by == p.front_desk
    assert appointment.starts_at == schedule.at(10)


def test_staff_book_only_patients_of_their_clinic(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    assert client.get(f"{SCHEDULE}book/?patient={p.other_patient.pk}").status_code == 404
    assert client.get(f"{SCHEDULE}book/?patient=nobody").status_code == 404


def test_dry_needling_for_an_unscreened_patient_sends_staff_to_screen(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    response = client.get(f"{SCHEDULE}book/?patient={p.patient.pk}&type=dry-needling")
    assert response.context["stage"] == "blocked"
    assert f'href="/staff/patients/{p.patient.pk}/screening/"' in response.content.decode()


def test_the_front_desk_moves_and_cancels(client, schedule):
    p = schedule.practice
    second = TherapistFactory(user__clinics=[p.stoughton])
    WorkingHours.objects.create(
        therapist=second, clinic=p.stoughton, weekday=1, starts=dt.time(9), ends=dt.time(12)
    )
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.front_desk)
    move = f"/staff/appointments/{appointment.pk}/move/"

    page = client.get(move + f"?from={schedule.day}")
    assert slot(schedule, 10, days=1, therapist=second) in offered(page)

    moved = client.post(
        move + f"?from={schedule.day}", {"slot": slot(schedule, 10, days=1, therapist=second)}
    )
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == schedule.at(10, days=1)
    assert appointment.therapist == second

    cancel = f"/staff/appointments/{appointment.pk}/cancel/"
    empty = client.post(cancel, {"reason": ""})
    assert empty.status_code == 400
    assert "Give a reason for the cancellation." in empty.content.decode()
    assert client.post(cancel, {"reason": "Patient called"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    # A cancelled appointment cannot be moved: said in words, not a server error.
    refused = client.post(move, {"slot": slot(schedule, 11, days=1, therapist=second)})
    assert refused.status_code == 409
    assert "cannot be moved" in refused.content.decode()


def test_check_in_and_complete_from_the_day_view(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    status = f"/staff/appointments/{appointment.pk}/status/"
    day = f"{SCHEDULE}?day={schedule.day}"

    with on_the_day(schedule):
        client.force_login(p.front_desk)  # a session lasts a working day: sign in that day
        response = client.post(status, {"action": "check_in", "next": day})
        assert response.status_code == 302 and response["Location"] == day
        appointment.refresh_from_db()
        assert appointment.status == Status.CHECKED_IN

        client.force_login(p.therapist.user)
        outside = client.post(status, {"action": "complete", "next": "https://elsewhere.example/"})
        assert outside["Location"] == f"/staff/appointments/{appointment.pk}/"
        appointment.refresh_from_db()
        assert appointment.status == Status.COMPLETED

        wrong = client.post(status, {"action": "check_in"})
    assert wrong.status_code == 409
    assert "Only a confirmed appointment can be marked checked in" in wrong.content.decode()


def test_therapists_check_in_and_complete_but_do_not_cancel_move_or_mark_no_shows(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.therapist.user)

    page = client.get(f"/staff/appointments/{appointment.pk}/")
    assert [a for a, _ in page.context["actions"]] == ["check_in"]
    assert "Cancel the appointment" not in page.content.decode()
    no_show = client.post(f"/staff/appointments/{appointment.pk}/status/", {"action": "no_show"})
    assert no_show.status_code == 403
    assert "Only the front desk or a clinic admin" in no_show.content.decode()
    assert (
        client.post(f"/staff/appointments/{appointment.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    assert client.get(f"/staff/appointments/{appointment.pk}/move/").status_code == 403
    assert client.get(f"{SCHEDULE}book/").status_code == 403
    assert client.get(f"{SCHEDULE}?day={schedule.day}").status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_staff_of_another_clinic_get_not_found(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    for outsider in (p.outsider, p.outsider_admin):
        client.force_login(outsider)
        assert client.get(SCHEDULE).status_code == 404
        assert client.get(f"{SCHEDULE}?view=week").status_code == 404
        assert client.get(f"{SCHEDULE}book/?patient={p.patient.pk}").status_code == 404
        base = f"/staff/appointments/{appointment.pk}/"
        assert client.get(base).status_code == 404
        assert client.post(base + "status/", {"action": "check_in"}).status_code == 404
        assert client.post(base + "cancel/", {"reason": "x"}).status_code == 404
        assert client.get(base + "move/").status_code == 404
        assert client.post(base + "move/", {"slot": slot(schedule, 11)}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED and appointment.starts_at == schedule.at(9)


def test_the_schedule_pages_link_to_each_other(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    html = client.get(SCHEDULE).content.decode()
    assert re.search(r'href="/staff/clinics/stoughton/schedule/book/"', html)
    assert (
        'href="/staff/clinics/stoughton/schedule/"'
        in client.get("/staff/clinics/stoughton/").content.decode()
    )
    client.force_login(p.patient.user)
    dashboard = client.get("/me/").content.decode()
    assert 'href="/book/online/"' in dashboard and 'href="/me/appointments/"' in dashboard
