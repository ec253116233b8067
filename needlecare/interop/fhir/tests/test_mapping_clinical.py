"""The pure FHIR mappers for the clinical record: screening, consent, the needling Procedure,
outcome and pain Observations, adverse events and letters; each valid for the R4B models.
No database."""

import datetime as dt
from dataclasses import replace

import pytest

from needlecare.interop.fhir.mapping.clinical import (
    billing_code,
    consent_resource,
    procedure_resource,
    questionnaire_response_resource,
    risk_assessment_resource,
)
from needlecare.interop.fhir.mapping.common import JSON
from needlecare.interop.fhir.mapping.records import (
    adverse_event_resource,
    document_reference_resource,
    measure_observation_resource,
    pain_observation_resources,
    parse_observation_id,
)
from needlecare.interop.fhir.values import MeasureItem, bcp47

from .r4b import validate
from .samples import (
    ADVERSE_EVENT,
    CONSENT,
    LETTER,
    MEASURE,
    SCREENING,
    SESSION,
    VISIT,
    muscle,
    session_with,
)

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"


def test_the_screening_answers_are_a_questionnaire_response_with_where_nested():
    response = questionnaire_response_resource(SCREENING)
    validate(response)
    assert response["id"] == "30" and response["status"] == "completed"
    assert response["subject"] == {"reference": "Patient/12"}
    planned, allergy, lesion = response["item"]
    assert [a["valueCoding"]["code"] for a in planned["answer"]] == ["neck", "shoulder_left"]
    assert allergy["answer"] == [{"valueBoolean": False}]
    assert lesion["answer"][0]["valueBoolean"] is True
    where = lesion["answer"][0]["item"][0]
    assert where["linkId"] == "skin_lesion.where"
    assert where["answer"][0]["valueCoding"]["display"] == "Left shoulder"


def test_the_screening_decision_is_a_risk_assessment_per_region_with_reasons():
    risk = risk_assessment_resource(SCREENING)
    validate(risk)
    assert risk["basis"] == [{"reference": "QuestionnaireResponse/30"}]
    neck, shoulder = risk["prediction"]
    assert neck["outcome"]["coding"][0]["code"] == "eligible"
    assert neck["extension"][0]["valueCoding"]["code"] == "neck"
    assert shoulder["outcome"]["coding"][0]["code"] == "proceed_with_precautions"
    assert shoulder["rationale"] == "Avoid the skin lesion until healed."
    assert risk["method"]["coding"][0]["code"] == "default-2026.1"
    assert risk["mitigation"] == "Avoid the skin lesion until healed."
    assert risk["note"] == [{"text": "Overall: Proceed with precautions"}]


def test_a_consent_is_for_treatment_with_its_period_version_and_signed_pdf():
    consent = consent_resource(CONSENT, now=VISIT)
    validate(consent)
    assert consent["status"] == "active"
    assert consent["scope"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/consentscope",
        "code": "treatment",
        "display": "Treatment",
    }
    assert consent["category"][0]["coding"][0]["code"] == "59284-0"
    assert consent["provision"]["period"] == {
        "start": "2026-03-09T09:00:00-04:00",
        "end": "2027-03-09T09:00:00-05:00",
    }
    assert consent["sourceAttachment"]["url"] == CONSENT.pdf_url
    assert consent["sourceAttachment"]["contentType"] == "application/pdf"
    assert "version 3" in consent["sourceAttachment"]["title"]
    assert consent["policy"][0]["uri"].endswith("/consent-document/2/version/3")
    assert consent["verification"][0]["verifiedWith"] == {"reference": "Practitioner/3"}


def test_a_consent_names_the_language_of_the_document_signed():
    assert consent_resource(CONSENT, now=VISIT)["sourceAttachment"]["language"] == "en"
    spanish = consent_resource(replace(CONSENT, language="es"), now=VISIT)
    assert spanish["sourceAttachment"]["language"] == "es"
    validate(spanish)
    assert bcp47("pt-br") == "pt-BR" and bcp47("es") == "es"


