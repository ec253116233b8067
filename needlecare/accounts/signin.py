"""Sign-in, registration and password reset limits: throttle, never lock.

Failed sign-ins are counted per account and address, per address (one password tried across
many accounts: spraying) and per account from any address. The last is what a stranger could
use to keep someone out, so it does not apply to a browser that has signed in to that account
before (a signed "known device" cookie, as OWASP suggests). Every refusal is a 429 with
Retry-After that ends by itself; no account is ever locked. Axes keeps the record of each
failure (AccessFailureLog), pruned after FAILED_SIGNIN_RETENTION_DAYS.
"""

import datetime as dt
import hashlib

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from needlecare.common.limits import Limit, client_address, limit_clear, limit_hit, limit_wait

FAILURES_PER_ACCOUNT_AND_ADDRESS = Limit("signin-pair", 5, 15 * 60)
FAILURES_PER_ADDRESS = Limit("signin-address", 20, 15 * 60)
FAILURES_PER_ACCOUNT = Limit("signin-account", 10, 15 * 60)
REGISTRATIONS_PER_ADDRESS = Limit("register-address", 10, 60 * 60)
REGISTRATIONS_PER_EMAIL = Limit("register-email", 3, 60 * 60)
RESETS_PER_ADDRESS = Limit("reset-address", 10, 60 * 60)
RESETS_PER_EMAIL = Limit("reset-email", 3, 60 * 60)

DEVICE_COOKIE = "needlecare_device"
DEVICE_SALT = "needlecare.accounts.known-device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 180


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def known_device(request: HttpRequest, email: str) -> bool:
    """Whether this browser has signed in to the account `email` names before."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )
    return value is not None and value == _account(email)


def signin_wait(request: HttpRequest, email: str) -> int | None:
    """Seconds this sign-in must wait, or None when it may be tried."""
    address = client_address(request)
    waits = [
        limit_wait(FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{_account(email)}|{address}"),
        limit_wait(FAILURES_PER_ADDRESS, address),
    ]
    if not known_device(request, email):
        waits.append(limit_wait(FAILURES_PER_ACCOUNT, _account(email)))
    found = [w for w in waits if w is not None]
    return max(found) if found else None


def signin_failed(request: HttpRequest, email: str) -> None:
    address = client_address(request)
    limit_hit(FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{_account(email)}|{address}")
    limit_hit(FAILURES_PER_ADDRESS, address)
    if not known_device(request, email):
        limit_hit(FAILURES_PER_ACCOUNT, _account(email))
    # At most once a day, whichever process sees a failure first drops the old records.
    if cache.add("signin-failures-pruned", 1, timeout=60 * 60 * 24):
        signin_failures_prune()


def signin_succeeded(request: HttpRequest, email: str, response: HttpResponse) -> None:
    limit_clear(FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{_account(email)}|{client_address(request)}")
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _account(email),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def signin_failures_prune(*, now: dt.datetime | None = None) -> int:
    """Delete failed sign-in records older than the retention period; how many went."""
    days = settings.FAILED_SIGNIN_RETENTION_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    logs, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return logs + attempts


def registration_wait(request: HttpRequest, email: str) -> int | None:
    """Count one registration from this address for this email; seconds to wait if over."""
    by_address = limit_hit(REGISTRATIONS_PER_ADDRESS, client_address(request))
    by_email = limit_hit(REGISTRATIONS_PER_EMAIL, _account(email)) if email else None
    found = [w for w in (by_address, by_email) if w is not None]
    return max(found) if found else None


def reset_wait(request: HttpRequest, email: str) -> int | None:
    """Count one password reset request; seconds to wait if over."""
    by_address = limit_hit(RESETS_PER_ADDRESS, client_address(request))
    by_email = limit_hit(RESETS_PER_EMAIL, _account(email)) if email else None
    found = [w for w in (by_address, by_email) if w is not None]
    return max(found) if found else None
