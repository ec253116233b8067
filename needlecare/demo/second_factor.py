"""The demo's staff second factor: every demo staff login has a confirmed TOTP device with one
published key, so a practice trying the demo adds that key to an authenticator app once and
signs in as anyone. A demo key is public by design; real accounts enrol their own."""

import base64
import hashlib

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.models import User

# 20 bytes derived from a fixed phrase: the same on every machine, printed by load_demo.
DEMO_TOTP_KEY = hashlib.sha256(b"needlecare demo second factor").digest()[:20]


def demo_totp_secret() -> str:
    """The key for an authenticator app's manual entry (base32)."""
    return base64.b32encode(DEMO_TOTP_KEY).decode()


def demo_totp_code(*, drift: int = 0) -> str:
    """The code an app holding the demo key shows now (`drift` 30-second steps away)."""
    return str(totp(DEMO_TOTP_KEY, 30, 0, 6, drift)).zfill(6)


def demo_second_factors_give(users: list[User]) -> int:
    """A confirmed device with the demo key for each demo staff user without one."""
    given = 0
    for user in users:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=DEMO_TOTP_KEY.hex(), confirmed=True
            )
            given += 1
    return given
