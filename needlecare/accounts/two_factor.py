"""The second step of sign-in: TOTP devices (django-otp) and single-use recovery codes.

Every staff account must pass it; a patient may turn it on. After the password a user is
signed in but not verified: DenyByDefaultMiddleware sends them here (second_step_needed) until
`second_step_pass` marks the session verified with django_otp.login. Recovery codes are shown
once and kept as salted hashes (Django's password hasher, Argon2 in production); each works
once. Wrong codes are throttled per account like wrong passwords (common.limits) and audited.
"""

import secrets
from collections.abc import Iterable
from typing import Any

import django_otp
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlecare.accounts.models import RecoveryCode, User
from needlecare.audit.services import audit_record
from needlecare.common.limits import Limit, limit_clear, limit_hit, limit_wait

WRONG_CODES_PER_ACCOUNT = Limit("second-step-account", 5, 15 * 60)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ISSUER = "needlecare"
DEVICE_NAME = "Authenticator app"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_step_required(user: Any) -> bool:
    """Staff always; a patient once they have turned it on."""
    if not user.is_authenticated:
        return False
    return bool(user.is_clinic_staff) or confirmed_device(user) is not None


def second_step_needed(request: HttpRequest) -> bool:
    """Signed in with the password but not yet verified, when the account needs the step."""
    user: Any = request.user
    if not second_step_required(user):
        return False
    return not (hasattr(user, "is_verified") and user.is_verified())


def device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (made once, kept until confirmed or reset)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    uri: str = device.config_url
    return uri


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: str) -> str:
    return "".join(code.split()).lower()[:32]


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replace the account's recovery codes; the plain codes are returned once, never kept."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=make_password(code)) for code in codes
        )
        audit_record(actor=user, action="user.recovery_codes_issued", target=user)
    return codes


def device_confirm(*, request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the pending device with its first code; the recovery codes, or None if wrong."""
    device = device_pending(user=user)
    if not _code_shape(code) or not device.verify_token(_normal(code)):
        second_step_failed(request=request, user=user, how="enrolment")
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="user.two_factor_enrolled", target=user)
    django_otp.login(request, device)
    limit_clear(WRONG_CODES_PER_ACCOUNT, str(user.pk))
    return recovery_codes_issue(user=user)


def _code_shape(code: str) -> bool:
    return 0 < len(_normal(code)) <= 32


def _recovery_use(user: User, code: str) -> bool:
    normal = _normal(code)
    for stored in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if check_password(normal, stored.code_hash):
            # Only the request that flips used_at wins; a second use of the same code fails.
            return bool(
                RecoveryCode.objects.filter(pk=stored.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
            )
    return False


def second_step_wait(*, user: User) -> int | None:
    return limit_wait(WRONG_CODES_PER_ACCOUNT, str(user.pk))


def second_step_pass(*, request: HttpRequest, user: User, code: str) -> bool:
    """Verify a code from the app or a recovery code; on success the session is verified."""
    device = confirmed_device(user)
    if device is None or not _code_shape(code):
        second_step_failed(request=request, user=user, how="code")
        return False
    normal = _normal(code)
    how = None
    if normal.isdigit() and device.verify_token(normal):
        how = "totp"
    elif _recovery_use(user, normal):
        how = "recovery code"
    if how is None:
        second_step_failed(request=request, user=user, how="code")
        return False
    with transaction.atomic():
        audit_record(actor=user, action="user.second_step_passed", target=user, data={"how": how})
    django_otp.login(request, device)
    limit_clear(WRONG_CODES_PER_ACCOUNT, str(user.pk))
    return True


def second_step_failed(*, request: HttpRequest, user: User, how: str) -> None:
    limit_hit(WRONG_CODES_PER_ACCOUNT, str(user.pk))
    with transaction.atomic():
        audit_record(actor=user, action="user.second_step_failed", target=user, data={"how": how})


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def two_factor_reset(*, actor: User, user: User, clinic_ids: Iterable[int] = ()) -> None:
    """Remove the account's devices and recovery codes: it must enrol again at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(
            actor=actor, action="user.two_factor_reset", target=user, clinic_ids=clinic_ids
        )