def test_a_consent_past_its_period_is_inactive_and_an_unsigned_one_unverified():
    later = VISIT + dt.timedelta(days=400)
    consent = consent_resource(replace(CONSENT, countersigned_by=None), now=later)
    validate(consent)
    assert consent["status"] == "inactive"
    assert "verification" not in consent


@pytest.mark.parametrize(
    ("muscles", "code"),
    [
        ((), None),
        ((("infraspinatus", "left"),), "20560"),
        ((("infraspinatus", "left"), ("infraspinatus", "right")), "20560"),
        ((("infraspinatus", "left"), ("deltoid", "left"), ("teres_minor", "left")), "20561"),
        # The same muscle on the same side twice is one muscle.
        ((("infraspinatus", "left"), ("infraspinatus", "left"), ("deltoid", "left")), "20560"),
    ],
)
def test_the_cpt_code_follows_the_number_of_muscles_needled(muscles, code):
    session = session_with(*(muscle(m, side) for m, side in muscles))
    assert billing_code(session) == code
    procedure = procedure_resource(session)
    validate(procedure)
    codings = procedure["code"].get("coding", [])
    assert [c["code"] for c in codings] == ([code] if code else [])
    if code:
        assert codings[0]["system"] == "http://www.ama-assn.org/go/cpt"


