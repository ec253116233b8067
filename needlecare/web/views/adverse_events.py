"""Adverse events beyond one record: reviewing what a patient reported in their check-in, and
the clinic's adverse event report beside the published rates."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import CLINICAL, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting import selectors, services
from needlecare.charting.access import access_adverse_event
from needlecare.charting.models import AdverseEvent
from needlecare.charting.report import PUBLISHED, Rate
from needlecare.clinics.access import access_clinic
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.web.charting_forms import region_label


@allow(*CLINICAL)
@require_POST
def adverse_event_review(request: AuthedRequest, event_id: int) -> HttpResponse:
    """Confirm or reject an event the patient reported in their check-in."""
    event = access_adverse_event(request.user, event_id)
    confirmed = request.POST.get("decision") == "confirm"
    try:
        services.adverse_event_review(event=event, confirmed=confirmed, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        verdict = "confirmed" if confirmed else "marked as not an adverse event"
        messages.success(
            request, f"The reported {event.get_category_display().lower()} is {verdict}."
        )
    return redirect(reverse("staff-session", args=[event.session_id]) + "#events-title")


# --- The adverse event report -------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRow:
    label: str
    rate: Rate
    brady: float | None
    boyce: float | None


@allow(Role.CLINIC_ADMIN)
def adverse_events(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    report = selectors.adverse_event_report_for(clinic)
    none = Rate(0, report.sessions)
    rows = [
        CategoryRow(label, report.by_category.get(key, none), brady, boyce)
        for key, (label, brady, boyce) in PUBLISHED.items()
    ]
    labels = dict(AdverseEvent.Category.choices)
    rows += [
        CategoryRow(labels.get(key, key), rate, None, None)
        for key, rate in report.by_category.items()
        if key not in PUBLISHED
    ]
    recent = selectors.adverse_events_recent(clinic)
    audit_read(actor=request.user, request=request, what="adverse event report", targets=recent)
    context = {
        "clinic": clinic,
        "report": report,
        "categories": rows,
        "therapists": list(report.by_therapist.items()),
        "regions": [(region_label(code), rate) for code, rate in report.by_region.items()],
        "recent": recent,
    }
    with timezone.override(clinic_zone(clinic)):
        return render(request, "charting/adverse_events.html", context)
