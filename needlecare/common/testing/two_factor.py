"""Tests sign staff in the way the real second step does: a confirmed TOTP device, and the
session marked verified with it (django_otp's session key), or a code computed from its key."""

import base64
import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.two_factor import confirmed_device, second_step_required
from needlecare.demo.second_factor import demo_totp_code


def totp_code(device: TOTPDevice, *, drift: int = 0) -> str:
    """The code the user's app shows now (or `drift` steps away)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return str(value).zfill(device.digits)


def device_for(user: Any) -> TOTPDevice:
    """The user's confirmed device, made when they have none (as if they had enrolled)."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    return device


class VerifiedClient(Client):
    """Django's test client; force_login also passes the second step for accounts that need
    it (every staff account, a patient who turned it on), as a real sign-in would."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        if second_step_required(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
            session.save()

    def pass_second_step(self, user: Any) -> None:
        """After a password sign-in through the page: the real second step, with the code the
        user's app shows (a device is made if the account has none, as if enrolled)."""
        if not second_step_required(user):
            return
        device = device_for(user)
        for drift in (0, 1):  # a code works once: the app's next one after that
            answer = self.post("/accounts/two-factor/", {"code": totp_code(device, drift=drift)})
            if answer.status_code == 302:
                return
            device.refresh_from_db()
        raise AssertionError(f"the second step refused the code ({answer.status_code})")

    def force_login_password_only(self, user: Any) -> None:
        """Signed in with the password, second step not yet passed."""
        super().force_login(user)


# The 30-second steps whose demo code this test process has sent: a code works once per
# account, and a refused code counts as a failure (and, in a browser, a 400 the checks see).
_SENT: set[tuple[str, int]] = set()


def fresh_demo_code(account: str = "") -> str:
    """A demo-key code not sent before: this step's, else the next (the server accepts one
    step ahead); when both were sent already, wait for the next step. Without `account`, every
    demo account counts as one (a browser test's helper does not know whom it signs in)."""
    while True:
        now = int(time.time()) // 30
        for step in (now, now + 1):
            if (account, step) not in _SENT:
                _SENT.add((account, step))
                return demo_totp_code(drift=step - now)
        time.sleep(30 - time.time() % 30 + 0.1)


def code_from_secret(secret: str, *, drift: int = 0) -> str:
    """The code an app shows for a key typed from an enrolment page (base32)."""
    return str(totp(base64.b32decode(secret), 30, 0, 6, drift)).zfill(6)
