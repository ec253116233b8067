"""`Idempotency-Key` on every API POST: the same key and request answer the first result again.

Applied to the whole API once (`api.add_decorator(idempotent, mode="view")` in needlecare/api.py).
A POST with the header runs in one transaction that first records the key (unique per caller),
then does the work, then stores the answer: a crash before the commit leaves neither the write
nor the key, a crash after leaves both, so a retry never acts twice. A second request with the
same key waits for the first's transaction (the key's unique index on PostgreSQL, the write lock
on SQLite) and then answers its stored result, marked `Idempotent-Replayed: true`.

Only successful (2xx) answers are kept: after a refusal the key is free to try again. Keys are
scoped to the signed-in user, or to the client's address on anonymous routes, and kept a day.
"""

import datetime as dt
import functools
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone

from needlecare.idempotency.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEPT_FOR = dt.timedelta(hours=24)
MAX_LENGTH = 255
METHODS = {"POST"}

Run = Callable[..., HttpResponseBase]


class _KeyTaken(Exception):
    """Another request holds (or held) this key; leave the transaction and look at its answer."""


def _json(status: int, detail: str, code: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail, "code": code}),
        status=status,
        content_type="application/json",
    )


def key_problem(key: str) -> str | None:
    """Why a header value cannot be an idempotency key, or None when it can."""
    if not key:
        return f"The {HEADER} header is empty."
    if len(key) > MAX_LENGTH:
        return f"The {HEADER} header is longer than {MAX_LENGTH} characters."
    if not all(" " <= c <= "~" for c in key):
        return f"The {HEADER} header may hold printable ASCII characters only."
    return None


def _scope(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{request.META.get('REMOTE_ADDR', '')}"[:80]


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(
        f"{request.method}\n{request.path}\n{request.META.get('QUERY_STRING', '')}\n".encode()
    )
    try:
        digest.update(request.body)
    except RawPostDataException:  # a multipart form already read: its fields stand for it
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values]).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(json.dumps([name, upload.name, upload.size]).encode())
    return digest.hexdigest()


def _answer(scope: str, key: str, fingerprint: str) -> HttpResponse | None:
    """The stored answer for this key, 409 when it was used for another request, or None."""
    since = timezone.now() - KEPT_FOR
    row = IdempotencyKey.objects.filter(scope=scope, key=key, created_at__gte=since).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        return _json(
            409,
            f"This {HEADER} was already used with a different request; "
            "send a new key for a new request.",
            "idempotency.key_reused",
        )
    replay = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    replay[REPLAYED] = "true"
    return replay


def _keep(row: IdempotencyKey, response: HttpResponseBase) -> None:
    if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
        row.status = response.status_code
        row.content_type = response.get("Content-Type", "")
        row.body = response.content
        row.save(update_fields=["status", "content_type", "body"])
    else:  # a refusal (or a stream) is not kept: the same key may try again
        row.delete()


class _Expired:
    """Keys past KEPT_FOR are deleted after a POST at most every PURGE_EVERY seconds in each
    process, not after every one: the sweep is a write transaction of its own (on SQLite it
    takes the write lock again). An expired key never answers in the meantime (`_answer` reads
    only fresh ones, and a reused key's old row goes first), so only the table's size waits.
    """

    PURGE_EVERY = 300.0

    def __init__(self) -> None:
        self.next_at = 0.0

    def forget(self) -> int:
        """Delete expired keys when a sweep is due; how many went."""
        now = time.monotonic()
        if now < self.next_at:
            return 0
        self.next_at = now + self.PURGE_EVERY
        deleted, _ = IdempotencyKey.objects.filter(
            created_at__lt=timezone.now() - KEPT_FOR
        ).delete()
        return deleted


expired = _Expired()


def idempotent(run: Run) -> Run:
    """Wrap a ninja operation's `run` so that POSTs honour an `Idempotency-Key` header."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS:
            return run(request, *args, **kwargs)
        problem = key_problem(key)
        if problem:
            return _json(400, problem, "idempotency.bad_key")
        scope, fingerprint = _scope(request), _fingerprint(request)
        stored = _answer(scope, key, fingerprint)
        if stored is not None:
            return stored
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(
                    scope=scope, key=key, created_at__lt=timezone.now() - KEPT_FOR
                ).delete()
                try:
                    with transaction.atomic():
                        row = IdempotencyKey.objects.create(
                            scope=scope, key=key, fingerprint=fingerprint, status=0, body=b""
                        )
                except IntegrityError:
                    raise _KeyTaken from None
                response = run(request, *args, **kwargs)
                _keep(row, response)
        except _KeyTaken:
            # The other request has committed by now (its transaction held us until then).
            return _answer(scope, key, fingerprint) or _json(
                409,
                f"A request with this {HEADER} is still being handled; try again shortly.",
                "idempotency.in_progress",
            )
        expired.forget()
        return response

    return wrapper
