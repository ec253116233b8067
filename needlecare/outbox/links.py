"""Signed links that act without signing in: one purpose each, an expiry, and used once.

A link carries a value (e.g. an appointment's id) signed with the site's secret and salted by
its purpose, so a link made for one thing never opens another. `link_use` records the link's
digest (never the link) in the caller's transaction: the action and the use commit together,
and the second use is refused.
"""

import datetime as dt
import hashlib

from django.core import signing
from django.utils import timezone

from needlecare.common.errors import DomainError
from needlecare.outbox.models import LinkUse


class LinkRefused(DomainError):
    status = 400


def link_make(purpose: str, value: int, *, expires: dt.datetime) -> str:
    """A token for a link: the value and the expiry, signed for this purpose."""
    payload = {"v": value, "e": int(expires.timestamp())}
    return signing.dumps(payload, salt=f"needlecare.link.{purpose}", compress=True)


def link_open(purpose: str, token: str) -> int:
    """The value a link carries, or LinkRefused saying what is wrong with it."""
    try:
        payload = signing.loads(token, salt=f"needlecare.link.{purpose}")
        value, expires = int(payload["v"]), int(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkRefused(
            "link.invalid", "This link is not valid. Use the link from your message as it is."
        ) from None
    if timezone.now().timestamp() >= expires:
        raise LinkRefused("link.expired", "This link has expired.")
    return value


def link_use(purpose: str, token: str) -> int:
    """Open a link and mark it used, in the caller's transaction; a used link is refused."""
    value = link_open(purpose, token)
    digest = hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()
    _, created = LinkUse.objects.get_or_create(digest=digest, defaults={"purpose": purpose})
    if not created:
        raise LinkRefused("link.used", "This link has already been used.")
    return value
