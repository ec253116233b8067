"""The whole demo practice, row by row, through from_models and the pure mappers: every
resource valid for the R4B models, one resource per database row (two pain Observations at
most per signed session), and the facts that matter equal to what the rest of needlecare says
(the CPT code charting bills, the slots booking offers)."""

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from needlecare.charting.models import AdverseEvent, Consent, TreatmentSession
from needlecare.charting.services.sessions import session_billing_code
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today
from needlecare.interop.fhir import from_models as fm
from needlecare.interop.fhir.mapping import clinical, people, records, scheduling
from needlecare.interop.fhir.mapping.scheduling import APPOINTMENT_STATUS
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import ACTIVE, Appointment, AppointmentType, Status
from needlecare.scheduling.selectors import slots_for
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITIONS

from .r4b import validate

pytestmark = pytest.mark.django_db


def file_url(kind: str, id: int) -> str:
    return f"https://clinic.example/fhir/R4/Binary/{kind}-{id}"


def _export() -> dict[str, list[dict[str, Any]]]:
    """Every mapped row of the demo as FHIR resources, by resource type."""
    now = timezone.now()
    out: dict[str, list[dict[str, Any]]] = {}

    def add(resource: dict[str, Any]) -> None:
        out.setdefault(resource["resourceType"], []).append(resource)

    for patient in fm.patient_rows():
        add(people.patient_resource(fm.patient_value(patient)))
    for therapist in fm.therapist_rows():
        add(people.practitioner_resource(fm.practitioner_value(therapist)))
    for clinic in fm.clinic_rows():
        value = fm.clinic_value(clinic)
        add(people.organization_resource(value))
        add(people.location_resource(value))
    for type in AppointmentType.objects.order_by("pk"):
        add(people.healthcare_service_resource(fm.service_value(type)))
    for role in fm.role_values():
        add(people.practitioner_role_resource(role))
        add(scheduling.schedule_resource(role))
    for appointment in fm.appointment_rows():
        add(scheduling.appointment_resource(fm.appointment_value(appointment)))
    for screening in fm.screening_rows():
        value = fm.screening_value(screening)
        add(clinical.questionnaire_response_resource(value))
        add(clinical.risk_assessment_resource(value))
    for consent in fm.consent_rows():
        add(clinical.consent_resource(fm.consent_value(consent, file_url), now=now))
    for session in fm.signed_session_rows():
        value = fm.session_value(session)
        add(clinical.procedure_resource(value))
        for observation in records.pain_observation_resources(value):
            add(observation)
    for measure in fm.measure_rows():
        add(records.measure_observation_resource(fm.measure_value(measure)))
    for event in fm.adverse_event_rows():
        add(records.adverse_event_resource(fm.adverse_event_value(event)))
    for letter in fm.letter_rows():
        add(records.document_reference_resource(fm.letter_value(letter, file_url)))
    return out


def test_every_row_of_the_demo_maps_to_a_valid_resource_one_for_one(demo):
    exported = _export()
    for resources in exported.values():
        for resource in resources:
            validate(resource)
    counts = {kind: len(resources) for kind, resources in exported.items()}
    signed = TreatmentSession.objects.filter(state=TreatmentSession.State.SIGNED)
    pains = sum((s.pain_before is not None) + (s.pain_after is not None) for s in signed)
    assert counts == {
        "Patient": Patient.objects.count(),
        "Practitioner": Therapist.objects.count(),
        "Organization": Clinic.objects.count(),
        "Location": Clinic.objects.count(),
        "HealthcareService": AppointmentType.objects.count(),
        "PractitionerRole": len(fm.role_values()),
        "Schedule": len(fm.role_values()),
        "Appointment": Appointment.objects.count(),
        "QuestionnaireResponse": Screening.objects.count(),
        "RiskAssessment": Screening.objects.count(),
        "Consent": Consent.objects.count(),
        "Procedure": signed.count(),
        "Observation": MeasureResponse.objects.count() + pains,
        "AdverseEvent": AdverseEvent.objects.count(),
        "DocumentReference": Letter.objects.count(),
    }
    # The demo holds every kind, so none of the counts above is vacuous.
    assert min(counts.values()) >= 1 and counts["Procedure"] >= 50
    ids = Counter((r["resourceType"], r["id"]) for rs in exported.values() for r in rs)
    assert [key for key, n in ids.items() if n > 1] == []
    # Each needlecare appointment status the demo uses came through as its FHIR status.
    by_id = {int(a["id"]): a["status"] for a in exported["Appointment"]}
    for pk, status in Appointment.objects.values_list("pk", "status"):
        assert by_id[pk] == APPOINTMENT_STATUS[status]
    # Instants go out in the clinics' local time (America/New_York), offset and all.
    offsets = {a["start"][-6:] for a in exported["Appointment"]}
    offsets |= {p["performedPeriod"]["start"][-6:] for p in exported["Procedure"]}
    assert offsets <= {"-04:00", "-05:00"}


def test_the_status_table_covers_every_appointment_status_needlecare_has():
    assert set(APPOINTMENT_STATUS) == set(Status.values)


def test_each_procedure_bills_the_cpt_code_charting_bills(demo):
    codes = Counter()
    for session in fm.signed_session_rows():
        procedure = clinical.procedure_resource(fm.session_value(session))
        codings = procedure["code"].get("coding", [])
        assert [c["code"] for c in codings] == [session_billing_code(session)]
        assert len(procedure["bodySite"]) == len(
            {(r.muscle, r.side) for r in session.needling.all()}
        )
        codes[codings[0]["code"]] += 1
    # The demo needles one or two muscles a visit; the 20561 side is in test_mapping_clinical.
    assert sum(codes.values()) >= 50


def test_a_screening_answers_every_question_and_decides_every_planned_region(demo):
    for screening in fm.screening_rows()[:50]:
        value = fm.screening_value(screening)
        response = clinical.questionnaire_response_resource(value)
        asked = [i["linkId"] for i in response["item"]][1:]
        assert asked[: len(CONDITIONS)] == [c.code for c in CONDITIONS]
        risk = clinical.risk_assessment_resource(value)
        decided = [p["extension"][0]["valueCoding"]["code"] for p in risk["prediction"]]
        assert decided == list(screening.decision.regions)


def test_free_slots_are_the_starts_booking_offers_and_busy_ones_the_active_visits(demo):
    clinic = Clinic.objects.order_by("pk").first()
    assert clinic is not None
    type = AppointmentType.objects.filter(clinic=clinic, is_active=True).order_by("pk").first()
    assert type is not None
    day = clinic_today(clinic) + dt.timedelta(days=1)
    offered = slots_for(clinic=clinic, type=type, first_day=day, last_day=day + dt.timedelta(6))
    free = [
        scheduling.slot_resource(fm.free_slot_value(s, clinic=clinic, type=type)) for s in offered
    ]
    assert free and {s["status"] for s in free} == {"free"}
    for slot in free:
        validate(slot)
    assert [dt.datetime.fromisoformat(s["start"]) for s in free] == [s.start for s in offered]
    # Sent in the clinic's local time (New York), not the database's UTC.
    assert {s["start"][-6:] for s in free} <= {"-04:00", "-05:00"}
    assert len({s["id"] for s in free}) == len(free)
    active = fm.appointment_rows().filter(clinic=clinic, status__in=ACTIVE)[:20]
    busy = [scheduling.slot_resource(fm.busy_slot_value(a)) for a in active]
    assert busy and {s["status"] for s in busy} == {"busy"}
    for slot in busy:
        validate(slot)
