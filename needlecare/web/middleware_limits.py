"""Bad request bodies get a clear 4xx before any view or form sees them, never a 500.

A body over the limit answers 413; a body Django cannot parse (a multipart request without a
boundary, a form or JSON body that is not valid UTF-8) answers 400. Under /api/ the answer is
JSON (`{"detail": ...}`) like every other API refusal; elsewhere a short page. The body is read
here, once, so what Django refuses while reading it (RequestDataTooBig, TooManyFieldsSent) is
refused here rather than deep inside CSRF checks or a view. Every API refusal is JSON too,
whatever produced it (Django's 404 for an address no route matches, ninja's 405).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

# What a form may post: the clearance letter (5 MB, see screening.letters) and its fields.
FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
TOO_LARGE = "The request is too large: at most {limit} MB may be sent, files included."
TOO_MUCH_TEXT = "The request is too large: at most {limit} MB of form fields or JSON may be sent."
TOO_MANY_FIELDS = "The request has too many fields or files."
UNREADABLE = "The request body could not be read: {why}."
# What a refusal under /api/ keeps when it is rewritten as JSON.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Cache-Control")


def body_limit() -> int:
    """The most a request body may carry, in bytes (files included)."""
    return int(settings.NEEDLECARE_MAX_REQUEST_BODY)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def refusal(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """A 4xx saying what was wrong: JSON under /api/, a short page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, "web/bad_request.html", {"reason": detail}, status=status)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _read_body(request: HttpRequest) -> HttpResponse | None:
    """Reads and parses the body as Django will; a refusal if it cannot."""
    content_type = request.content_type or ""
    form = request.method == "POST" and content_type in FORM_CONTENT_TYPES
    try:
        if request.path.startswith("/api/") or not form:
            # The API reads the raw body (it takes no files): keep it, then parse from the copy.
            body = request.body
            if content_type == "application/json":
                body.decode("utf-8")  # JSON is UTF-8 (RFC 8259); ninja would answer 500
        if form:
            # Parse as the CSRF check and the forms will; page uploads stream to disk as usual.
            request.POST  # noqa: B018 - parsing is the point
            request.FILES  # noqa: B018
    except RequestDataTooBig:
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return refusal(request, 413, TOO_MUCH_TEXT.format(limit=_megabytes(limit)))
    except TooManyFilesSent:
        return refusal(request, 413, TOO_MANY_FIELDS)
    except TooManyFieldsSent:
        return refusal(request, 413, TOO_MANY_FIELDS)
    except MultiPartParserError as exc:
        return refusal(request, 400, UNREADABLE.format(why=str(exc).rstrip(".")))
    except UnicodeDecodeError:
        return refusal(request, 400, UNREADABLE.format(why="it is not valid UTF-8 text"))
    return None


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        if length is None or length < 0:
            return refusal(request, 400, UNREADABLE.format(why="its length is not a number"))
        if length > body_limit():
            return refusal(request, 413, TOO_LARGE.format(limit=_megabytes(body_limit())))
        if length:
            refused = _read_body(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            return _as_json(response)
        return response


def _as_json(response: HttpResponse) -> HttpResponse:
    """An API refusal in JSON, whatever produced it (e.g. Django's 404, ninja's 405)."""
    if not 400 <= response.status_code < 500:
        return response
    if response.get("Content-Type", "").startswith("application/json"):
        return response
    answer = JsonResponse({"detail": response.reason_phrase}, status=response.status_code)
    for header in KEPT_HEADERS:
        if header in response:
            answer[header] = response[header]
    return answer
