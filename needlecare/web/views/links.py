"""Pages the links in messages open, without signing in: confirm that nothing has changed
before a visit, accept a waitlist offer, and the next-day check-in.

Opening a link only shows what it is for; the act is a button (a POST), so a mail scanner that
follows links changes nothing. Each link is signed for one purpose, expires, and works once.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from needlecare.accounts.access import public
from needlecare.charting.access import access_linked_session
from needlecare.charting.services import check_in_record
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.scheduling.access import access_linked_appointment, access_linked_offer
from needlecare.scheduling.links import VISIT_SCREENING
from needlecare.scheduling.services import visit_screening_confirm, waitlist_accept_by_link
from needlecare.web.forms import attempt
from needlecare.web.link_forms import CheckInForm
from needlecare.web.patient_words import patient_words


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    clinic = context.get("clinic")
    with timezone.override(clinic_zone(clinic)):
        return render(request, f"links/{template}", context, status=status)


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # The fixed refusals are listed for translation in web.patient_words.
    reason = patient_words(exc.message)
    return _page(request, "refused.html", {"reason": reason}, status=exc.status)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def visit_screening(request: HttpRequest, token: str) -> HttpResponse:
    try:
        appointment = access_linked_appointment(VISIT_SCREENING, token)
        if request.method == "POST":
            visit_screening_confirm(token=token)
            context = {"appointment": appointment, "clinic": appointment.clinic, "done": True}
            return _page(request, "visit_screening.html", context)
    except DomainError as exc:
        return _refused(request, exc)
    context = {"appointment": appointment, "clinic": appointment.clinic}
    return _page(request, "visit_screening.html", context)


@public
@require_http_methods(["GET", "HEAD", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = access_linked_offer(token)
        if request.method == "POST":
            _, appointment = waitlist_accept_by_link(token=token)
            context = {"offer": found, "clinic": found.entry.clinic, "booked": appointment}
            return _page(request, "offer.html", context)
    except DomainError as exc:
        return _refused(request, exc)
    return _page(request, "offer.html", {"offer": found, "clinic": found.entry.clinic})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    try:
        session = access_linked_session(token)
    except DomainError as exc:
        return _refused(request, exc)
    form = CheckInForm(request.POST or None)
    outcome = attempt(form, lambda: check_in_record(token=token, **form.cleaned_data))
    context: dict[str, Any] = {"session": session, "clinic": session.clinic, "form": form}
    if outcome.value is not None:
        context["answers"] = outcome.value
        return _page(request, "check_in_done.html", context)
    if outcome.error is not None and outcome.error.code.startswith("link."):
        return _refused(request, outcome.error)
    return _page(request, "check_in.html", context, status=outcome.status)
