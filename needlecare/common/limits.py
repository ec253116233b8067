"""Rate limits kept in Django's cache, so every server process counts against the same numbers.

The cache is the database cache by default (settings.CACHES; its table comes with `migrate`),
so two `needlecare serve` processes on one database share their counts. A limit counts events
in fixed windows: `limit_hit` counts one and says how long to wait once the limit is passed;
`limit_wait` only looks. Keys are hashed, so no address or email is stored in the cache.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_noop, ngettext


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one key (an address, an account, ...)."""

    name: str
    count: int
    seconds: int


def _window(limit: Limit, key: str) -> tuple[str, float]:
    now = time.time()
    index = int(now // limit.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    ends = (index + 1) * limit.seconds
    return f"limit:{limit.name}:{digest}:{index}", ends - now


def _retry_after(seconds_left: float) -> int:
    return max(1, math.ceil(seconds_left))


def limit_wait(limit: Limit, key: str) -> int | None:
    """Seconds to wait if `key` has used up `limit` in this window; None while it may go on."""
    cache_key, left = _window(limit, key)
    used = cache.get(cache_key, 0)
    return _retry_after(left) if used >= limit.count else None


def limit_hit(limit: Limit, key: str) -> int | None:
    """Count one event for `key`; seconds to wait if this one is over the limit, else None."""
    cache_key, left = _window(limit, key)
    # The entry outlives its window a little, so a clock step never revives an old count.
    cache.add(cache_key, 0, timeout=limit.seconds + 60)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr: this is the first event again
        cache.set(cache_key, 1, timeout=limit.seconds + 60)
        used = 1
    return _retry_after(left) if used > limit.count else None


def limit_clear(limit: Limit, key: str) -> None:
    """Forget the current window's count for `key` (e.g. failures after a good sign-in)."""
    cache_key, _ = _window(limit, key)
    cache.delete(cache_key)


def client_address(request: HttpRequest) -> str:
    """The address a request came from, as the server (and any trusted proxy) reported it."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# Pages say it in the active language (too_many_page); the API's answers stay English.
TOO_MANY = gettext_noop("Too many attempts. Please wait {wait} before trying again.")


def wait_phrase(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _page_wait_phrase(seconds: int) -> str:
    """wait_phrase in the active language (the same words in English)."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def too_many_page(
    request: HttpRequest, retry_after: int, template: str = "accounts/locked_out.html"
) -> HttpResponse:
    """429 for a page: a sentence saying how long to wait, and the Retry-After header."""
    message = gettext(TOO_MANY).format(wait=_page_wait_phrase(retry_after))
    response = TemplateResponse(
        request,
        template,
        {"message": message},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def too_many_json(retry_after: int) -> JsonResponse:
    """429 for the API, in the shape of every API refusal (common.schemas.Message)."""
    response = JsonResponse(
        {"detail": TOO_MANY.format(wait=wait_phrase(retry_after)), "code": "rate_limited"},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
