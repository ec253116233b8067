"""A clinic admin sets a therapist's weekly working hours at the clinic and their time off.

Both go through the scheduling setup services (`working_hours_set`, `time_off_save`, and
`setup_delete` to take time off back), which check overlaps, at every clinic the therapist
works at, and audit each change. Only active therapists of the admin's clinic are found.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Therapist
from needlecare.clinics.services import setup_delete
from needlecare.common.time import clinic_zone
from needlecare.scheduling.access import access_clinic_therapist
from needlecare.scheduling.models import TimeOff, WorkingHours
from needlecare.scheduling.services.setup import time_off_save, working_hours_set
from needlecare.web.forms import attempt
from needlecare.web.staff_admin_forms import TimeOffForm, WorkingHoursForm

ADMIN = (Role.CLINIC_ADMIN,)


def _hours_of(therapist: Therapist) -> list[WorkingHours]:
    """The therapist's weekly periods at every clinic they work at."""
    return list(
        WorkingHours.objects.filter(therapist=therapist)
        .select_related("clinic")
        .order_by("weekday", "starts")
    )


def _time_off_ahead(therapist: Therapist) -> list[TimeOff]:
    """The therapist's time off that has not ended yet, soonest first."""
    return list(TimeOff.objects.filter(therapist=therapist, ends_at__gt=timezone.now()))


@allow(Role.CLINIC_ADMIN)
def working_hours(request: AuthedRequest, slug: str, therapist_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    therapist = access_clinic_therapist(clinic, therapist_id)
    hours = _hours_of(therapist)
    here = [(h.weekday, h.starts, h.ends) for h in hours if h.clinic_id == clinic.pk]
    form = WorkingHoursForm(request.POST or None, current=here)
    outcome = attempt(
        form,
        lambda: working_hours_set(
            therapist=therapist, clinic=clinic, hours=form.periods(), by=request.user
        ),
    )
    if outcome.done:
        messages.success(request, f"{therapist.user.full_name}'s hours at {clinic} are saved.")
        return redirect("staff-admin-hours", clinic.slug, therapist.pk)
    context = {
        "clinic": clinic,
        "therapist": therapist,
        "form": form,
        "elsewhere": [h for h in hours if h.clinic_id != clinic.pk],
    }
    return render(request, "staff_admin/hours.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
def time_off(request: AuthedRequest, slug: str, therapist_id: int) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    therapist = access_clinic_therapist(clinic, therapist_id)
    zone = clinic_zone(clinic)
    form = TimeOffForm(request.POST or None, zone=zone)
    outcome = attempt(
        form,
        lambda: time_off_save(
            time_off=TimeOff(therapist=therapist, **form.details()),
            by=request.user,
            fields=["starts_at", "ends_at", "reason"],
        ),
    )
    if outcome.done:
        messages.success(request, f"Time off for {therapist.user.full_name} is recorded.")
        return redirect("staff-admin-time-off", clinic.slug, therapist.pk)
    context = {
        "clinic": clinic,
        "therapist": therapist,
        "form": form,
        "ahead": _time_off_ahead(therapist),
        "zone": zone,
    }
    return render(request, "staff_admin/time_off.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
@require_POST
def time_off_delete(
    request: AuthedRequest, slug: str, therapist_id: int, time_off_id: int
) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=ADMIN)
    therapist = access_clinic_therapist(clinic, therapist_id)
    # Only time off still to come (or under way) is taken back; what has passed stays.
    record = next((t for t in _time_off_ahead(therapist) if t.pk == time_off_id), None)
    if record is None:
        raise Http404("No such time off.")
    setup_delete(record=record, by=request.user)
    starts = timezone.localtime(record.starts_at, clinic_zone(clinic))
    messages.success(request, f"The time off from {starts:%b %-d} is taken back.")
    return redirect("staff-admin-time-off", clinic.slug, therapist.pk)
