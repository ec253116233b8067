"""Treatment record pages: open a session behind its gates, chart it, sign it, add to it; and
the clinic's adverse event report.

Who may do what: the appointment's therapist charts and signs; every clinician of the clinic
(therapists and clinic admins) reads the record, adds addenda once it is signed and records
adverse events, as the services allow; the front desk and patients never see treatment notes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import CLINICAL, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting import selectors, services
from needlecare.charting.access import access_session
from needlecare.charting.models import TreatmentSession
from needlecare.charting.selectors import NotConsented
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.scheduling.access import access_appointment
from needlecare.scheduling.models import Appointment, Status
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITION_INFO, THORAX
from needlecare.screening.selectors import screening_current
from needlecare.screening.services import NotCleared
from needlecare.web.charting_forms import (
    AddendumForm,
    AdverseEventForm,
    NeedlingForm,
    SessionDetailsForm,
    SessionOpenForm,
    region_label,
)
from needlecare.web.forms import add_domain_error, attempt

# --- Opening the record: the gates -------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A service's refusal, in its own words, with what to do next."""

    message: str
    links: list[tuple[str, str]]


def _refusal(exc: DomainError, appointment: Appointment) -> Refusal:
    patient = appointment.patient
    links: list[tuple[str, str]] = []
    if isinstance(exc, NotConsented):
        links.append(("Go to the consent form", reverse("staff-consent", args=[patient.pk])))
    elif isinstance(exc, NotCleared):
        links.append(
            ("Screen again with the patient", reverse("staff-questionnaire", args=[patient.pk]))
        )
        links.append(
            ("Record a physician's clearance", reverse("staff-clearance-new", args=[patient.pk]))
        )
    elif exc.code == "session.not_checked_in":
        links.append(
            ("Back to the appointment", reverse("staff-appointment", args=[appointment.pk]))
        )
    elif exc.code == "therapist.not_certified":
        links.append(
            (
                "See the therapists' credentials",
                reverse("staff-clinic", args=[appointment.clinic.slug]),
            )
        )
    return Refusal(message=exc.message, links=links)


def _offered_regions(appointment: Appointment, screening: Screening | None) -> list[str]:
    """The planned areas first, then any other area the current screening clears."""
    cleared = screening.decision.cleared_regions() if screening else ()
    return list(dict.fromkeys([*appointment.planned_regions, *cleared]))


# Refusals about the form's own fields go next to them; the rest are shown with what to do.
FORM_FIELDS = ("no_changes_confirmed", "planned_regions", "late_reason")


def _open_from(
    request: AuthedRequest, appointment: Appointment, form: SessionOpenForm
) -> tuple[TreatmentSession | None, Refusal | None, int]:
    """Open the record from a posted form: the session, or the refusal and the status."""
    if not form.is_bound:
        return None, None, 200
    if not form.is_valid():
        return None, None, 400
    try:
        session = services.session_open(
            appointment=appointment,
            regions=form.cleaned_data["regions"],
            by=request.user,
            no_changes_confirmed=form.cleaned_data.get("no_changes_confirmed", False),
            late_reason=form.cleaned_data.get("late_reason", ""),
        )
    except DomainError as exc:
        if exc.field in FORM_FIELDS:
            add_domain_error(form, exc)
            return None, None, exc.status
        return None, _refusal(exc, appointment), exc.status
    return session, None, 200


