"""Every route of the URL map (pages and the API, which lives in it too) refuses a staff
session that has the password but not the second step: pages go to the second step (or to
enrolment first), the API answers 401 JSON. Only the sign-in, second-step, enrolment,
sign-out, password-reset and other public pages answer."""

import pytest
from django.urls import get_resolver

from needlecare.accounts.access import declared_access
from needlecare.accounts.tests.test_deny_by_default import _concrete, _walk
from needlecare.common.testing.personas import Practice
from needlecare.common.testing.two_factor import VerifiedClient, device_for

pytestmark = pytest.mark.django_db


def _guarded() -> list[str]:
    found = set()
    for route, pattern in _walk(get_resolver().url_patterns):
        access = declared_access(pattern.callback)
        if access is not None and access.public:
            continue
        if getattr(pattern.callback, "needlecare_before_second_step", False):
            continue
        if route.startswith("fhir/"):  # interop/fhir/tests/test_fhir_access_matrix.py
            continue
        found.add(_concrete(route))
    return sorted(found)


GUARDED = _guarded()


def test_the_guarded_routes_include_staff_pages_and_the_api() -> None:
    assert "/staff/" in GUARDED
    assert "/staff/clinics/stoughton/staff/" in GUARDED
    assert "/api/patients/1" in GUARDED
    assert "/accounts/two-factor/" not in GUARDED and "/accounts/login/" not in GUARDED


@pytest.mark.parametrize("path", GUARDED)
def test_an_unverified_staff_session_is_refused_everywhere(practice: Practice, path: str) -> None:
    device_for(practice.admin)
    browser = VerifiedClient()
    browser.force_login_password_only(practice.admin)
    for method in ("get", "post"):
        answer = getattr(browser, method)(path)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, path, answer.status_code)
            assert answer.json()["code"] == "second_step"
        else:
            assert answer.status_code == 302, (method, path, answer.status_code)
            assert answer["Location"].startswith("/accounts/two-factor/?next="), answer["Location"]


@pytest.mark.parametrize("path", ["/staff/", "/api/scheduling/appointments", "/admin/"])
def test_a_staff_account_without_a_device_is_sent_to_enrolment(
    practice: Practice, path: str
) -> None:
    browser = VerifiedClient()
    browser.force_login_password_only(practice.front_desk)
    answer = browser.get(path)
    if path.startswith("/api/"):
        assert answer.status_code == 401
    else:
        assert answer["Location"].startswith("/accounts/two-factor/setup/?next=")
