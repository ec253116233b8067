"""The attendance rules on the pages, as a patient and the front desk meet them: inside the clinic's
late-cancellation window the patient is told to call (nothing offered, a POST refused with 409),
staff say whether it is a late cancellation or the clinic's; nobody changes a visit after its
start; check-in, no-show and completion open when the rules say and the page says when; the
patient record counts attendance, and a patient who keeps missing visits books requests."""

import contextlib
import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine

from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import Appointment, CancelledBy, Status
from needlecare.scheduling.services import appointment_cancel, appointment_transition
from needlecare.web.tests.booking_helpers import MINE, book, offered, slot
from needlecare.web.tests.charting_helpers import text

pytestmark = pytest.mark.django_db

CALL = "Call Stoughton at 781-436-0391 to change this visit"
WINDOW = f"This visit starts within 24 hours, so it can no longer be changed online. {CALL}."
STARTED = "This visit started at 9:00 AM: a visit cannot be cancelled or moved once it has started."
A_DAY = dt.timedelta(hours=24)
SECOND = dt.timedelta(seconds=1)


@contextlib.contextmanager
def at(moment: dt.datetime, client, user):  # type: ignore[no-untyped-def]
    """At a moment (the clock stopped), signed in then: a session lasts a working day."""
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        yield client


def visit(schedule, hour: int = 9, **kwargs) -> Appointment:  # type: ignore[no-untyped-def]
    return book(schedule, type=schedule.evaluation, at=schedule.at(hour), **kwargs)


def unchanged(appointment: Appointment) -> None:
    before = (appointment.status, appointment.starts_at, appointment.cancel_reason)
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at, appointment.cancel_reason) == before
    assert before[0] == Status.CONFIRMED


def mine(a: Appointment, step: str) -> str:
    return f"/me/appointments/{a.pk}/{step}/"


def staff_url(a: Appointment, step: str = "") -> str:
    return f"/staff/appointments/{a.pk}/" + (f"{step}/" if step else "")


def day_words(schedule, days: int = 0) -> str:  # type: ignore[no-untyped-def]
    day = schedule.day + dt.timedelta(days=days)
    return f"{day:%A, %B} {day.day}"


# --- The patient: cancelling and moving inside the window ---------------------------------------


def test_inside_the_window_the_patients_page_offers_no_cancel_and_says_whom_to_call(
    client, schedule
):
    appointment = visit(schedule)
    patient = schedule.practice.patient.user

    with at(schedule.at(9) - A_DAY, client, patient):
        inside = client.get(MINE)
    [row] = inside.context["upcoming"]
    assert row.cancel_form is None and row.refusal == WINDOW
    assert WINDOW in text(inside)
    html = inside.content.decode()
    assert f'action="{mine(appointment, "cancel")}"' not in html
    assert f'href="{mine(appointment, "move")}"' not in html

    with at(schedule.at(9) - A_DAY - SECOND, client, patient):
        before = client.get(MINE)
    [row] = before.context["upcoming"]
    assert row.cancel_form is not None and row.refusal == ""
    assert CALL not in text(before)
    html = before.content.decode()
    assert f'action="{mine(appointment, "cancel")}"' in html
    assert f'href="{mine(appointment, "move")}"' in html


def test_a_patient_cancelling_inside_the_window_is_refused_and_told_to_call(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(9) - A_DAY, client, schedule.practice.patient.user):
        response = client.post(mine(appointment, "cancel"), {"reason": "Feeling better"})
        no_reason = client.post(mine(appointment, "cancel"), {"reason": ""})
    assert response.status_code == 409
    assert CALL in text(response)
    assert response.context["stray_errors"] == [WINDOW]
    # Without a reason the page still says why, not that a reason is missing: there is no form.
    assert no_reason.status_code == 400
    assert no_reason.context["stray_errors"] == [WINDOW]
    assert "Give a reason" not in text(no_reason)
    unchanged(appointment)


