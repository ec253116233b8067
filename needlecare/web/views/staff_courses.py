"""Staff pages for a course of care: cancelling the rest of it (the front desk and clinic
admins). The course itself is shown on each visit's page (`schedule/_course.html`); booking one
is a step of the booking pages (`_course_step`)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from needlecare.accounts.access import DESK, AuthedRequest, allow
from needlecare.common.time import clinic_zone
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.series_reads import course_of
from needlecare.scheduling.services import appointment_series_cancel_rest
from needlecare.web.course_forms import CourseCancelForm
from needlecare.web.forms import attempt


@allow(*DESK)
def cancel_rest(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    """The visits still to come from this one on, and a POST that cancels them all."""
    appointment = access_appointment(request.user, appointment_id, roles=DESK)
    course = course_of(appointment)
    if course is None:
        raise Http404("This visit is not part of a course.")
    form = CourseCancelForm(request.POST if request.method == "POST" else None)
    outcome = attempt(
        form,
        lambda: appointment_series_cancel_rest(
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            by=request.user,
            kind=form.cleaned_data["kind"],
        ),
    )
    if outcome.value is not None:
        n = len(outcome.value)
        messages.success(
            request,
            f"{appointment.patient.full_name}'s course: "
            f"{'1 visit is' if n == 1 else f'{n} visits are'} cancelled.",
        )
        return redirect("staff-appointment", appointment_id=appointment.pk)
    context = {
        "appointment": appointment,
        "clinic": appointment.clinic,
        "course": course,
        "rest": course.rest(),
        "form": form,
    }
    with timezone.override(clinic_zone(appointment.clinic)):
        return render(request, "schedule/course_cancel.html", context, status=outcome.status)
