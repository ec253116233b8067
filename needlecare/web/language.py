"""The language a page speaks: English, Spanish or Brazilian Portuguese for the public and the
patients; English for staff (their pages are not translated).

In order: the choice made with the language switcher (a cookie for the browser session), then
a signed-in patient's `preferred_language`, then the browser's Accept-Language, then English.
Choosing a language while signed in as a patient also keeps it on their record, so messages
and letters follow it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from needlecare.accounts.access import public
from needlecare.patients.access import own_patient
from needlecare.patients.services import patient_language_set

COOKIE = settings.LANGUAGE_COOKIE_NAME
CODES = frozenset(code for code, _ in settings.LANGUAGES)
STAFF_PREFIXES = ("/staff/", "/admin/", "/api/", "/fhir/")


def language_for(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if request.path.startswith(STAFF_PREFIXES) or (
        user is not None and user.is_authenticated and not user.is_patient
    ):
        return settings.LANGUAGE_CODE
    chosen = request.COOKIES.get(COOKIE, "")
    if chosen in CODES:
        return chosen
    if user is not None and user.is_authenticated:
        patient = own_patient(user)
        if patient is not None and patient.preferred_language in CODES:
            return patient.preferred_language
    return translation.get_language_from_request(request)


class LanguageMiddleware:
    """Activates the page's language (after authentication, which it reads)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response


@public
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """The language switcher, remembered for the browser session.

    A visitor who is not signed in sends it as a GET (a form with no CSRF token, so the public
    pages carry none and can be kept whole). A signed-in patient sends a POST, checked against
    CSRF, and only that also keeps the choice on their record, which their messages and letters
    follow: a GET only ever sets the browser's cookie.
    """
    data = request.POST if request.method == "POST" else request.GET
    language = data.get("language", "")
    target = data.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    add_never_cache_headers(response)  # a GET that sets a cookie: no cache may keep it
    if language not in CODES:
        return response
    response.set_cookie(
        COOKIE,
        language,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    user = request.user
    if request.method == "POST" and user.is_authenticated and user.is_patient:
        patient = own_patient(user)
        if patient is not None:
            patient_language_set(patient=patient, language=language, by=user)
    return response
