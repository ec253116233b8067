"""Idempotency-Key on API POSTs: a retry answers the first result instead of acting twice."""

import datetime as dt
import json

import pytest

from needlecare.idempotency.keys import expired
from needlecare.idempotency.models import IdempotencyKey
from needlecare.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

BOOK = "/api/scheduling/appointments"


def post(client, body, key=None):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(
        BOOK, data=json.dumps(body), content_type="application/json", headers=headers
    )


def booking(schedule, hour=9, **changes):
    body = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist_id": schedule.practice.therapist.pk,
        "starts_at": schedule.at(hour).isoformat(),
        "planned_regions": ["neck"],
    }
    return {**body, **changes}


def test_a_retry_with_the_same_key_answers_the_same_appointment_and_books_nothing(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    first = post(client, booking(schedule), key="book-1")
    again = post(client, booking(schedule), key="book-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().pk == first.json()["id"]


def test_the_same_key_with_another_body_is_a_409_and_books_nothing(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    assert post(client, booking(schedule), key="book-1").status_code == 201
    other = post(client, booking(schedule, hour=10), key="book-1")
    assert other.status_code == 409
    assert "different request" in other.json()["detail"]
    assert Appointment.objects.count() == 1


def test_another_users_same_key_is_their_own(client, schedule):
    practice = schedule.practice
    schedule.screen()
    client.force_login(practice.patient.user)
    mine = post(client, booking(schedule), key="shared-key")
    client.force_login(practice.front_desk)
    theirs = post(client, booking(schedule, hour=10, patient_id=practice.patient.pk), "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Appointment.objects.count() == 2


def test_without_a_key_two_posts_act_twice_as_before(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    assert post(client, booking(schedule)).status_code == 201
    assert post(client, booking(schedule)).status_code == 409  # the time is taken now
    assert not IdempotencyKey.objects.exists()


def test_a_refusal_is_not_kept_so_the_key_may_try_again(client, schedule):
    client.force_login(schedule.practice.patient.user)
    refused = post(client, booking(schedule), key="book-1")
    assert refused.status_code == 409  # no safety screening yet
    assert not IdempotencyKey.objects.exists()
    schedule.screen()
    assert post(client, booking(schedule), key="book-1").status_code == 201
    assert Appointment.objects.count() == 1


def test_a_key_older_than_a_day_is_forgotten(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    assert post(client, booking(schedule), key="old").status_code == 201
    IdempotencyKey.objects.update(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    later = post(client, booking(schedule, hour=10), key="old")
    assert later.status_code == 201
    assert "Idempotent-Replayed" not in later
    assert Appointment.objects.count() == 2


def _stale(scope):
    row = IdempotencyKey.objects.create(scope=scope, key="stale", fingerprint="x", status=201)
    IdempotencyKey.objects.filter(pk=row.pk).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    )


def test_expired_keys_are_swept_after_a_post_when_a_sweep_is_due(client, schedule, monkeypatch):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    monkeypatch.setattr(expired, "next_at", 0.0)  # a sweep is due
    _stale("user:999")
    assert post(client, booking(schedule), key="first").status_code == 201
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"first"}
    # Within PURGE_EVERY of that sweep the next POST leaves expired keys for the next one...
    _stale("user:998")
    assert post(client, booking(schedule, hour=10), key="second").status_code == 201
    assert IdempotencyKey.objects.filter(key="stale").count() == 1
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    ("key", "problem"),
    [("k" * 256, "longer than 255"), ("", "empty"), ("caf\u00e9", "printable ASCII")],
)
def test_a_bad_key_is_a_400_with_the_reason(client, schedule, key, problem):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    response = post(client, booking(schedule), key=key)
    assert response.status_code == 400
    assert problem in response.json()["detail"]
    assert not Appointment.objects.exists()


def test_a_key_of_255_printable_characters_is_accepted(client, schedule):
    schedule.screen()
    client.force_login(schedule.practice.patient.user)
    key = ("A-z 0~9!" * 40)[:255]
    assert post(client, booking(schedule), key=key).status_code == 201
    assert post(client, booking(schedule), key=key)["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1


def test_a_charting_create_is_replayed_too(client, schedule):
    patient = schedule.practice.patient
    client.force_login(patient.user)
    url = f"/api/charting/patients/{patient.pk}/measures"
    body = json.dumps({"instrument": "nprs", "answers": {"pain": 4}})
    first = client.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "m"}
    )
    again = client.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "m"}
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert patient.measures.count() == 1


def test_anonymous_keys_are_per_client_address(client):
    url = "/api/screening/evaluate"
    body = json.dumps({"planned_regions": ["neck"], "conditions": [], "physician_clearances": []})
    first = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "anon"},
        REMOTE_ADDR="203.0.113.5",
    )
    again = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "anon"},
        REMOTE_ADDR="203.0.113.5",
    )
    elsewhere = client.post(
        url,
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "anon"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert first.status_code == again.status_code == elsewhere.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in elsewhere
    assert set(IdempotencyKey.objects.values_list("scope", flat=True)) == {
        "addr:203.0.113.5",
        "addr:198.51.100.7",
    }
