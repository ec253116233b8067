"""The screening API: the public evaluator and the patient-scoped store and list."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from needlecare.screening.models import Screening

pytestmark = pytest.mark.django_db

CONTRACT_EXAMPLE = {
    "planned_regions": ["neck", "low_back"],
    "conditions": [{"code": "blood_thinners"}, {"code": "rash", "regions": ["neck"]}],
    "physician_clearances": [],
}


def post(client, url, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def test_the_evaluator_gives_the_same_answer_as_the_command_line(client, tmp_path):
    response = post(client, "/api/screening/evaluate", CONTRACT_EXAMPLE)
    assert response.status_code == 200
    cli = subprocess.run(
        [str(Path(sys.executable).parent / "needlecare"), "screen", "-"],
        input=json.dumps(CONTRACT_EXAMPLE).encode(),
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "NEEDLECARE_DATA_DIR": str(tmp_path)},
        check=True,
    )
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["regions"] == {
        "neck": "contraindicated",
        "low_back": "proceed_with_precautions",
    }


def test_the_evaluator_stores_nothing(client):
    post(client, "/api/screening/evaluate", CONTRACT_EXAMPLE)
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not valid JSON"),
        ({"conditions": []}, "planned_regions"),
        ({"planned_regions": []}, "planned_regions is empty"),
        ({"planned_regions": ["elbow"]}, "unknown region"),
        ({"planned_regions": ["neck"], "conditions": [{"code": "flu"}]}, "unknown condition"),
        ({"planned_regions": "neck"}, "planned_regions"),
        ({"planned_regions": ["neck"], "condition": []}, 'unknown field "condition"'),
    ],
)
def test_bad_bodies_get_a_400_with_a_message(client, body, message):
    response = post(client, "/api/screening/evaluate", body)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_the_evaluator_is_rate_limited_per_address(client):
    for _ in range(60):
        assert post(client, "/api/screening/evaluate", CONTRACT_EXAMPLE).status_code == 200
    limited = post(client, "/api/screening/evaluate", CONTRACT_EXAMPLE)
    assert limited.status_code == 429
    elsewhere = client.post(
        "/api/screening/evaluate",
        data=json.dumps(CONTRACT_EXAMPLE),
        content_type="application/json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert elsewhere.status_code == 200


def test_a_patient_stores_and_reads_their_own_screenings(client, practice):
    client.force_login(practice.patient.user)
    url = f"/api/screening/patients/{practice.patient.pk}"
    created = post(client, url, CONTRACT_EXAMPLE)
    assert created.status_code == 201
    assert created.json()["result"]["decision"] == "contraindicated"
    assert created.json()["current"] is True
    listed = client.get(url)
    assert [s["id"] for s in listed.json()] == [created.json()["id"]]


def test_a_patient_cannot_store_or_read_another_patients_screenings(client, practice):
    client.force_login(practice.patient.user)
    url = f"/api/screening/patients/{practice.other_patient.pk}"
    assert post(client, url, CONTRACT_EXAMPLE).status_code == 404
    assert client.get(url).status_code == 404
    assert not Screening.objects.exists()


@pytest.mark.parametrize("who", ["front_desk", "admin"])
def test_staff_of_the_patients_clinic_store_and_read(client, practice, who):
    client.force_login(getattr(practice, who))
    url = f"/api/screening/patients/{practice.patient.pk}"
    assert post(client, url, CONTRACT_EXAMPLE).status_code == 201
    assert len(client.get(url).json()) == 1


def test_a_therapist_of_the_patients_clinic_stores_too(client, practice):
    client.force_login(practice.therapist.user)
    url = f"/api/screening/patients/{practice.patient.pk}"
    assert post(client, url, CONTRACT_EXAMPLE).status_code == 201


def test_staff_of_another_clinic_get_not_found(client, practice):
    client.force_login(practice.outsider)
    url = f"/api/screening/patients/{practice.patient.pk}"
    assert post(client, url, CONTRACT_EXAMPLE).status_code == 404
    assert client.get(url).status_code == 404


def test_anonymous_callers_are_refused(client, practice):
    url = f"/api/screening/patients/{practice.patient.pk}"
    assert post(client, url, CONTRACT_EXAMPLE).status_code == 401
    assert client.get(url).status_code == 401


def test_a_bad_body_stores_nothing(client, practice):
    client.force_login(practice.patient.user)
    url = f"/api/screening/patients/{practice.patient.pk}"
    response = post(client, url, {"planned_regions": ["neck"], "conditions": [{"code": "x"}]})
    assert response.status_code == 400
    assert not Screening.objects.exists()


def test_the_schema_declares_the_bodies_and_the_4xx_answers(client):
    schema = client.get("/api/openapi.json").json()
    evaluate = schema["paths"]["/api/screening/evaluate"]["post"]
    body = evaluate["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["planned_regions"]
    assert {"400", "429"} <= set(evaluate["responses"])
    store = schema["paths"]["/api/screening/patients/{patient_id}"]["post"]
    assert {"400", "401", "404"} <= set(store["responses"])
