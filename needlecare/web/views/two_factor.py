"""The second step of sign-in: enrolment (QR code, secret, first code, recovery codes shown
once) and the code asked after the password. The rules live in accounts.two_factor."""

import base64
from collections.abc import Callable
from typing import Any, TypeVar

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from needlecare.accounts.access import ANY_SIGNED_IN, AuthedRequest, allow
from needlecare.accounts.middleware import OPEN_BEFORE_SECOND_STEP
from needlecare.accounts.two_factor import (
    confirmed_device,
    device_confirm,
    device_pending,
    provisioning_uri,
    recovery_codes_left,
    second_step_needed,
    second_step_pass,
    second_step_wait,
)
from needlecare.common.limits import too_many_page

V = TypeVar("V", bound=Callable[..., Any])


def before_second_step(view: V) -> V:
    setattr(view, OPEN_BEFORE_SECOND_STEP, True)
    return view


def _next(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/accounts/after-login/"


@before_second_step
@allow(*ANY_SIGNED_IN)
def enrol(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if confirmed_device(user) is not None and second_step_needed(request):
        return redirect("two-factor-verify")
    wait = second_step_wait(user=user)
    if wait is not None:
        return too_many_page(request, wait)
    error = ""
    if request.method == "POST":
        codes = device_confirm(request=request, user=user, code=str(request.POST.get("code", "")))
        if codes is not None:
            shown = {"codes": codes, "next": _next(request)}
            return render(request, "accounts/two_factor_codes.html", shown)
        error = _("That code did not match. Enter the 6-digit code your app shows now.")
    device = device_pending(user=user)
    uri = provisioning_uri(device)
    qr = segno.make(uri, error="m").svg_inline(scale=5, dark="#111", light="#fff")
    context: dict[str, object] = {
        "qr": mark_safe(qr),  # noqa: S308 - segno's own SVG markup for our own URI
        "secret": base64.b32encode(device.bin_key).decode(),
        "error": error,
        "next": _next(request),
        "required": user.is_clinic_staff,
    }
    status = 400 if error else 200
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


@before_second_step
@allow(*ANY_SIGNED_IN)
def verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if confirmed_device(user) is None:
        return redirect("two-factor-enrol")
    if not second_step_needed(request):
        return redirect(_next(request))
    wait = second_step_wait(user=user)
    if wait is not None:
        return too_many_page(request, wait)
    error = ""
    if request.method == "POST":
        if second_step_pass(request=request, user=user, code=str(request.POST.get("code", ""))):
            return redirect(_next(request))
        wait = second_step_wait(user=user)
        if wait is not None:
            return too_many_page(request, wait)
        error = _("That code did not work. Enter the code your app shows now, or a recovery code.")
    context = {"error": error, "next": _next(request), "left": recovery_codes_left(user=user)}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if error else 200)
