"""A NUL character anywhere a caller can type gets a 400 that says so, never a database error."""

import json

import pytest

from needlecare.web.middleware import REASON

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_nul_in_the_query_string(practice, client):
    client.force_login(practice.patient.user)
    answer = client.get(
        "/api/scheduling/availability",
        {
            "clinic": "stough\x00ton",
            "type": "dry-needling",
            "first_day": "2030-01-07",
            "last_day": "2030-01-08",
        },
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": REASON}


def test_the_api_refuses_a_nul_in_a_json_body(client):
    body = {"planned_regions": ["neck"], "conditions": [{"code": "pregnan\u0000cy"}]}
    answer = client.post(
        "/api/screening/evaluate", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": REASON}


def test_pages_refuse_a_nul_in_the_address_or_the_query(practice, client):
    client.force_login(practice.front_desk)
    for address in ("/staff/clinics/stough%00ton/", "/?from=%00"):
        answer = client.get(address)
        assert answer.status_code == 400
        assert REASON in answer.content.decode()


def test_ordinary_text_passes(client):
    answer = client.post(
        "/api/screening/evaluate",
        json.dumps({"planned_regions": ["neck"], "conditions": []}),
        content_type="application/json",
    )
    assert answer.status_code == 200