@allow(*CLINICAL)
def session_open(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment(request.user, appointment_id, roles=CLINICAL)
    existing = selectors.session_of_appointment(appointment)
    if existing is not None:
        return redirect("staff-session", session_id=existing)
    clinic = appointment.clinic
    zone = clinic_zone(clinic)
    screening = screening_current(appointment.patient)
    screened_on = timezone.localtime(screening.entered_at, zone).date() if screening else None
    offered = _offered_regions(appointment, screening)
    form = SessionOpenForm(
        request.POST if request.method == "POST" else None,
        regions=offered,
        screened_on=screened_on if screened_on != clinic_today(clinic) else None,
        late=timezone.localtime(appointment.starts_at, zone).date() < clinic_today(clinic),
        initial={"regions": list(appointment.planned_regions)},
    )
    session, refusal, status = _open_from(request, appointment, form)
    if session is not None:
        messages.success(request, "The treatment record is open.")
        return redirect("staff-session", session_id=session.pk)
    context: dict[str, Any] = {
        "appointment": appointment,
        "patient": appointment.patient,
        "clinic": clinic,
        "screening": screening,
        "screened_on": screened_on,
        "not_cleared": [
            region_label(r) for r in offered if not (screening and screening.decision.clears(r))
        ],
        "consent": selectors.consent_status(appointment.patient, clinic),
        "treating": appointment.therapist.user_id == request.user.pk
        and request.user.role == Role.THERAPIST,
        "dry_needling": appointment.type.needs_certification,
        "checked_in": appointment.status == Status.CHECKED_IN,
        "form": form,
        "refusal": refusal,
    }
    with timezone.override(zone):
        return render(request, "charting/open.html", context, status=status)


# --- The session page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Precaution:
    label: str
    message: str
    regions: str


def _precautions(session: TreatmentSession) -> list[Precaution]:
    """The screening's precautions that reach the areas of this session."""
    return [
        Precaution(
            label=CONDITION_INFO[reason.code].label,
            message=reason.message,
            regions=", ".join(region_label(r) for r in reason.regions if r in session.regions),
        )
        for reason in session.screening.decision.precautions_for(session.regions)
    ]


def _sign_problems(exc: DomainError | None) -> dict[str, Any] | None:
    """A refused signature as a lead and a list of what is missing, so each reads on its own."""
    if exc is None:
        return None
    problems = exc.details.get("problems", [])
    if not problems:
        return {"lead": exc.message, "items": []}
    return {"lead": "Before signing:", "items": [p[:1].upper() + p[1:] for p in problems]}


def _details_initial(session: TreatmentSession) -> dict[str, Any]:
    return {name: getattr(session, name) for name in SessionDetailsForm.base_fields}


def _session_page(
    request: AuthedRequest,
    session: TreatmentSession,
    *,
    details_form: SessionDetailsForm | None = None,
    needling_form: NeedlingForm | None = None,
    sign_error: DomainError | None = None,
    addendum_form: AddendumForm | None = None,
    event_form: AdverseEventForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    treating = user.role == Role.THERAPIST and session.therapist.user_id == user.pk
    can_chart = treating and not session.is_signed
    rows = list(session.needling.all())
    # A refusal of a form this person is not shown (a signed record, someone else's session)
    # still says why, above everything.
    hidden = [] if can_chart else [details_form, needling_form]
    stray_errors = [
        e for form in hidden if form is not None for errors in form.errors.values() for e in errors
    ]
    if sign_error and not can_chart:
        stray_errors.append(sign_error.message)
        sign_error = None
    if request.method == "GET":
        audit_read(actor=user, request=request, what="treatment record", targets=[session])
    context: dict[str, Any] = {
        "session": session,
        "patient": session.patient,
        "appointment": session.appointment,
        "clinic": session.clinic,
        "regions": [region_label(r) for r in session.regions],
        "thorax": bool(THORAX & set(session.regions)),
        "precautions": _precautions(session),
        "visit_number": selectors.visit_number(session),
        "rows": rows,
        "billing_code": services.billing_code(len({(r.muscle, r.side) for r in rows})),
        "can_chart": can_chart,
        "stray_errors": stray_errors,
        "details_form": details_form or SessionDetailsForm(initial=_details_initial(session)),
        "needling_form": needling_form or NeedlingForm(),
        "sign_error": _sign_problems(sign_error),
        "addenda": selectors.addenda_of(session),
        "addendum_form": addendum_form or AddendumForm(),
        "events": selectors.adverse_events_of_session(session),
        "check_in": selectors.check_in_of(session),
        "event_form": event_form or AdverseEventForm(initial={"reported_by": "The therapist"}),
    }
    with timezone.override(clinic_zone(session.clinic)):
        return render(request, "charting/session.html", context, status=status)


@allow(*CLINICAL)
def session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    return _session_page(request, access_session(request.user, session_id))


def _back(session: TreatmentSession, anchor: str) -> HttpResponse:
    return redirect(reverse("staff-session", args=[session.pk]) + f"#{anchor}")


def _chart_post(
    request: AuthedRequest,
    session: TreatmentSession,
    form: Form,
    *,
    form_name: str,
    anchor: str,
    write: Callable[[], str],
) -> HttpResponse:
    """One treatment-record form: valid, to its service and back to the section with a message;
    refused or invalid, the page again with the form and its errors.
    """
    outcome = attempt(form, write)
    if outcome.value is not None:
        messages.success(request, outcome.value)
        return _back(session, anchor)
    session.refresh_from_db()  # the service may have changed it before refusing
    shown: dict[str, Any] = {form_name: form}
    return _session_page(request, session, **shown, status=outcome.status)


@allow(*CLINICAL)
@require_POST
def session_details(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    form = SessionDetailsForm(request.POST)

    def write() -> str:
        services.session_update(session=session, by=request.user, **form.changes())
        return "The session details are saved."

    return _chart_post(
        request, session, form, form_name="details_form", anchor="details-title", write=write
    )


@allow(*CLINICAL)
@require_POST
def session_needling(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    form = NeedlingForm(request.POST)

    def write() -> str:
        record = services.needling_add(session=session, by=request.user, **form.cleaned_data)
        return f"{record.get_muscle_display()} ({record.side}) is recorded."

    return _chart_post(
        request, session, form, form_name="needling_form", anchor="needling-title", write=write
    )


@allow(*CLINICAL)
@require_POST
def session_sign(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    try:
        services.session_sign(session=session, by=request.user)
    except DomainError as exc:
        return _session_page(request, session, sign_error=exc, status=exc.status)
    messages.success(request, "The session is signed; the record is locked.")
    return redirect("staff-session", session_id=session.pk)


@allow(*CLINICAL)
@require_POST
def session_addendum(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    form = AddendumForm(request.POST)

    def write() -> str:
        services.addendum_add(session=session, text=form.cleaned_data["text"], by=request.user)
        return "The addendum is added."

    return _chart_post(
        request, session, form, form_name="addendum_form", anchor="addenda-title", write=write
    )


@allow(*CLINICAL)
@require_POST
def session_adverse_event(request: AuthedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    form = AdverseEventForm(request.POST)

    def write() -> str:
        event = services.adverse_event_record(session=session, by=request.user, **form.cleaned_data)
        note = " The clinic's admins have been alerted." if event.severity == "serious" else ""
        return f"The adverse event is recorded.{note}"

    return _chart_post(
        request, session, form, form_name="event_form", anchor="events-title", write=write
    )
