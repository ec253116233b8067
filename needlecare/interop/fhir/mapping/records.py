"""Outcomes, adverse events and letters: Observation, AdverseEvent, DocumentReference.
Pure: plain values in, FHIR R4 dictionaries out.

Where needlecare's fields land:

- Observation of an outcome measure (id "measure-{id}"): the instrument -> code (LOINC
  72514-3 for the NPRS; the other six have no LOINC code we are sure of, so needlecare's
  outcome-measure code system); the score -> valueQuantity (UCUM "{score}" or "%"); each
  answered item -> component (needlecare's outcome-item code system "{instrument}.{key}",
  text the item's title or the PSFS activity named, valueInteger the answer); the ODI band
  -> interpretation.text; the scoring version -> method; completed_at -> effectiveDateTime;
  category survey.
- Observation of pain before and after a signed session (ids "pain-before-{session}" and
  "pain-after-{session}"): LOINC 72514-3, valueQuantity 0-10, effective the visit's start and
  end, partOf the session's Procedure, performer the therapist.
- AdverseEvent: actuality "actual"; category -> event (needlecare's adverse-event code
  system); severity mild/significant/serious -> severity mild/moderate/severe and
  seriousness Non-serious/Serious (HL7 code systems); outcome (free text) -> outcome.text;
  the session -> suspectEntity.instance (Procedure/{session}); recorded_at -> recordedDate;
  onset and site -> event.text; a patient's unreviewed report or a rejected one says so in
  event.text (R4 AdverseEvent has no status or note).
- DocumentReference (a letter): kind -> type (needlecare's letter-kind code system);
  created_at -> date; the PDF -> content[0].attachment (url from the caller); recipient ->
  description; author -> author.display.
"""

from ..values import AdverseEventValue, LetterValue, MeasureValue, SessionValue
from .common import (
    HL7,
    JSON,
    LOINC,
    UCUM,
    compact,
    concept,
    instant,
    local,
    ref,
    text_only,
)

PAIN = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
LOINC_MEASURES = {"nprs": PAIN}
SURVEY = concept(f"{HL7}/observation-category", "survey", "Survey")
SEVERITY = {"mild": "mild", "significant": "moderate", "serious": "severe"}
UNITS = {"points": ("score", "{score}"), "%": ("%", "%")}


def measure_observation_id(measure_id: int) -> str:
    return f"measure-{measure_id}"


def pain_observation_id(session_id: int, when: str) -> str:
    """when: "before" or "after" the session."""
    return f"pain-{when}-{session_id}"


def parse_observation_id(id: str) -> tuple[str, int] | None:
    """("measure", 12), ("pain-before", 5) or ("pain-after", 5); None for anything else."""
    kind, _, number = id.rpartition("-")
    if kind not in ("measure", "pain-before", "pain-after") or not number.isdigit():
        return None
    return kind, int(number)


def _quantity(value: float, unit: str) -> JSON:
    name, code = UNITS[unit]
    return {"value": value, "unit": name, "system": UCUM, "code": code}


def measure_code(instrument: str, name: str) -> JSON:
    if instrument in LOINC_MEASURES:
        code, display = LOINC_MEASURES[instrument]
        return concept(LOINC, code, display, name)
    return local("outcome-measure", instrument, name)


def measure_observation_resource(value: MeasureValue) -> JSON:
    components = [
        {
            "code": local("outcome-item", f"{value.instrument}.{item.key}", item.text),
            "valueInteger": item.value,
        }
        for item in value.items
    ]
    return compact(
        {
            "resourceType": "Observation",
            "id": measure_observation_id(value.id),
            "status": "final",
            "category": [SURVEY],
            "code": measure_code(value.instrument, value.instrument_name),
            "subject": ref("Patient", value.patient_id),
            "effectiveDateTime": instant(value.completed_at),
            "issued": instant(value.completed_at),
            "valueQuantity": _quantity(value.value, value.unit),
            "interpretation": [text_only(value.band)] if value.band else [],
            "method": local("scoring-version", value.version, value.version),
            "component": components,
        }
    )


def pain_observation_resources(value: SessionValue) -> list[JSON]:
    """Pain (NPRS 0-10) before and after a signed session, those recorded."""
    out = []
    for when, score, moment in (
        ("before", value.pain_before, value.start),
        ("after", value.pain_after, value.end),
    ):
        if score is None:
            continue
        out.append(
            {
                "resourceType": "Observation",
                "id": pain_observation_id(value.id, when),
                "partOf": [ref("Procedure", value.id)],
                "status": "final",
                "category": [SURVEY],
                "code": concept(LOINC, PAIN[0], PAIN[1], f"Pain {when} dry needling"),
                "subject": ref("Patient", value.patient_id),
                "effectiveDateTime": instant(moment),
                "issued": instant(value.signed_at),
                "performer": [ref("Practitioner", value.therapist_id, value.therapist_name)],
                "valueQuantity": _quantity(score, "points"),
            }
        )
    return out


def _event_text(value: AdverseEventValue) -> str:
    parts = [value.category_label, f"onset: {value.onset.lower()}"]
    if value.site:
        parts.append(f"site: {value.site}")
    text = f"{parts[0]} ({'; '.join(parts[1:])})"
    if value.review == "draft":
        text += ". Reported by the patient, not yet reviewed by a therapist."
    elif value.review == "rejected":
        text += ". Reviewed by a therapist: not an adverse event."
    return text


def adverse_event_resource(value: AdverseEventValue) -> JSON:
    serious = value.severity == "serious"
    event = local("adverse-event", value.category, value.category_label)
    event["text"] = _event_text(value)
    return compact(
        {
            "resourceType": "AdverseEvent",
            "id": str(value.id),
            "actuality": "actual",
            "event": event,
            "subject": ref("Patient", value.patient_id),
            "recordedDate": instant(value.recorded_at),
            "location": ref("Location", value.clinic_id),
            "seriousness": concept(
                f"{HL7}/adverse-event-seriousness",
                "Serious" if serious else "Non-serious",
                "Serious" if serious else "Non-serious",
            ),
            "severity": concept(
                f"{HL7}/adverse-event-severity",
                SEVERITY[value.severity],
                SEVERITY[value.severity].capitalize(),
            ),
            "outcome": text_only(value.outcome) if value.outcome else None,
            # Blank: the patient reported it through their check-in link.
            "recorder": (
                {"display": value.recorded_by}
                if value.recorded_by
                else ref("Patient", value.patient_id)
            ),
            "suspectEntity": [{"instance": ref("Procedure", value.session_id)}],
        }
    )


def document_reference_resource(value: LetterValue) -> JSON:
    return compact(
        {
            "resourceType": "DocumentReference",
            "id": str(value.id),
            "status": "current",
            "type": local("letter-kind", value.kind, value.kind_label),
            "subject": ref("Patient", value.patient_id),
            "date": instant(value.created_at),
            "author": [{"display": value.author}] if value.author else [],
            "description": f"{value.kind_label}, for {value.recipient}",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "url": value.pdf_url,
                        "title": f"{value.kind_label} {value.created_at:%Y-%m-%d}",
                        "creation": instant(value.created_at),
                    }
                }
            ],
        }
    )
