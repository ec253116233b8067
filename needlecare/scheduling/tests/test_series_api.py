"""The courses-of-care API: a course booked in one call, a 409 that names the visits not free
with the nearest free starts, and the rest of a course cancelled; front desk and admins only."""

import datetime as dt
import json

import pytest

from needlecare.clinics.models import Closure
from needlecare.scheduling.models import Appointment, Status

pytestmark = pytest.mark.django_db
SERIES = "/api/scheduling/series"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def course(schedule, **changes):
    p = schedule.practice
    body = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "patient_id": p.patient.pk,
        "therapist_id": p.therapist.pk,
        "first_start": schedule.at(9).isoformat(),
        "every_days": 7,
        "count": 4,
        "planned_regions": ["neck"],
    }
    return {**body, **changes}


def test_the_front_desk_books_a_course_in_one_call(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.front_desk)
    created = post(client, SERIES, course(schedule))
    assert created.status_code == 201
    body = created.json()
    assert [a["starts_at"] for a in body["appointments"]] == [
        schedule.at(9, days=7 * n).isoformat() for n in range(4)
    ]
    assert {str(a.series) for a in Appointment.objects.all()} == {body["series"]}


def test_a_visit_not_free_is_a_409_naming_it_and_the_alternative_books_it(client, schedule):
    p = schedule.practice
    schedule.screen()
    holiday = schedule.day + dt.timedelta(days=7)
    Closure.objects.create(clinic=p.stoughton, starts_on=holiday, ends_on=holiday)
    client.force_login(p.admin)

    refused = post(client, SERIES, course(schedule, therapist_id=None))

    assert refused.status_code == 409
    answer = refused.json()
    assert answer["code"] == "series.not_free"
    [conflict] = answer["details"]["conflicts"]
    assert conflict["visit"] == 2 and conflict["reason"] == "closed"
    nearest = conflict["alternatives"][0]
    assert nearest["starts_at"] == schedule.at(9, days=8).isoformat()
    assert not Appointment.objects.exists()

    change = {"visit": 2, "starts_at": nearest["starts_at"], "therapist_id": None}
    created = post(client, SERIES, course(schedule, therapist_id=None, changes=[change]))
    assert created.status_code == 201
    assert created.json()["appointments"][1]["starts_at"] == schedule.at(9, days=8).isoformat()


def test_only_the_desk_books_a_course_and_only_for_its_own_patients(client, schedule):
    p = schedule.practice
    schedule.screen()
    client.force_login(p.patient.user)
    assert post(client, SERIES, course(schedule)).status_code == 401
    client.force_login(p.therapist.user)
    assert post(client, SERIES, course(schedule)).status_code == 401
    client.force_login(p.outsider)
    assert post(client, SERIES, course(schedule)).status_code == 404
    client.force_login(p.front_desk)
    other = post(client, SERIES, course(schedule, patient_id=p.other_patient.pk))
    assert other.status_code == 404
    invalid = post(client, SERIES, course(schedule, count=1))
    assert invalid.status_code == 400
    assert not Appointment.objects.exists()


def test_the_rest_of_a_course_is_cancelled_in_one_call(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.front_desk)
    booked = post(client, SERIES, course(schedule)).json()["appointments"]
    url = f"/api/scheduling/appointments/{booked[1]['id']}/cancel-rest"

    cancelled = post(client, url, {"reason": "Discharged"})

    assert cancelled.status_code == 200
    assert [a["id"] for a in cancelled.json()] == [a["id"] for a in booked[1:]]
    assert {a["cancelled_by"] for a in cancelled.json()} == {"clinic"}
    assert Appointment.objects.get(pk=booked[0]["id"]).status == Status.CONFIRMED
    again = post(client, url, {"reason": "Discharged"})
    assert again.status_code == 400 and again.json()["code"] == "series.nothing_left"
