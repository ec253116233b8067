"""Schemathesis drives every API operation from our own OpenAPI document, with every check.

As an anonymous caller, a signed-in patient and a signed-in clinic admin, for valid and invalid
input alike: never a server error; the status, content type, headers and body the schema
declares; what the schema allows is accepted and what it forbids is refused. The examples are
derandomized, so CI sees the same cases every run; the cases run are counted per identity and
must reach MINIMUM_CASES in all.
"""

import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import load_all_checks
from schemathesis.specs.openapi import checks as openapi_checks
from schemathesis.specs.openapi.checks import ignored_auth

from needlecare.common.testing.two_factor import VerifiedClient
from needlecare.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
load_all_checks()
# Every check schemathesis has, named so that none can be switched off by configuration.
ALL_CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.positive_data_acceptance,
    openapi_checks.missing_required_header,
    openapi_checks.unsupported_method,
    openapi_checks.allow_header_conformance,
    openapi_checks.use_after_free,
    openapi_checks.ensure_resource_availability,
    openapi_checks.ignored_auth,
    openapi_checks.object_level_authorization,
]
# CI runs 6 examples per operation and identity (about 2,000 cases in all, at least 1,000
# asserted); a longer hunt sets the variable (e.g. 500).
EXAMPLES = settings(
    max_examples=int(os.environ.get("NEEDLECARE_SCHEMATHESIS_EXAMPLES", "6")),
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
MINIMUM_CASES = 1000
# Cases run, by identity, and the operations each identity covered.
CASES: Counter[str] = Counter()
COVERED: dict[str, set[str]] = {"anonymous": set(), "patient": set(), "staff": set()}
OPERATIONS = {
    f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations()
}


@pytest.fixture(scope="module", autouse=True)
def _enough_cases():
    yield
    print(f"\nschemathesis cases run: {dict(CASES)}, total {sum(CASES.values())}")
    if all(covered == OPERATIONS for covered in COVERED.values()):  # the whole run, not a -k
        assert sum(CASES.values()) >= MINIMUM_CASES, dict(CASES)


def _count(identity: str, case) -> None:
    CASES[identity] += 1
    COVERED[identity].add(f"{case.method.upper()} {case.operation.path}")


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # Like Django's test client: the app must not close the test's connection (and with it
    # the transaction each test runs in) at the end of every request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_anonymous_callers_get_declared_answers(case, schedule):
    # The schedule gives the public clinic list clinics with opening hours to answer with.
    cache.clear()
    _count("anonymous", case)
    case.call_and_validate(checks=ALL_CHECKS)


# Operations about one patient that the patient themself may use.
PATIENT_PATHS = {
    "/api/patients/{patient_id}",
    "/api/screening/patients/{patient_id}",
    "/api/charting/patients/{patient_id}/consent",
    "/api/charting/patients/{patient_id}/measures",
}


@pytest.fixture
def patient_session(practice, visit, client):
    """A signed-in patient with records (screened, consented, checked in for a visit, in a
    clinic with opening hours): their patient id and session cookie."""
    client.force_login(practice.patient.user)
    return practice.patient.pk, client.cookies["sessionid"].value


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_a_signed_in_patient_gets_declared_answers_about_themself(case, patient_session):
    patient_id, session = patient_session
    cache.clear()  # the public evaluator's rate limit is not under test here
    _count("patient", case)
    # Point well-formed ids at the patient's own record; malformed ones stay as generated.
    about_a_patient = isinstance((case.path_parameters or {}).get("patient_id"), int)
    open_to_patients = case.path in PATIENT_PATHS
    if about_a_patient:
        case.path_parameters["patient_id"] = patient_id
    token = "k" * 32
    case.cookies = {"sessionid": session, "csrftoken": token}
    # Credentials set by hand look "generated" to ignored_auth; the anonymous run above is
    # what proves every protected operation refuses a caller without a session.
    response = case.call_and_validate(
        headers={"X-CSRFToken": token}, checks=ALL_CHECKS, excluded_checks=[ignored_auth]
    )
    if about_a_patient and open_to_patients:
        # Their own record: signed in, CSRF passed, and never "not found".
        assert response.status_code not in (401, 403, 404), response.status_code


THERAPIST_ONLY = {
    "POST /api/charting/sessions/{session_id}",
    "POST /api/charting/sessions/{session_id}/needling",
    "POST /api/charting/sessions/{session_id}/sign",
    "POST /api/charting/patients/{patient_id}/measures",
}


@pytest.fixture
def staff_session(practice, visit):
    """A clinic admin of Stoughton, signed in with both steps: a patient of their clinic with
    records (see patient_session) and the session cookie."""
    client = VerifiedClient()
    client.force_login(practice.admin)
    return practice.patient.pk, client.cookies["sessionid"].value


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_a_signed_in_clinic_admin_gets_declared_answers(case, staff_session):
    patient_id, session = staff_session
    cache.clear()
    _count("staff", case)
    about_a_patient = isinstance((case.path_parameters or {}).get("patient_id"), int)
    if about_a_patient:
        case.path_parameters["patient_id"] = patient_id  # a patient of the admin's own clinic
    token = "k" * 32
    case.cookies = {"sessionid": session, "csrftoken": token}
    response = case.call_and_validate(
        headers={"X-CSRFToken": token}, checks=ALL_CHECKS, excluded_checks=[ignored_auth]
    )
    # Signed in with both steps and past CSRF: refused as a stranger (401) only where the
    # operation is for another role (charting is the therapist's).
    if f"{case.method.upper()} {case.path}" not in THERAPIST_ONLY:
        assert response.status_code != 401, response.text


@pytest.mark.django_db
def test_opening_hours_are_answered_as_the_schema_declares_them(schedule, client):
    # A recurring local time has no UTC offset, so it is not JSON Schema's "time" (RFC 3339
    # full-time, offset required): the schema declares HH:MM and the answer is HH:MM.
    declared = schema.raw_schema["components"]["schemas"]["HoursOut"]["properties"]["opens"]
    assert "format" not in declared and declared["pattern"] == r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
    clinics = client.get("/api/clinics/").json()
    hours = [h for c in clinics for h in c["opening_hours"]]
    assert hours, clinics
    assert all(re.fullmatch(declared["pattern"], h["opens"]) for h in hours), hours
    assert all(re.fullmatch(declared["pattern"], h["closes"]) for h in hours), hours
