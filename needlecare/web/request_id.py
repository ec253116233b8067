"""A request id on every request: in request.request_id, the X-Request-ID response header, every
log line written while the request is served (RequestIdFilter) and the server's access log.

An X-Request-ID the request brings is kept only from a trusted proxy (NEEDLECARE_TRUSTED_PROXIES,
needlecare/web/proxy.py), so a proxy's id follows the request through, and only when it is a sane
token (at most 64 of A-Z a-z 0-9 . _ -); any other request gets a new one (32 hex digits). A
client elsewhere cannot put its own text into the logs.

The middleware goes first, before TrustedProxyMiddleware replaces REMOTE_ADDR with the client's
address: whether the header is believed depends on who connected, the proxy or anyone else.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from needlecare.web.proxy import _address, _is_trusted, trusted_proxies

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
NONE = "-"

current_request_id: ContextVar[str] = ContextVar("needlecare_request_id", default=NONE)


def new_request_id() -> str:
    return uuid.uuid4().hex


def _forget(**kwargs: object) -> None:
    current_request_id.set(NONE)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = trusted_proxies()
        # The id stays set until the response is closed: Django logs a 4xx or 5xx answer
        # ("Not Found: /path") after the middleware has returned.
        request_finished.connect(_forget, dispatch_uid="needlecare.web.request_id")

    def request_id(self, request: HttpRequest) -> str:
        sent = str(request.META.get("HTTP_X_REQUEST_ID") or "")
        peer = str(request.META.get("REMOTE_ADDR") or "")
        if SANE.fullmatch(sent) and _is_trusted(_address(peer), self.trusted):
            return sent
        return new_request_id()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = self.request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record `request_id`: the id of the request being served, else "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
