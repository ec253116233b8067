"""Schemathesis drives every API operation from our own OpenAPI document.

Whatever it sends, the answer must be one the schema declares, never a server error.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth

from needlecare.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


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
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_callers_get_declared_answers(case):
    cache.clear()
    case.call_and_validate()


# Operations about one patient that the patient themself may use.
PATIENT_PATHS = {
    "/api/patients/{patient_id}",
    "/api/screening/patients/{patient_id}",
    "/api/charting/patients/{patient_id}/consent",
    "/api/charting/patients/{patient_id}/measures",
}


@pytest.fixture
def patient_session(practice, client):
    """A signed-in patient's browser: their patient id, session cookie and CSRF token."""
    client.force_login(practice.patient.user)
    return practice.patient.pk, client.cookies["sessionid"].value


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_signed_in_patient_gets_declared_answers_about_themself(case, patient_session):
    patient_id, session = patient_session
    cache.clear()  # the public evaluator's rate limit is not under test here
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
        headers={"X-CSRFToken": token}, excluded_checks=[ignored_auth]
    )
    if about_a_patient and open_to_patients:
        # Their own record: signed in, CSRF passed, and never "not found".
        assert response.status_code not in (401, 403, 404), response.status_code
