"""The attendance rules through the API: each refusal a 409 with its code and words, the
attendance actions for staff of the visit's clinic (anyone else: not found)."""

import contextlib
import datetime as dt
import json

import pytest
import time_machine

from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.services import appointment_book

pytestmark = pytest.mark.django_db

CALL = "Call Stoughton at 781-436-0391 to change this visit"


def visit(schedule, at=None) -> Appointment:  # type: ignore[no-untyped-def]
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=at or schedule.at(9),
        booked_by=p.front_desk,
    )


def post(client, url, body=None):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def url(appointment: Appointment, action: str) -> str:
    return f"/api/scheduling/appointments/{appointment.pk}/{action}"


def refusal(response) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    body = response.json()
    return response.status_code, body.get("code"), body["detail"]


@contextlib.contextmanager
def at(moment: dt.datetime, client=None, user=None):  # type: ignore[no-untyped-def]
    """At a moment (the clock stopped), signed in then: a session lasts a working day."""
    with time_machine.travel(moment, tick=False):
        if user is not None:
            client.force_login(user)
        yield


def day_words(schedule) -> str:  # type: ignore[no-untyped-def]
    return f"{schedule.day:%A, %B} {schedule.day.day}"


# --- Cancelling and moving ------------------------------------------------------------------------


def test_inside_the_window_a_patient_is_told_to_call_the_clinic(client, schedule):
    appointment = visit(schedule)
    user = schedule.practice.patient.user
    with at(schedule.at(9) - dt.timedelta(hours=24), client, user):
        cancel = post(client, url(appointment, "cancel"), {"reason": "Better"})
        move = post(
            client, url(appointment, "reschedule"), {"starts_at": schedule.at(11).isoformat()}
        )
    for response in (cancel, move):
        assert refusal(response) == (409, "appointment.late_cancel_window", CALL)
    assert cancel.json()["details"]["late_cancel_hours"] == 24
    assert cancel.json()["details"]["window_opened_at"] == (
        (schedule.at(9) - dt.timedelta(hours=24)).isoformat()
    )
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CONFIRMED


def test_a_second_before_the_window_the_patient_cancels_online(client, schedule):
    appointment = visit(schedule)
    user = schedule.practice.patient.user
    with at(schedule.at(9) - dt.timedelta(hours=24, seconds=1), client, user):
        response = post(client, url(appointment, "cancel"), {"reason": "Better"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancelled_by"]) == ("cancelled", "patient")


def test_staff_inside_the_window_choose_late_cancellation_or_the_clinics(client, schedule):
    unsaid, late, clinic = (visit(schedule, schedule.at(h)) for h in (9, 11, 13))
    with at(schedule.at(8), client, schedule.practice.front_desk):
        missing = post(client, url(unsaid, "cancel"), {"reason": "Called"})
        patients = post(client, url(late, "cancel"), {"reason": "Called", "kind": "patient"})
        clinics = post(client, url(clinic, "cancel"), {"reason": "Ill", "kind": "clinic"})
        bad = post(client, url(unsaid, "cancel"), {"reason": "Called", "kind": "late"})
    assert missing.status_code == 400
    assert missing.json()["code"] == "appointment.late_cancel_kind"
    assert missing.json()["field"] == "kind"
    assert (patients.json()["status"], patients.json()["cancelled_by"]) == (
        "late_cancelled",
        "patient",
    )
    assert (clinics.json()["status"], clinics.json()["cancelled_by"]) == ("cancelled", "clinic")
    assert bad.status_code == 400  # not one of the two


def test_a_patient_cannot_call_their_cancellation_the_clinics(client, schedule):
    appointment = visit(schedule)
    client.force_login(schedule.practice.patient.user)
    response = post(client, url(appointment, "cancel"), {"reason": "x", "kind": "clinic"})
    assert refusal(response)[:2] == (403, "appointment.cancel_kind_not_allowed")


def test_nobody_cancels_or_moves_after_the_start(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(9), client, schedule.practice.front_desk):
        cancel = post(client, url(appointment, "cancel"), {"reason": "x", "kind": "clinic"})
        move = post(
            client, url(appointment, "reschedule"), {"starts_at": schedule.at(11).isoformat()}
        )
    words = (
        "This visit started at 9:00 AM: a visit cannot be cancelled or moved once it has started."
    )
    assert refusal(cancel) == (409, "appointment.started", words)
    assert refusal(move) == (409, "appointment.started", words)


def test_a_cancelled_visit_cannot_be_cancelled_again(client, schedule):
    appointment = visit(schedule)
    client.force_login(schedule.practice.front_desk)
    assert post(client, url(appointment, "cancel"), {"reason": "x"}).status_code == 200
    again = post(client, url(appointment, "cancel"), {"reason": "x"})
    assert refusal(again) == (
        409,
        "appointment.not_changeable",
        "A cancelled appointment cannot be cancelled.",
    )


# --- Check-in, no-show, complete ----------------------------------------------------------------


def test_check_in_opens_on_the_visits_day(client, schedule):
    appointment = visit(schedule)
    desk = schedule.practice.front_desk
    with at(schedule.at(23, 59, days=-1), client, desk):
        early = post(client, url(appointment, "check-in"))
    words = f"Check-in opens on the day of the visit, {day_words(schedule)}."
    assert refusal(early) == (409, "appointment.check_in_day", words)
    with at(schedule.at(0), client, desk):
        done = post(client, url(appointment, "check-in"))
        twice = post(client, url(appointment, "check-in"))
    assert done.status_code == 200 and done.json()["status"] == "checked_in"
    assert refusal(twice)[:2] == (409, "appointment.wrong_status")


def test_a_no_show_opens_fifteen_minutes_after_the_start(client, schedule):
    appointment = visit(schedule)
    desk = schedule.practice.front_desk
    with at(schedule.at(9, 15) - dt.timedelta(seconds=1), client, desk):
        early = post(client, url(appointment, "no-show"))
    assert refusal(early) == (
        409,
        "appointment.no_show_too_early",
        "A no-show can be marked from 9:15 AM, fifteen minutes after the visit starts.",
    )
    assert early.json()["details"]["opens_at"] == schedule.at(9, 15).isoformat()
    with at(schedule.at(9, 15), client, desk):
        marked = post(client, url(appointment, "no-show"))
    assert marked.status_code == 200 and marked.json()["status"] == "no_show"


def test_a_visit_is_completed_after_check_in(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(8, 50), client, schedule.practice.therapist.user):
        early = post(client, url(appointment, "complete"))
        assert post(client, url(appointment, "check-in")).status_code == 200
        done = post(client, url(appointment, "complete"))
    assert refusal(early) == (
        409,
        "appointment.not_checked_in",
        "A visit is completed after the patient is checked in: check the patient in first.",
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"


@pytest.mark.parametrize("action", ["check-in", "no-show", "complete"])
def test_attendance_is_for_the_visits_clinic_only(client, schedule, action):
    appointment = visit(schedule)
    p = schedule.practice
    assert post(client, url(appointment, action)).status_code == 401
    for someone in (p.patient.user, p.outsider, p.other_patient.user):
        with at(schedule.at(10), client, someone):
            response = post(client, url(appointment, action))
        assert response.status_code == 404, someone
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CONFIRMED


def test_a_therapist_asks_the_desk_to_mark_a_no_show(client, schedule):
    appointment = visit(schedule)
    with at(schedule.at(10), client, schedule.practice.therapist.user):
        response = post(client, url(appointment, "no-show"))
    assert refusal(response)[:2] == (403, "appointment.action_not_allowed")
