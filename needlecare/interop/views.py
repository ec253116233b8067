"""Calendar pages: a patient's appointment file, a therapist's feed and the page that manages it."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from needlecare.accounts.access import ANY_SIGNED_IN, AuthedRequest, allow, public
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.clinics.selectors import therapist_of
from needlecare.interop import selectors
from needlecare.interop.services import calendar_feed_create, calendar_feed_revoke
from needlecare.scheduling.access import access_appointment

CALENDAR = "text/calendar; charset=utf-8"


def _calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@allow(*ANY_SIGNED_IN)
@require_safe
def appointment_ics(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id)
    if appointment.status not in selectors.FILE_STATUSES:
        raise Http404("No such appointment.")
    audit_read(actor=request.user, request=request, what="calendar file", targets=[appointment])
    body = selectors.appointment_calendar(
        appointment,
        now=timezone.now(),
        screening_url=request.build_absolute_uri(reverse("screening")),
    )
    return _calendar_response(body, filename=f"appointment-{appointment.pk}.ics")


# Public because calendar apps cannot sign in: the unguessable token in the URL is the credential.
@public
@require_safe
def therapist_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = selectors.calendar_feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar.")
    # One row a fetch, naming the feed (whose visits are the therapist's, by initials only).
    actor = feed.therapist.user
    audit_read(actor=actor, request=request, what="calendar feed", targets=[feed])
    response = _calendar_response(selectors.therapist_calendar(feed, now=timezone.now()))
    response["X-Robots-Tag"] = "noindex"
    return response


@allow(Role.THERAPIST)
@require_http_methods(["GET", "HEAD", "POST"])
def therapist_calendar(request: AuthedRequest) -> HttpResponse:
    therapist = therapist_of(request.user)
    if therapist is None:
        raise Http404("No therapist profile.")
    feed_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _, token = calendar_feed_create(therapist=therapist, by=request.user)
            # Shown on this response only: the token is not stored, so it cannot be shown again.
            feed_url = request.build_absolute_uri(reverse("therapist-feed", args=[token]))
        elif action == "revoke":
            active = selectors.calendar_feed_active(therapist)
            if active is not None and request.POST.get("feed") == str(active.pk):
                calendar_feed_revoke(feed=active, by=request.user)
                messages.success(request, "Your calendar feed is turned off.")
            return redirect("therapist-calendar")
        else:
            return HttpResponseBadRequest("Unknown action.")
    response = render(
        request,
        "interop/therapist_calendar.html",
        {
            "feed": selectors.calendar_feed_active(therapist),
            "feed_url": feed_url,
            # webcal:// asks the device's calendar app to subscribe rather than download once.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else "",
        },
    )
    # The page may carry the feed URL, which must not linger in a cache.
    response["Cache-Control"] = "private, no-store"
    return response
