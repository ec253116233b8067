from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from needlecare.accounts.access import declared_access

# These namespaces guard themselves: Django's admin checks AdminSite.has_permission, and the
# API's NinjaAPI has a signed-in default auth that each public route must switch off by name.
SELF_GUARDED_NAMESPACES = frozenset({"admin", "api"})


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
        if match is not None and SELF_GUARDED_NAMESPACES & set(match.namespaces):
            return None
        access = declared_access(view_func)
        if access is None:
            return forbidden(request, "This page has not declared who may use it.")
        if access.admits(request.user):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return forbidden(request, "Your account does not give access to this page.")


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return TemplateResponse(request, "web/forbidden.html", {"reason": reason}, status=403)