def test_inside_the_window_the_move_page_offers_no_times_and_a_move_is_refused(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(9) - A_DAY, client, schedule.practice.patient.user):
        page = client.get(mine(appointment, "move"))
        posted = client.post(mine(appointment, "move"), {"slot": slot(schedule, 11, days=1)})
    assert page.status_code == 200
    assert page.context["changeable"] is False and "days" not in page.context
    assert WINDOW in text(page)
    assert 'name="slot"' not in page.content.decode()
    assert posted.status_code == 409
    assert CALL in text(posted)
    unchanged(appointment)

    # A second earlier, the same page offers times and the move goes through.
    with at(schedule.at(9) - A_DAY - SECOND, client, schedule.practice.patient.user):
        times = client.get(mine(appointment, "move"))
        assert slot(schedule, 11, days=1) in offered(times)
        moved = client.post(mine(appointment, "move"), {"slot": slot(schedule, 11, days=1)})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == schedule.at(11, days=1)


def test_without_a_window_the_patient_changes_a_visit_online_until_it_starts(client, schedule):
    p = schedule.practice
    p.stoughton.late_cancel_hours = 0
    p.stoughton.save()
    appointment = visit(schedule)
    with at(schedule.at(9) - SECOND, client, p.patient.user):
        page = client.get(MINE)
        cancelled = client.post(mine(appointment, "cancel"), {"reason": "Running late"})
    [row] = page.context["upcoming"]
    assert row.cancel_form is not None and row.refusal == ""
    assert CALL not in text(page)
    assert cancelled.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == (Status.CANCELLED, CancelledBy.PATIENT)

    other = visit(schedule, 11)
    with at(schedule.at(11) - SECOND, client, p.front_desk):
        staff_page = client.get(staff_url(other))
    assert staff_page.context["window_note"] == ""
    assert staff_page.context["cancel_form"].fields["kind"].required is False


# --- The front desk: a late cancellation, or the clinic's ---------------------------------------


def test_staff_inside_the_window_must_say_late_cancellation_or_the_clinics(client, schedule):
    late, clinics, kept = visit(schedule, 9), visit(schedule, 11), visit(schedule, 13)
    with at(schedule.at(8), client, schedule.practice.front_desk):
        page = client.get(staff_url(late))
        missing = client.post(staff_url(late, "cancel"), {"reason": "Called in"})
        unchanged(late)
        by_patient = client.post(
            staff_url(late, "cancel"), {"reason": "Overslept", "kind": "patient"}, follow=True
        )
        by_clinic = client.post(staff_url(clinics, "cancel"), {"reason": "Ill", "kind": "clinic"})
        # The front desk still moves a visit inside the window (the patient called).
        moved = client.post(staff_url(kept, "move"), {"slot": slot(schedule, 10, days=1)})

    field = page.context["cancel_form"].fields["kind"]
    assert field.required and [value for value, _ in field.choices] == ["patient", "clinic"]
    words = text(page)
    assert "A late cancellation (the patient called it off)" in words
    assert "Cancelled by the clinic" in words
    assert "This visit starts at 9:00 AM, inside Stoughton's late-cancellation window" in words

    assert missing.status_code == 400
    assert "Choose a late cancellation or cancelled by the clinic." in text(missing)

    assert by_patient.redirect_chain[-1][1] == 302
    assert "cancelled, recorded as a late cancellation" in text(by_patient)
    late.refresh_from_db()
    assert (late.status, late.cancelled_by) == (Status.LATE_CANCELLED, CancelledBy.PATIENT)
    assert by_clinic.status_code == 302
    clinics.refresh_from_db()
    assert (clinics.status, clinics.cancelled_by) == (Status.CANCELLED, CancelledBy.CLINIC)
    assert moved.status_code == 302
    kept.refresh_from_db()
    assert (kept.status, kept.starts_at) == (Status.CONFIRMED, schedule.at(10, days=1))


def test_staff_outside_the_window_need_not_say_who_called_it_off(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(9) - A_DAY - SECOND, client, schedule.practice.front_desk):
        page = client.get(staff_url(appointment))
        done = client.post(staff_url(appointment, "cancel"), {"reason": "Rebooking"})
    assert page.context["cancel_form"].fields["kind"].required is False
    assert "The late-cancellation window opens at 9:00 AM" in text(page)
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == (Status.CANCELLED, CancelledBy.CLINIC)


# --- After the start nobody changes a visit -----------------------------------------------------


