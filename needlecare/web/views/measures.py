"""Outcome measure pages (questionnaires, plans of care, progress charts) and the letters made
from a patient's record.

Patients answer the measures their plan of care asks for and see their own progress and
letters; therapists set the plan, enter a measure at the clinic and write letters; clinic admins
read, and may ask a physician for a clearance. The front desk sees none of it.
"""

import base64
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from needlecare.accounts.access import CLINICAL, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting.selectors import signed_session_times
from needlecare.common.time import clinic_zone
from needlecare.outcomes.instruments import INSTRUMENTS, Instrument, default_instruments
from needlecare.outcomes.models import MeasureResponse
from needlecare.outcomes.selectors import measure_progress, measures_due, plan_of_care_current
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.patients.access import access_own_patient, access_patient
from needlecare.patients.models import Patient
from needlecare.reports.access import access_letter
from needlecare.reports.charts import progress_chart_svg
from needlecare.reports.models import Letter
from needlecare.reports.selectors import letters_of
from needlecare.reports.services import letter_write
from needlecare.screening.selectors import screening_current
from needlecare.web.charting_forms import region_label
from needlecare.web.forms import attempt
from needlecare.web.measures_forms import InstrumentForm, LetterForm, PlanOfCareForm
from needlecare.web.progress_words import chart_words, progress_words


def _read(request: AuthedRequest, patient: Patient, what: str, kind: type[Model]) -> None:
    audit_read(
        actor=request.user, request=request, what=what, targets=[kind], patient_id=patient.pk
    )


# --- Progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    code: str
    name: str
    statement: str
    image: str  # a data: URI; see progress() for why not inline
    description: str
    scores: list[MeasureResponse]
    unit: str


def _shown(instrument: Instrument, value: float) -> str:
    return f"{value:g}%" if instrument.unit == "%" else f"{value:g}"


def progress(patient: Patient) -> list[Chart]:
    """Each measure the patient has done, as a chart with its plain-words statement.

    The chart is our own SVG from reports.charts, shown as an <img> with a data: URI rather
    than inline: matplotlib writes style attributes and a <style> element, which the site's
    Content-Security-Policy (style-src 'self') refuses in the page itself, but not inside an
    image, which is a document of its own.
    """
    zone = clinic_zone(patient.preferred_clinic)
    sessions = [timezone.localtime(opened, zone) for opened in signed_session_times(patient)]
    charts = []
    for measure in measure_progress(patient):
        instrument = INSTRUMENTS[measure.instrument]
        points = [(timezone.localtime(r.completed_at, zone), r.value) for r in measure.points]
        first, last = measure.points[0], measure.points[-1]
        if measure.change is not None:
            statement = progress_words(measure.instrument, first.value, last.value)
        else:
            day = points[0][0]
            statement = _(
                "%(name)s: one score so far, %(score)s on %(day)s; no change to report yet."
            ) % {
                "name": instrument.name,
                "score": _shown(instrument, first.value),
                "day": date_format(day, pgettext("date format", "F j, Y")),
            }
        svg = progress_chart_svg(
            instrument_code=measure.instrument, points=points, sessions=sessions
        )
        charts.append(
            Chart(
                code=measure.instrument,
                name=instrument.name,
                statement=statement,
                image="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
                description=chart_words(measure.instrument, points, len(sessions)),
                scores=measure.points,
                unit=instrument.unit,
            )
        )
    return charts


# --- Answering a measure ------------------------------------------------------------------------


def _instrument_page(
    request: AuthedRequest, patient: Patient, instrument: Instrument, *, staff: bool
) -> HttpResponse:
    form = InstrumentForm(request.POST or None, instrument=instrument)
    outcome = attempt(
        form,
        lambda: measure_record(
            patient=patient,
            instrument=instrument.code,
            answers=form.answers(),
            labels=form.labels(),
            by=request.user,
        ),
    )
    if outcome.value is not None:
        shown = _shown(instrument, outcome.value.value)
        band = f" ({outcome.value.band})" if outcome.value.band else ""
        if staff:
            messages.success(request, f"{instrument.name}: {shown}{band} is recorded.")
            return redirect("staff-measures", patient_id=patient.pk)
        messages.success(
            request,
            _("Thank you. Your %(name)s score is %(score)s.")
            % {"name": instrument.name, "score": f"{shown}{band}"},
        )
        return redirect("my-measures")
    context = {"patient": patient, "instrument": instrument, "form": form, "staff": staff}
    return render(request, "measures/instrument.html", context, status=outcome.status)


