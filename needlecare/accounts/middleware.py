from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.utils.http import urlencode

from needlecare.accounts.access import declared_access
from needlecare.accounts.two_factor import confirmed_device, second_step_needed

# These namespaces guard themselves: Django's admin checks AdminSite.has_permission, the
# API's NinjaAPI has a signed-in default auth that each public route must switch off by name,
# and the FHIR server reads a token or a session itself (interop/fhir/readers.py).
SELF_GUARDED_NAMESPACES = frozenset({"admin", "api", "fhir"})
MACHINE_NAMESPACES = frozenset({"api", "fhir"})  # refused in JSON, never redirected
SECOND_STEP_FHIR = "Finish signing in with your second factor (second_step)."


class DenyByDefaultMiddleware:
    """Refuse every page that has not declared who may use it, and anyone it does not name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        access = declared_access(view_func)
        if not _open_before_second_step(view_func) and second_step_needed(request):
            spaces = set(match.namespaces) if match is not None else set()
            return second_step_refusal(
                request, api=bool(MACHINE_NAMESPACES & spaces), fhir="fhir" in spaces
            )
        if match is not None and SELF_GUARDED_NAMESPACES & set(match.namespaces):
            return None
        if access is None:
            return forbidden(request, "This page has not declared who may use it.")
        if access.admits(request.user):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return forbidden(request, "Your account does not give access to this page.")


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return TemplateResponse(request, "web/forbidden.html", {"reason": reason}, status=403)


# Set on the pages a user reaches between the password and the second step (enrolment, the
# second step itself); public pages (sign-in, sign-out, password reset) are open anyway.
OPEN_BEFORE_SECOND_STEP = "needlecare_before_second_step"


def _open_before_second_step(view_func: Callable[..., Any]) -> bool:
    access = declared_access(view_func)
    if access is not None and access.public:
        return True
    return bool(getattr(view_func, OPEN_BEFORE_SECOND_STEP, False))


def second_step_refusal(request: HttpRequest, *, api: bool, fhir: bool = False) -> HttpResponse:
    """Signed in with the password only: pages go to the second step (or enrolment first),
    the API answers 401 in the shape of every API refusal, FHIR as an OperationOutcome."""
    if fhir:
        issue = {"severity": "error", "code": "login", "diagnostics": SECOND_STEP_FHIR}
        return JsonResponse(
            {"resourceType": "OperationOutcome", "issue": [issue]},
            status=401,
            content_type="application/fhir+json",
        )
    if api:
        return JsonResponse(
            {"detail": "Finish signing in with your second factor.", "code": "second_step"},
            status=401,
        )
    name = "two-factor-verify" if confirmed_device(request.user) else "two-factor-enrol"
    url = resolve_url(name)
    return HttpResponse(
        status=302, headers={"Location": f"{url}?{urlencode({'next': request.get_full_path()})}"}
    )
