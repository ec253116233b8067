"""Session limits: idle logout (staff 30 minutes, patients 60) and 12 hours at most.

The middleware keeps the sign-in time and the last activity in the session and ends a session
past either limit: a page redirects to sign-in with a message, the API answers 401 JSON.
`user_sessions_end` ends every session of an account but one (after a password change or
reset) or all of them (deactivation).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record

SIGNED_IN_AT = "needlecare_signed_in_at"
LAST_ACTIVE_AT = "needlecare_last_active_at"
# The page script asks how long is left without counting as activity.
STATUS_PATH = "/accounts/session/"
# Activity is written at most this often, so not every request writes the session.
TOUCH_EVERY = 15


def idle_seconds(user: User) -> int:
    if user.role == Role.PATIENT:
        return int(settings.SESSION_IDLE_SECONDS_PATIENT)
    return int(settings.SESSION_IDLE_SECONDS_STAFF)


def seconds_left(request: HttpRequest, now: float | None = None) -> int:
    """How long this signed-in session may stay idle from now (0: it has ended)."""
    now = time.time() if now is None else now
    user = request.user
    assert isinstance(user, User)
    signed_in = float(request.session.get(SIGNED_IN_AT, now))
    last = float(request.session.get(LAST_ACTIVE_AT, now))
    idle_left = last + idle_seconds(user) - now
    total_left = signed_in + settings.SESSION_MAX_SECONDS - now
    return max(0, int(min(idle_left, total_left)))


def session_touch(request: HttpRequest, *, now: float | None = None, force: bool = False) -> None:
    """Count this request as activity (written at most every TOUCH_EVERY seconds unless forced)."""
    now = time.time() if now is None else now
    request.session.setdefault(SIGNED_IN_AT, now)
    if force or now - float(request.session.get(LAST_ACTIVE_AT, 0)) >= TOUCH_EVERY:
        request.session[LAST_ACTIVE_AT] = now


@receiver(user_logged_in)
def _start(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_ACTIVE_AT] = now


class SessionLimitsMiddleware:
    """Ends sessions idle too long or older than the day's limit; records activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            now = time.time()
            if SIGNED_IN_AT in request.session and seconds_left(request, now) <= 0:
                return _ended(request, user)
            if request.path != STATUS_PATH:
                session_touch(request, now=now)
            # The page script (web/static/web/idle-logout.js) reads these from base.html.
            request.idle_seconds = idle_seconds(user)  # type: ignore[attr-defined]
            request.idle_warning_seconds = settings.SESSION_IDLE_WARNING_SECONDS  # type: ignore[attr-defined]
        return self.get_response(request)


def _ended(request: HttpRequest, user: User) -> HttpResponse:
    idle = idle_seconds(user) // 60
    logout(request)
    text = (
        f"You were signed out after {idle} minutes without activity, or at the end of the "
        "day's session. Please sign in again."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text, "code": "session_ended"}, status=401)
    messages.info(request, text)
    if request.path == STATUS_PATH:
        return JsonResponse({"detail": text, "code": "session_ended"}, status=401)
    redirect = redirect_to_login(request.get_full_path())
    if request.headers.get("HX-Request") == "true":
        # htmx would swap the sign-in page into a fragment; send the whole page there.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect["Location"]
        return response
    return redirect


def _sessions_of(user: User) -> list[Session]:
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            found.append(session)
    return found


def user_sessions_end(*, user: User, keep: str | None = None, by: User | None = None) -> int:
    """End every session of `user` but the one keyed `keep`; how many ended (audited)."""
    with transaction.atomic():
        ended = [s.session_key for s in _sessions_of(user) if s.session_key != keep]
        Session.objects.filter(session_key__in=ended).delete()
        if ended:
            audit_record(
                actor=by or user,
                action="user.sessions_ended",
                target=user,
                data={"count": len(ended)},
            )
    return len(ended)
