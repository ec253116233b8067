"""The scheduling API: the same rules as the pages, with refusals as 4xx answers."""

import json

import pytest

from needlecare.scheduling.models import Appointment, Status

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def booking(schedule, **changes):
    body = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist_id": schedule.practice.therapist.pk,
        "starts_at": schedule.at(9).isoformat(),
        "planned_regions": ["neck"],
    }
    return {**body, **changes}


def availability(client, schedule, **params):
    query = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "first_day": schedule.day.isoformat(),
        "last_day": schedule.day.isoformat(),
        **params,
    }
    return client.get("/api/scheduling/availability", query)


def test_a_patient_sees_free_times_and_books_one(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    slots = availability(client, schedule).json()
    assert slots[0]["start"] == schedule.at(8).isoformat()
    assert {s["therapist"] for s in slots} == {"Dana Reyes"}
    created = post(client, "/api/scheduling/appointments", booking(schedule))
    assert created.status_code == 201
    assert created.json()["precautions"] == []  # patients never see the therapist's notes
    mine = client.get("/api/scheduling/mine").json()
    assert [a["id"] for a in mine] == [created.json()["id"]]
    after = availability(client, schedule).json()
    assert schedule.at(9).isoformat() not in {s["start"] for s in after}


def test_a_taken_time_is_a_409_with_a_message(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    post(client, "/api/scheduling/appointments", booking(schedule))
    again = post(client, "/api/scheduling/appointments", booking(schedule))
    assert again.status_code == 409
    assert "not free" in again.json()["detail"]


def test_an_unscreened_patient_is_refused_with_the_reason(client, schedule):
    client.force_login(schedule.practice.patient.user)
    response = post(client, "/api/scheduling/appointments", booking(schedule))
    assert response.status_code == 409
    assert "no current safety screening" in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_a_patient_cannot_book_for_someone_else(client, schedule):
    schedule.screen(schedule.practice.other_patient)
    client.force_login(schedule.practice.patient.user)
    body = booking(schedule, patient_id=schedule.practice.other_patient.pk)
    assert post(client, "/api/scheduling/appointments", body).status_code == 404


def test_patients_cannot_book_types_that_are_not_online(client, schedule):
    schedule.evaluation.bookable_online = False
    schedule.evaluation.save()
    client.force_login(schedule.practice.patient.user)
    body = booking(schedule, type="initial-evaluation", planned_regions=[])
    assert post(client, "/api/scheduling/appointments", body).status_code == 404


def test_front_desk_books_moves_and_cancels_for_their_clinic(client, schedule):
    schedule.screen()
    p = schedule.practice
    client.force_login(p.front_desk)
    created = post(
        client, "/api/scheduling/appointments", booking(schedule, patient_id=p.patient.pk)
    )
    assert created.status_code == 201
    assert created.json()["precautions"] == []
    pk = created.json()["id"]
    moved = post(
        client,
        f"/api/scheduling/appointments/{pk}/reschedule",
        {"starts_at": schedule.at(11).isoformat()},
    )
    assert moved.status_code == 200 and moved.json()["starts_at"] == schedule.at(11).isoformat()
    day = client.get(
        "/api/scheduling/clinics/stoughton/appointments", {"day": schedule.day.isoformat()}
    ).json()
    assert [a["id"] for a in day] == [pk]
    cancelled = post(client, f"/api/scheduling/appointments/{pk}/cancel", {"reason": "Snow"})
    assert cancelled.json()["status"] == Status.CANCELLED


def test_staff_of_another_clinic_cannot_see_or_touch_appointments(client, schedule):
    schedule.screen()
    p = schedule.practice
    client.force_login(p.patient.user)
    pk = post(client, "/api/scheduling/appointments", booking(schedule)).json()["id"]
    client.force_login(p.outsider)
    assert (
        post(client, f"/api/scheduling/appointments/{pk}/cancel", {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.get(
            "/api/scheduling/clinics/stoughton/appointments", {"day": schedule.day.isoformat()}
        ).status_code
        == 404
    )
    assert (
        post(
            client, "/api/scheduling/appointments", booking(schedule, patient_id=p.patient.pk)
        ).status_code
        == 404
    )


def test_a_patient_cannot_cancel_another_patients_appointment(client, schedule):
    schedule.screen()
    p = schedule.practice
    client.force_login(p.patient.user)
    pk = post(client, "/api/scheduling/appointments", booking(schedule)).json()["id"]
    client.force_login(p.other_patient.user)
    assert (
        post(client, f"/api/scheduling/appointments/{pk}/cancel", {"reason": "x"}).status_code
        == 404
    )
    assert Appointment.objects.get(pk=pk).status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"last_day": "2000-01-01"}, "before"),
        ({"first_day": "2000-01-01"}, "at most 31 days"),
        ({"first_day": "yesterday"}, "Invalid input"),
    ],
)
def test_bad_availability_questions_get_400s(client, schedule, params, message):
    client.force_login(schedule.practice.patient.user)
    response = availability(client, schedule, **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_anonymous_callers_are_refused(client, schedule):
    assert availability(client, schedule).status_code == 401
    assert post(client, "/api/scheduling/appointments", booking(schedule)).status_code == 401
