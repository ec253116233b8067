"""The demo's staff have a second factor with the published demo key, printed by load_demo,
so the demo logins stay usable; demo patients sign in with the password alone."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.demo.second_factor import DEMO_TOTP_KEY, demo_totp_code, demo_totp_secret

pytestmark = pytest.mark.django_db


def test_every_demo_staff_login_has_the_demo_key_and_load_demo_prints_it(demo):
    staff = User.objects.filter(role__in=STAFF_ROLES, email__endswith="@demo.needlecare.test")
    assert staff.count() >= 6
    for user in staff:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.bin_key == DEMO_TOTP_KEY
    assert demo_totp_secret() in demo
    assert "authenticator app" in demo
    device = TOTPDevice.objects.get(user__email="admin@demo.needlecare.test")
    assert device.verify_token(demo_totp_code())


def test_demo_patients_have_no_second_factor(demo):
    patients = User.objects.filter(role=Role.PATIENT)
    assert patients.exists()
    assert not TOTPDevice.objects.filter(user__in=patients).exists()
