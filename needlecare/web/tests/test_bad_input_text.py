"""Over-long text and unknown API addresses answer a clear 4xx, never a 500, and store nothing.

A patient search longer than the form allows (SQLite refuses LIKE patterns over 50,000 bytes)
is a 400 page; a measure's activity names are capped on the API as on the form; every
address under /api/ that matches nothing answers JSON, in debug mode too. The last test sends
the issue's request (3 MB to the public evaluator) to a real `needlecare serve` process.
"""

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from needlecare.charting.services import session_open
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.selectors import SEARCH_TERM_MAX

pytestmark = pytest.mark.django_db

PSFS = {"activity_1": 4, "activity_2": 6, "activity_3": 2}


def search_pages(practice) -> list[str]:  # type: ignore[no-untyped-def]
    slug = practice.stoughton.slug
    return [f"/staff/clinics/{slug}/patients/", f"/staff/clinics/{slug}/schedule/book/"]


@pytest.mark.parametrize("length", [SEARCH_TERM_MAX + 1, 60_000])
def test_an_over_long_patient_search_is_a_400_that_says_why(client, practice, length):
    client.force_login(practice.front_desk)
    for page in search_pages(practice):
        response = client.get(page, {"q": "a" * length})
        assert response.status_code == 400, (page, response.status_code)
        assert f"at most {SEARCH_TERM_MAX} characters" in response.content.decode()


def test_a_search_of_the_longest_allowed_length_answers(client, practice):
    client.force_login(practice.front_desk)
    for page in search_pages(practice):
        response = client.get(page, {"q": practice.patient.last_name.ljust(SEARCH_TERM_MAX)})
        assert response.status_code == 200, page
        assert "at most" not in response.content.decode()


def post_measure(client: Client, patient_id: int, labels: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/charting/patients/{patient_id}/measures",
        {"instrument": "psfs", "answers": PSFS, "labels": labels},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"activity_1": "x" * 81}, "at most 80 characters"),
        ({"activity_1": "x" * 2_400_000}, "too large"),
        ({"activity_9": "Stairs"}, "No item 'activity_9'"),
        ({"y" * 100_000: "Stairs"}, "No item"),
    ],
    ids=["81-characters", "2.4-MB", "unknown-item", "long-unknown-key"],
)
def test_an_over_long_or_unknown_measure_label_is_refused(client, practice, labels, message):
    client.force_login(practice.patient.user)
    response = post_measure(client, practice.patient.pk, labels)
    assert response.status_code in (400, 413)
    assert message in response.json()["detail"]
    assert len(response.content) < 2_000
    assert not MeasureResponse.objects.exists()


def test_labels_of_the_longest_allowed_length_are_stored(client, practice):
    client.force_login(practice.patient.user)
    labels = {"activity_1": "x" * 80, "activity_2": "Driving", "activity_3": "Stairs"}
    response = post_measure(client, practice.patient.pk, labels)
    assert response.status_code == 201
    assert MeasureResponse.objects.get().labels == labels


def test_the_measure_page_refuses_an_over_long_label_next_to_the_field(client, visit):
    p = visit.schedule.practice
    client.force_login(p.therapist.user)
    response = client.post(
        f"/staff/patients/{p.patient.pk}/measures/psfs/",
        {"label_activity_1": "x" * 10_000, "activity_1": "4"},
    )
    assert response.status_code == 400
    assert "at most 80 characters" in response.content.decode()
    assert not MeasureResponse.objects.exists()


SESSION_TEXT = ("skin_preparation", "impairment", "immediate_response", "advice", "plan")
EVENT_TEXT = ("duration", "site", "action_taken", "outcome", "reported_by")
EVENT = {"category": "bruising", "severity": "mild", "onset": "during", "reported_by": "patient"}


def test_over_long_free_text_on_the_charting_api_is_refused_or_kept_never_a_500(client, visit):
    # Short text fields are refused with the limit named (PostgreSQL would raise a DataError);
    # notes (TextFields) are kept whole, within the 2 MB body limit.
    session = session_open(
        appointment=visit.appointment,
        regions=["neck"],
        by=visit.therapist_user,
        no_changes_confirmed=True,
    )
    client.force_login(visit.therapist_user)
    long = "x" * 100_000
    answers = [
        client.post(
            f"/api/charting/sessions/{session.pk}", {field: long}, content_type="application/json"
        )
        for field in SESSION_TEXT
    ] + [
        client.post(
            f"/api/charting/sessions/{session.pk}/adverse-events",
            EVENT | {field: long},
            content_type="application/json",
        )
        for field in EVENT_TEXT
    ]
    for field, response in zip(SESSION_TEXT + EVENT_TEXT, answers, strict=True):
        assert response.status_code in (200, 201, 400), (field, response.status_code)
        if response.status_code == 400:
            assert "at most" in response.json()["detail"], field
    refused = {
        f for f, r in zip(SESSION_TEXT + EVENT_TEXT, answers, strict=True) if r.status_code == 400
    }
    assert refused == {"skin_preparation", "impairment", "duration", "site", "reported_by"}


API_MISSES = [
    "/api/nothing-here",
    "/api/patients/not-a-number",
    "/api/charting/patients/1/measures/extra",
    "/api/scheduling/appointments/1/nothing",
    "/api/%ff",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_every_api_address_that_matches_nothing_answers_json(client, practice, settings, debug):
    settings.DEBUG = debug
    client.force_login(practice.front_desk)
    for path in API_MISSES:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response.json() == {"detail": "Not Found"}


def test_a_method_an_api_route_does_not_take_answers_405_in_json(client, practice):
    client.force_login(practice.front_desk)
    for method, path in [("get", "/api/screening/evaluate"), ("delete", "/api/patients/1")]:
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path)
        assert response.json() == {"detail": "Method Not Allowed"}
        assert response["Allow"]


def test_the_real_server_answers_an_oversized_evaluation_with_413(live_server_url):
    parts = urlsplit(live_server_url)
    body = json.dumps({"intake": "x" * (3 * 1024 * 1024)}).encode()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("POST", "/api/screening/evaluate", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    assert response.status == 413
    assert "too large" in answer["detail"]
    assert "Traceback" not in json.dumps(answer)