def test_each_needled_muscle_is_a_body_site_with_snomed_laterality_where_it_has_one():
    procedure = procedure_resource(
        session_with(
            muscle("infraspinatus", "left"),
            muscle("gluteus_medius", "right"),
            muscle("upper_trapezius", "midline"),
        )
    )
    validate(procedure)
    left, right, midline = procedure["bodySite"]
    assert left["text"] == "Left infraspinatus"
    assert left["extension"][0]["valueCodeableConcept"]["coding"] == [
        {"system": SNOMED, "code": "7771000", "display": "Left"}
    ]
    assert right["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "24028007"
    # No SNOMED code is guessed: the midline and the muscles themselves are text.
    assert midline == {"text": "Upper trapezius (midline)"}
    assert all("coding" not in site for site in procedure["bodySite"])


def test_a_procedure_names_its_patient_performer_clinic_visit_and_period():
    procedure = procedure_resource(SESSION)
    assert procedure["status"] == "completed"
    assert procedure["subject"] == {"reference": "Patient/12"}
    assert procedure["performer"][0]["actor"]["reference"] == "Practitioner/3"
    assert procedure["performer"][0]["onBehalfOf"] == {"reference": "Organization/1"}
    assert procedure["location"] == {"reference": "Location/1"}
    assert procedure["extension"][0]["valueReference"] == {"reference": "Appointment/40"}
    assert procedure["performedPeriod"] == {
        "start": "2026-03-10T09:00:00-04:00",
        "end": "2026-03-10T09:45:00-04:00",
    }
    assert procedure["followUp"] == [{"text": "Re-assess in one week."}]


def test_pain_before_and_after_are_nprs_observations_part_of_the_procedure():
    before, after = pain_observation_resources(SESSION)
    for observation in (before, after):
        validate(observation)
        assert observation["code"]["coding"][0]["system"] == LOINC
        assert observation["code"]["coding"][0]["code"] == "72514-3"
        assert observation["partOf"] == [{"reference": "Procedure/8"}]
    assert (before["id"], after["id"]) == ("pain-before-8", "pain-after-8")
    assert (before["valueQuantity"]["value"], after["valueQuantity"]["value"]) == (6, 3)
    assert after["effectiveDateTime"] == "2026-03-10T09:45:00-04:00"
    assert pain_observation_resources(replace(SESSION, pain_before=None, pain_after=None)) == []


def test_an_outcome_measure_is_an_observation_with_its_items_as_components():
    observation = measure_observation_resource(MEASURE)
    validate(observation)
    assert observation["id"] == "measure-21"
    # No LOINC code for the NDI that we are sure of: needlecare's own code system, not a guess.
    assert observation["code"]["coding"][0]["system"].startswith("https://needlecare.example/")
    assert observation["valueQuantity"] == {
        "value": 24.0,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert [c["valueInteger"] for c in observation["component"]] == [2, 1]
    assert observation["component"][0]["code"]["coding"][0]["code"] == "ndi.pain"
    assert observation["category"][0]["coding"][0]["code"] == "survey"


def test_the_nprs_measure_carries_the_loinc_pain_code():
    nprs = replace(
        MEASURE, instrument="nprs", unit="points", items=(MeasureItem("pain", "Pain", 5),)
    )
    observation = measure_observation_resource(nprs)
    validate(observation)
    assert observation["code"]["coding"][0]["code"] == "72514-3"
    assert observation["valueQuantity"]["code"] == "{score}"


def test_observation_ids_read_back_to_their_kind_and_row():
    assert parse_observation_id("measure-21") == ("measure", 21)
    assert parse_observation_id("pain-before-8") == ("pain-before", 8)
    assert parse_observation_id("pain-after-8") == ("pain-after", 8)
    assert parse_observation_id("8") is None
    assert parse_observation_id("pain-during-8") is None


@pytest.mark.parametrize(
    ("severity", "fhir_severity", "seriousness"),
    [
        ("mild", "mild", "Non-serious"),
        ("significant", "moderate", "Non-serious"),
        ("serious", "severe", "Serious"),
    ],
)
def test_an_adverse_event_is_linked_to_its_procedure_with_seriousness(
    severity, fhir_severity, seriousness
):
    event = adverse_event_resource(replace(ADVERSE_EVENT, severity=severity))
    validate(event)
    assert event["actuality"] == "actual"
    assert event["suspectEntity"] == [{"instance": {"reference": "Procedure/8"}}]
    assert event["severity"]["coding"][0]["code"] == fhir_severity
    assert event["seriousness"]["coding"][0]["code"] == seriousness
    assert event["outcome"] == {"text": "Resolved in 3 days"}


def test_a_patients_unreviewed_report_says_so_and_names_the_patient_as_recorder():
    event = adverse_event_resource(replace(ADVERSE_EVENT, review="draft", recorded_by=""))
    validate(event)
    assert "not yet reviewed" in event["event"]["text"]
    assert event["recorder"] == {"reference": "Patient/12"}


def test_a_letter_is_a_document_reference_to_its_pdf():
    document = document_reference_resource(LETTER)
    validate(document)
    assert document["status"] == "current"
    assert document["subject"] == {"reference": "Patient/12"}
    attachment = document["content"][0]["attachment"]
    assert attachment["url"] == LETTER.pdf_url and attachment["contentType"] == "application/pdf"
    assert document["type"]["coding"][0]["code"] == "progress"


def _codings(node: object) -> list[JSON]:
    if isinstance(node, dict):
        found = [node] if "system" in node and "code" in node else []
        return found + [c for v in node.values() for c in _codings(v)]
    if isinstance(node, list):
        return [c for v in node for c in _codings(v)]
    return []


def test_only_loinc_and_snomed_codes_we_are_sure_of_are_sent():
    resources = [
        questionnaire_response_resource(SCREENING),
        risk_assessment_resource(SCREENING),
        consent_resource(CONSENT, now=VISIT),
        procedure_resource(session_with(muscle("a", "left"), muscle("b", "right"))),
        *pain_observation_resources(SESSION),
        measure_observation_resource(MEASURE),
        adverse_event_resource(ADVERSE_EVENT),
        document_reference_resource(LETTER),
    ]
    codes = {(c["system"], c["code"]) for r in resources for c in _codings(r)}
    assert {c for c in codes if c[0] == SNOMED} == {(SNOMED, "7771000"), (SNOMED, "24028007")}
    assert {c for c in codes if c[0] == LOINC} == {(LOINC, "72514-3"), (LOINC, "59284-0")}
