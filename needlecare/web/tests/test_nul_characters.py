"""A NUL character anywhere a caller can type gets a 400 that says so, never a database error.

PostgreSQL cannot store NUL in text; on SQLite these requests would have passed silently.
"""

import pytest

from needlecare.api import api
from needlecare.common.schemas import NO_NUL, NUL_REFUSED

pytestmark = pytest.mark.django_db

AVAILABILITY = {
    "clinic": "stough\x00ton",
    "type": "dry-needling",
    "first_day": "2030-01-07",
    "last_day": "2030-01-08",
}


def refused(answer) -> bool:
    return answer.status_code == 400 and NUL_REFUSED in answer.json()["detail"]


def test_the_api_refuses_a_nul_in_a_query(practice, client):
    client.force_login(practice.patient.user)
    assert refused(client.get("/api/scheduling/availability", AVAILABILITY))


def test_the_api_refuses_a_nul_in_a_body_field_or_a_dictionary_key(visit, client):
    client.force_login(visit.practice.therapist.user)
    booking = {
        "clinic": "x\x00",
        "type": "dry-needling",
        "therapist_id": 1,
        "starts_at": "2030-01-07T09:00:00-05:00",
    }
    assert refused(
        client.post("/api/scheduling/appointments", booking, content_type="application/json")
    )
    measure = {"instrument": "nprs", "answers": {"pain\x00": 3}}
    patient = visit.practice.patient.pk
    address = f"/api/charting/patients/{patient}/measures"
    assert refused(client.post(address, measure, content_type="application/json"))


def test_the_api_refuses_a_nul_in_a_path_slug(practice, client):
    client.force_login(practice.front_desk)
    assert refused(client.get("/api/scheduling/clinics/stough%00ton/appointments?day=2030-01-07"))


def test_signing_in_comes_first(client):
    answer = client.get("/api/scheduling/availability", AVAILABILITY)
    assert answer.status_code == 401


def test_the_schema_says_text_may_not_carry_nul():
    schema = api.get_openapi_schema()
    availability = schema["paths"]["/api/scheduling/availability"]["get"]["parameters"]
    clinic = next(p for p in availability if p["name"] == "clinic")
    assert clinic["schema"]["pattern"] == NO_NUL
    measure = schema["components"]["schemas"]["MeasureIn"]["properties"]["answers"]
    assert measure["propertyNames"] == {"pattern": NO_NUL}


def test_pages_refuse_a_nul_in_the_address_or_the_query(practice, client):
    client.force_login(practice.front_desk)
    for address in ("/staff/clinics/stough%00ton/", "/?from=%00"):
        answer = client.get(address)
        assert answer.status_code == 400
        assert NUL_REFUSED in answer.content.decode()


def test_ordinary_text_passes(practice, client):
    client.force_login(practice.patient.user)
    answer = client.get("/api/scheduling/availability", {**AVAILABILITY, "clinic": "stoughton"})
    assert answer.status_code != 400