def test_after_the_start_nobody_cancels_or_moves_through_the_pages(client, schedule):
    appointment = visit(schedule)
    p = schedule.practice
    with at(schedule.at(9, 5), client, p.patient.user):
        listed = client.get(MINE)
        cancel = client.post(mine(appointment, "cancel"), {"reason": "Stuck in traffic"})
        move_page = client.get(mine(appointment, "move"))
        move = client.post(mine(appointment, "move"), {"slot": slot(schedule, 11, days=1)})
    [row] = listed.context["upcoming"]
    assert row.cancel_form is None and row.refusal == STARTED
    assert STARTED in text(listed)
    assert cancel.status_code == 409 and STARTED in text(cancel)
    assert move_page.context["changeable"] is False and STARTED in text(move_page)
    assert move.status_code == 409 and STARTED in text(move)

    with at(schedule.at(9, 5), client, p.front_desk):
        page = client.get(staff_url(appointment))
        staff_cancel = client.post(
            staff_url(appointment, "cancel"), {"reason": "x", "kind": "clinic"}
        )
        no_reason = client.post(staff_url(appointment, "cancel"), {"reason": "", "kind": "clinic"})
        staff_move_page = client.get(staff_url(appointment, "move"))
        staff_move = client.post(staff_url(appointment, "move"), {"slot": slot(schedule, 11)})
    assert page.context["changeable"] is False and page.context["started"] == STARTED
    assert STARTED in text(page)
    assert "Cancel the appointment" not in text(page)
    assert staff_url(appointment, "move") not in page.content.decode()
    assert staff_cancel.status_code == 409 and STARTED in text(staff_cancel)
    assert "Cancel the appointment" not in text(staff_cancel)
    # An incomplete form says the same, not an empty error box.
    assert no_reason.status_code == 400 and STARTED in text(no_reason)
    assert staff_move_page.context["changeable"] is False and STARTED in text(staff_move_page)
    assert staff_move.status_code == 409 and STARTED in text(staff_move)
    unchanged(appointment)


# --- Check-in, no-show and completion -----------------------------------------------------------


def test_check_in_opens_on_the_visits_day_and_the_page_says_so(client, schedule):
    appointment = visit(schedule)
    opens = f"Check-in opens on the day of the visit, {day_words(schedule)}."
    with at(schedule.at(23, 59, days=-1), client, schedule.practice.front_desk):
        page = client.get(staff_url(appointment))
        early = client.post(staff_url(appointment, "status"), {"action": "check_in"})
    assert opens in page.context["not_yet"]
    assert opens in text(page)
    assert early.status_code == 409
    assert opens in text(early)
    unchanged(appointment)

    with at(schedule.at(0), client, schedule.practice.front_desk):
        page = client.get(staff_url(appointment))
        done = client.post(staff_url(appointment, "status"), {"action": "check_in"})
    assert opens not in text(page)
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN


def test_a_no_show_is_marked_from_the_start_plus_the_grace(client, schedule):
    appointment = visit(schedule)
    words = "A no-show can be marked from 9:15 AM, fifteen minutes after the visit starts."
    with at(schedule.at(9, 15) - SECOND, client, schedule.practice.front_desk):
        page = client.get(staff_url(appointment))
        early = client.post(staff_url(appointment, "status"), {"action": "no_show"})
    assert page.context["not_yet"] == [words]
    assert early.status_code == 409 and words in text(early)
    unchanged(appointment)

    with at(schedule.at(9, 15), client, schedule.practice.front_desk):
        page = client.get(staff_url(appointment))
        marked = client.post(staff_url(appointment, "status"), {"action": "no_show"})
    assert page.context["not_yet"] == []
    assert marked.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW


def test_a_visit_is_completed_only_after_check_in(client, schedule):
    appointment = visit(schedule)
    therapist = schedule.practice.therapist.user
    with at(schedule.at(16, days=-1), client, therapist):
        day_before = client.post(staff_url(appointment, "status"), {"action": "complete"})
    assert day_before.status_code == 409
    assert (
        "A visit is completed after the patient is checked in: check-in opens on the day of the "
        f"visit, {day_words(schedule)}."
    ) in text(day_before)
    with at(schedule.at(8, 50), client, therapist):
        early = client.post(staff_url(appointment, "status"), {"action": "complete"})
        unchanged(appointment)
        assert client.post(staff_url(appointment, "status"), {"action": "check_in"}).status_code
        done = client.post(staff_url(appointment, "status"), {"action": "complete"})
    assert early.status_code == 409
    assert (
        "A visit is completed after the patient is checked in: check the patient in first."
        in text(early)
    )
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED


# --- Attendance history --------------------------------------------------------------------------


def _a_mixed_year(schedule) -> None:  # type: ignore[no-untyped-def]
    """On the schedule's Monday: one attended (completed), one checked in, one cancelled in good
    time, one cancelled late, two missed."""
    p = schedule.practice
    desk = p.front_desk
    attended, checked_in, cancelled, late, missed, missed_too = (
        visit(schedule, h) for h in (8, 9, 10, 11, 13, 14)
    )
    appointment_cancel(appointment=cancelled, reason="Away", by=p.patient.user)
    with time_machine.travel(schedule.at(7), tick=False):
        appointment_cancel(appointment=late, reason="Overslept", by=desk, kind="patient")
        appointment_transition(appointment=attended, action="check_in", by=desk)
        appointment_transition(appointment=checked_in, action="check_in", by=desk)
    with time_machine.travel(schedule.at(15), tick=False):
        appointment_transition(appointment=attended, action="complete", by=desk)
        for appointment in (missed, missed_too):
            appointment_transition(appointment=appointment, action="no_show", by=desk)


@pytest.mark.parametrize(("limit", "requests_only"), [(0, False), (2, True), (3, False)])
def test_the_record_shows_a_years_attendance_and_when_bookings_are_requests(
    client, schedule, limit, requests_only
):
    p = schedule.practice
    p.stoughton.no_shows_before_requests = limit
    p.stoughton.save()
    _a_mixed_year(schedule)
    with at(schedule.at(18), client, p.front_desk):
        page = client.get(f"/staff/patients/{p.patient.pk}/")
    assert page.status_code == 200
    counts = page.context["attendance"]
    assert [counts.attended, counts.cancelled, counts.late_cancelled, counts.no_show] == [
        2,
        1,
        1,
        2,
    ]
    card = re.search(
        r"Attended (\d+) Cancelled (\d+) Late cancellations (\d+) No-shows (\d+)", text(page)
    )
    assert card is not None and card.groups() == ("2", "1", "1", "2")
    line = (
        f"Requests only After 2 no-shows in 12 months, {p.patient.first_name}'s online bookings "
        "at Stoughton are requests for the front desk to confirm."
    )
    assert (line in text(page)) is requests_only
    assert (page.context["requests_only"] is not None) is requests_only


def test_a_patient_who_keeps_missing_visits_books_a_request_and_is_told_why(client, schedule):
    p = schedule.practice
    p.stoughton.no_shows_before_requests = 2
    p.stoughton.save()
    missed = [visit(schedule, 9), visit(schedule, 11)]
    with time_machine.travel(schedule.at(12), tick=False):
        for appointment in missed:
            appointment_transition(appointment=appointment, action="no_show", by=p.front_desk)
    reason = (
        "After two missed visits in the last 12 months, Stoughton confirms your online bookings "
        "itself: this booking is a request, and Stoughton will confirm it or call you."
    )
    choices = {
        "clinic": "stoughton",
        "type": "initial-evaluation",
        "therapist": "any",
        "week": schedule.day.isoformat(),
        "slot": slot(schedule, 10, days=1),
    }
    with at(schedule.at(13), client, p.patient.user):
        booked = client.post("/book/online/?" + urlencode(choices), follow=True)
    assert booked.redirect_chain == [(MINE, 302)]
    appointment = Appointment.objects.get(starts_at=schedule.at(10, days=1))
    assert appointment.status == Status.REQUESTED
    assert appointment.patient == p.patient
    [row] = booked.context["upcoming"]
    assert row.appointment == appointment and row.request_reason == reason
    words = text(booked)
    assert "Your request for initial evaluation with Dana Reyes at Stoughton" in words
    assert words.count(reason) == 2  # the message just after booking, and next to the visit

    # Another patient, who came to every visit, books straight away.
    other = PatientFactory(preferred_clinic=p.stoughton)
    with at(schedule.at(13), client, other.user):
        fine = client.post(
            "/book/online/?" + urlencode({**choices, "slot": slot(schedule, 12, days=1)})
        )
    assert fine.status_code == 302
    assert Appointment.objects.get(patient=other).status == Status.CONFIRMED