@allow(Role.PATIENT)
def my_measures(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    _read(request, patient, "outcome measures", MeasureResponse)
    plan = plan_of_care_current(patient)
    context = {
        "patient": patient,
        "plan": plan,
        "due": [INSTRUMENTS[code] for code in measures_due(patient)],
        "planned": [INSTRUMENTS[code] for code in plan.measures] if plan else [],
        "charts": progress(patient),
    }
    return render(request, "measures/mine.html", context)


@allow(Role.PATIENT)
def my_measure(request: AuthedRequest, code: str) -> HttpResponse:
    patient = access_own_patient(request.user)
    plan = plan_of_care_current(patient)
    # A patient answers the measures their therapist chose, nothing else.
    if plan is None or code not in plan.measures or code not in INSTRUMENTS:
        raise Http404("No such measure in your plan of care.")
    return _instrument_page(request, patient, INSTRUMENTS[code], staff=False)


@allow(Role.THERAPIST)
def staff_measure(request: AuthedRequest, patient_id: int, code: str) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=(Role.THERAPIST,))
    if code not in INSTRUMENTS:
        raise Http404("No such measure.")
    return _instrument_page(request, patient, INSTRUMENTS[code], staff=True)


def _plan_initial(patient: Patient) -> dict[str, Any]:
    plan = plan_of_care_current(patient)
    if plan is not None:
        return {
            "regions": plan.regions,
            "measures": plan.measures,
            "every_visits": plan.every_visits,
        }
    screening = screening_current(patient)
    regions = list(screening.decision.planned_regions) if screening else []
    return {"regions": regions, "measures": default_instruments(regions), "every_visits": 4}


@allow(*CLINICAL)
def staff_measures(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=CLINICAL)
    form = PlanOfCareForm(request.POST or None, initial=_plan_initial(patient))
    outcome = attempt(
        form,
        lambda: plan_of_care_set(
            patient=patient,
            regions=form.cleaned_data["regions"],
            measures=form.cleaned_data["measures"] or None,
            every_visits=form.cleaned_data["every_visits"],
            by=request.user,
        ),
    )
    if outcome.done:
        messages.success(request, "The plan of care is saved.")
        return redirect("staff-measures", patient_id=patient.pk)
    if not form.is_bound:
        _read(request, patient, "outcome measures", MeasureResponse)
    plan = plan_of_care_current(patient)
    context = {
        "patient": patient,
        "plan": plan,
        "plan_regions": [region_label(r) for r in plan.regions] if plan else [],
        "planned": [INSTRUMENTS[code] for code in plan.measures] if plan else [],
        "due": [INSTRUMENTS[code] for code in measures_due(patient)],
        "instruments": list(INSTRUMENTS.values()),
        "charts": progress(patient),
        "form": form,
        "therapist": request.user.role == Role.THERAPIST,
    }
    return render(request, "measures/staff.html", context, status=outcome.status)


# --- Letters ------------------------------------------------------------------------------------


def _letter_file(letter: Letter) -> FileResponse:
    pdf: FieldFile = letter.pdf
    day = timezone.localtime(letter.created_at, clinic_zone(letter.patient.preferred_clinic))
    return FileResponse(
        pdf.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{letter.kind.replace('_', '-')}-{day:%Y-%m-%d}.pdf",
    )


@allow(*CLINICAL)
def staff_letters(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=CLINICAL)
    form = LetterForm(request.POST or None)
    outcome = attempt(
        form,
        lambda: letter_write(patient=patient, kind=form.cleaned_data["kind"], by=request.user),
    )
    if outcome.value is not None:
        messages.success(request, f"The {outcome.value.get_kind_display().lower()} is written.")
        return redirect("staff-letters", patient_id=patient.pk)
    if not form.is_bound:
        _read(request, patient, "letters", Letter)
    context = {
        "patient": patient,
        "letters": letters_of(patient),
        "form": form,
        "therapist": request.user.role == Role.THERAPIST,
    }
    return render(request, "measures/letters.html", context, status=outcome.status)


@allow(*CLINICAL)
def staff_letter_pdf(request: AuthedRequest, letter_id: int) -> FileResponse:
    letter = access_letter(request.user, letter_id, roles=CLINICAL)
    audit_read(actor=request.user, request=request, what="letter PDF", targets=[letter])
    return _letter_file(letter)


@allow(Role.PATIENT)
def my_letters(request: AuthedRequest) -> HttpResponse:
    patient = access_own_patient(request.user)
    _read(request, patient, "letters", Letter)
    context = {"patient": patient, "letters": letters_of(patient)}
    return render(request, "measures/my_letters.html", context)


@allow(Role.PATIENT)
def my_letter_pdf(request: AuthedRequest, letter_id: int) -> FileResponse:
    letter = access_letter(request.user, letter_id, roles=(Role.PATIENT,))
    audit_read(actor=request.user, request=request, what="letter PDF", targets=[letter])
    return _letter_file(letter)
