"""Two-factor sign-in: enrolment with a real TOTP code, the second step after the password,
wrong codes throttled and audited, recovery codes single-use and hashed, patients opting in."""

import base64

import pytest
from django.contrib.auth.hashers import check_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.models import RecoveryCode
from needlecare.accounts.two_factor import recovery_codes_issue
from needlecare.audit.models import AuditEvent
from needlecare.common.testing.factories import PASSWORD
from needlecare.common.testing.personas import Practice
from needlecare.common.testing.two_factor import VerifiedClient, device_for, totp_code

pytestmark = pytest.mark.django_db


def _password_only(user: object) -> VerifiedClient:
    browser = VerifiedClient()
    answer = browser.post("/accounts/login/", {"username": user.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert answer.status_code == 302
    return browser


def test_staff_enrol_with_a_real_code_and_get_ten_hashed_recovery_codes(
    practice: Practice,
) -> None:
    browser = _password_only(practice.front_desk)
    sent = browser.get("/staff/")
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/two-factor/setup/?next=")

    page = browser.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, inline, drawn on our own page
    device = TOTPDevice.objects.get(user=practice.front_desk, confirmed=False)
    assert device.key  # and the key for manual entry
    assert base64.b32encode(device.bin_key).decode().encode() in page.content

    wrong = browser.post("/accounts/two-factor/setup/", {"code": "000000x"})
    assert wrong.status_code == 400
    done = browser.post("/accounts/two-factor/setup/", {"code": totp_code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=practice.front_desk))
    assert len(stored) == 10
    assert all(code not in row.code_hash for row in stored for code in codes)
    assert any(check_password(codes[0], row.code_hash) for row in stored)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert browser.get("/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enrolled").count() == 1


def test_sign_in_is_password_then_code(practice: Practice) -> None:
    device = device_for(practice.therapist.user)
    browser = _password_only(practice.therapist.user)
    sent = browser.get("/accounts/after-login/")
    assert sent["Location"].startswith("/accounts/two-factor/?next=")
    api = browser.get("/api/clinics/")
    assert api.status_code == 401 and api.json()["code"] == "second_step"
    passed = browser.post(
        "/accounts/two-factor/", {"code": totp_code(device), "next": "/accounts/after-login/"}
    )
    assert passed.status_code == 302 and passed["Location"] == "/accounts/after-login/"
    assert browser.get("/staff/").status_code == 200
    assert browser.get("/api/clinics/").status_code != 401


def test_wrong_codes_are_refused_audited_and_throttled(practice: Practice) -> None:
    device = device_for(practice.admin)
    browser = _password_only(practice.admin)
    for _ in range(5):
        assert browser.post("/accounts/two-factor/", {"code": "123456"}).status_code in (400, 429)
    refused = browser.post("/accounts/two-factor/", {"code": totp_code(device)})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert browser.get("/staff/").status_code == 302  # still not verified
    failures = AuditEvent.objects.filter(action="user.second_step_failed")
    assert failures.count() == 5
    # A new browser of the same account waits too: the count is per account.
    assert _password_only(practice.admin).get("/accounts/two-factor/").status_code == 429


def test_a_recovery_code_signs_in_once(practice: Practice) -> None:
    device_for(practice.front_desk)
    codes = recovery_codes_issue(user=practice.front_desk)
    first = _password_only(practice.front_desk)
    assert first.post("/accounts/two-factor/", {"code": codes[3].upper()}).status_code == 302
    assert first.get("/staff/").status_code == 200
    second = _password_only(practice.front_desk)
    assert second.post("/accounts/two-factor/", {"code": codes[3]}).status_code == 400
    assert second.get("/staff/").status_code == 302
    assert RecoveryCode.objects.filter(user=practice.front_desk, used_at__isnull=False).count() == 1


def test_a_patient_may_turn_it_on_and_then_passes_it_too(practice: Practice) -> None:
    patient = practice.patient.user
    before = _password_only(patient)
    assert before.get("/accounts/after-login/").status_code == 302
    assert before.get("/me/").status_code == 200  # off by default: no second step
    assert before.get("/accounts/two-factor/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=patient, confirmed=False)
    assert (
        before.post("/accounts/two-factor/setup/", {"code": totp_code(device)}).status_code == 200
    )

    after = _password_only(patient)
    assert after.get("/me/")["Location"].startswith("/accounts/two-factor/?next=")
    assert after.post("/accounts/two-factor/", {"code": "999999"}).status_code == 400
    device.refresh_from_db()
    code = totp_code(device, drift=1)  # the last code was used: the app's next one
    assert after.post("/accounts/two-factor/", {"code": code}).status_code == 302
    assert after.get("/me/").status_code == 200


def test_the_test_client_signs_staff_in_with_a_verified_device(
    client: VerifiedClient, practice: Practice
) -> None:
    client.force_login(practice.therapist.user)
    assert client.get("/staff/").status_code == 200
    assert TOTPDevice.objects.filter(user=practice.therapist.user, confirmed=True).exists()


def test_a_clinic_admin_resets_a_colleagues_second_factor_in_their_own_clinic_only(
    client: VerifiedClient, practice: Practice
) -> None:
    device_for(practice.front_desk)
    recovery_codes_issue(user=practice.front_desk)
    device_for(practice.outsider)
    client.force_login(practice.admin)
    url = f"/staff/clinics/stoughton/staff/{practice.front_desk.pk}/second-factor/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=practice.front_desk).exists()
    assert not RecoveryCode.objects.filter(user=practice.front_desk).exists()
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert event.actor_id == practice.admin.pk

    # Foxboro's front desk is not Stoughton staff: not found, by either clinic's address.
    for slug in ("stoughton", "foxboro"):
        other = f"/staff/clinics/{slug}/staff/{practice.outsider.pk}/second-factor/"
        assert client.post(other).status_code == 404
    assert TOTPDevice.objects.filter(user=practice.outsider).exists()

    # At the next sign-in the colleague enrols again.
    again = _password_only(practice.front_desk)
    assert again.get("/staff/")["Location"].startswith("/accounts/two-factor/setup/")


def test_the_patients_home_offers_two_step_sign_in(
    client: VerifiedClient, practice: Practice
) -> None:
    client.force_login(practice.patient.user)
    home = client.get("/me/")
    assert b'href="/accounts/two-factor/setup/"' in home.content
