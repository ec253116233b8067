"""The resource types the FHIR server reads: where each comes from and how it is scoped.

A type has one or more sources (Observation has three: outcome measures, and the pain before
and after each signed session), each a queryset of rows giving exactly one resource a row,
with the lookups that scope it: to a clinic (staff and integration tokens see their clinics'
records), to a patient (a patient sees their own compartment; `patient=` searches), and the
moment `date=` searches. Schedule, PractitionerRole and Slot are computed, not stored: the
views build them (views_computed.py).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from needlecare.charting.models import AdverseEvent, Consent, TreatmentSession
from needlecare.clinics.models import Clinic, Therapist
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment, AppointmentType
from needlecare.screening.models import Screening

from . import from_models as fm
from .mapping import clinical, people, records, scheduling
from .mapping.common import JSON

FileUrl = Callable[[str, int], str]


@dataclass(frozen=True)
class Context:
    """What a mapping needs besides the row: where files are served, and the time now."""

    file_url: FileUrl
    now: dt.datetime


@dataclass(frozen=True)
class Source:
    model: type[Model]
    rows: Callable[[], QuerySet[Any]]
    resource: Callable[[Any, Context], JSON]
    clinic: str  # lookup from the row to its clinic's id
    patient: str | None = None  # lookup to the patient's id (None: not patient data)
    date: str | None = None  # lookup to the moment date= searches
    prefix: str = ""  # the resource id is prefix + the row's pk
    only: Q | None = None  # rows that give a resource (e.g. a pain score recorded)
    many_clinics: bool = False  # the clinic lookup crosses a to-many relation: distinct rows

    def queryset(self) -> QuerySet[Any]:
        rows = self.rows()
        return rows.filter(self.only) if self.only is not None else rows


@dataclass(frozen=True)
class Kind:
    type: str
    sources: tuple[Source, ...]
    clinical: bool = False  # a treatment record: never the front desk
    search: tuple[str, ...] = ()  # search parameters beyond the common ones

    @property
    def patient_bound(self) -> bool:
        return self.sources[0].patient is not None


def _pain(when: str) -> Callable[[TreatmentSession, Context], JSON]:
    def resource(session: TreatmentSession, ctx: Context) -> JSON:
        wanted = records.pain_observation_id(session.pk, when)
        value = fm.session_value(session)
        return next(r for r in records.pain_observation_resources(value) if r["id"] == wanted)

    return resource


SESSION: dict[str, Any] = {"clinic": "clinic_id", "patient": "patient_id", "date": "signed_at"}

KINDS: dict[str, Kind] = {
    kind.type: kind
    for kind in (
        Kind(
            "Patient",
            (
                Source(
                    Patient,
                    fm.patient_rows,
                    lambda row, ctx: people.patient_resource(fm.patient_value(row)),
                    clinic="preferred_clinic_id",
                    patient="pk",
                ),
            ),
            search=("name", "birthdate", "organization"),
        ),
        Kind(
            "Practitioner",
            (
                Source(
                    Therapist,
                    fm.therapist_rows,
                    lambda row, ctx: people.practitioner_resource(fm.practitioner_value(row)),
                    clinic="user__memberships__clinic_id",
                    many_clinics=True,
                ),
            ),
            search=("name",),
        ),
        Kind(
            "Organization",
            (
                Source(
                    Clinic,
                    fm.clinic_rows,
                    lambda row, ctx: people.organization_resource(fm.clinic_value(row)),
                    clinic="pk",
                ),
            ),
        ),
        Kind(
            "Location",
            (
                Source(
                    Clinic,
                    fm.clinic_rows,
                    lambda row, ctx: people.location_resource(fm.clinic_value(row)),
                    clinic="pk",
                ),
            ),
        ),
        Kind(
            "HealthcareService",
            (
                Source(
                    AppointmentType,
                    lambda: AppointmentType.objects.order_by("pk"),
                    lambda row, ctx: people.healthcare_service_resource(fm.service_value(row)),
                    clinic="clinic_id",
                ),
            ),
        ),
        Kind(
            "Appointment",
            (
                Source(
                    Appointment,
                    fm.appointment_rows,
                    lambda row, ctx: scheduling.appointment_resource(fm.appointment_value(row)),
                    clinic="clinic_id",
                    patient="patient_id",
                    date="starts_at",
                ),
            ),
            search=("status",),
        ),
        Kind(
            "QuestionnaireResponse",
            (
                Source(
                    Screening,
                    fm.screening_rows,
                    lambda row, ctx: clinical.questionnaire_response_resource(
                        fm.screening_value(row)
                    ),
                    clinic="patient__preferred_clinic_id",
                    patient="patient_id",
                    date="entered_at",
                ),
            ),
        ),
        Kind(
            "RiskAssessment",
            (
                Source(
                    Screening,
                    fm.screening_rows,
                    lambda row, ctx: clinical.risk_assessment_resource(fm.screening_value(row)),
                    clinic="patient__preferred_clinic_id",
                    patient="patient_id",
                    date="entered_at",
                ),
            ),
        ),
        Kind(
            "Consent",
            (
                Source(
                    Consent,
                    fm.consent_rows,
                    lambda row, ctx: clinical.consent_resource(
                        fm.consent_value(row, ctx.file_url), now=ctx.now
                    ),
                    clinic="patient__preferred_clinic_id",
                    patient="patient_id",
                    date="signed_at",
                ),
            ),
        ),
        Kind(
            "Procedure",
            (
                Source(
                    TreatmentSession,
                    fm.signed_session_rows,
                    lambda row, ctx: clinical.procedure_resource(fm.session_value(row)),
                    **SESSION,
                ),
            ),
            clinical=True,
        ),
        Kind(
            "Observation",
            (
                Source(
                    MeasureResponse,
                    fm.measure_rows,
                    lambda row, ctx: records.measure_observation_resource(fm.measure_value(row)),
                    clinic="patient__preferred_clinic_id",
                    patient="patient_id",
                    date="completed_at",
                    prefix="measure-",
                ),
                Source(
                    TreatmentSession,
                    fm.signed_session_rows,
                    _pain("before"),
                    only=Q(pain_before__isnull=False),
                    prefix="pain-before-",
                    **SESSION,
                ),
                Source(
                    TreatmentSession,
                    fm.signed_session_rows,
                    _pain("after"),
                    only=Q(pain_after__isnull=False),
                    prefix="pain-after-",
                    **SESSION,
                ),
            ),
            clinical=True,
        ),
        Kind(
            "AdverseEvent",
            (
                Source(
                    AdverseEvent,
                    fm.adverse_event_rows,
                    lambda row, ctx: records.adverse_event_resource(fm.adverse_event_value(row)),
                    clinic="session__clinic_id",
                    patient="session__patient_id",
                    date="recorded_at",
                ),
            ),
            clinical=True,
        ),
        Kind(
            "DocumentReference",
            (
                Source(
                    Letter,
                    fm.letter_rows,
                    lambda row, ctx: records.document_reference_resource(
                        fm.letter_value(row, ctx.file_url)
                    ),
                    clinic="patient__preferred_clinic_id",
                    patient="patient_id",
                    date="created_at",
                ),
            ),
            clinical=True,
        ),
    )
}

# Computed from working hours and availability, not rows of their own (views_computed.py).
COMPUTED = ("PractitionerRole", "Schedule", "Slot")
SUPPORTED = (*KINDS, *COMPUTED)


def source_for_id(kind: Kind, id: str) -> tuple[Source, int] | None:
    """Which source a resource id comes from, and the row's pk; None for an id of no shape."""
    for source in kind.sources:
        if id.startswith(source.prefix):
            number = id[len(source.prefix) :]
            if number.isdigit() and not number.startswith("0") and len(number) < 18:
                return source, int(number)
    return None
