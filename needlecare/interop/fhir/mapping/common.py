"""Small builders every mapper uses: references, codings, instants, code system URLs."""

import datetime as dt
from typing import Any

JSON = dict[str, Any]

# needlecare's own code systems and extensions, for what no standard code system names.
LOCAL = "https://needlecare.example/fhir"
CODE_SYSTEM = f"{LOCAL}/CodeSystem"
EXTENSION = f"{LOCAL}/StructureDefinition"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
BCP47 = "urn:ietf:bcp:47"
HL7 = "http://terminology.hl7.org/CodeSystem"


def ref(resource_type: str, id: int | str, display: str = "") -> JSON:
    """A literal reference, e.g. {"reference": "Patient/12"}."""
    out: JSON = {"reference": f"{resource_type}/{id}"}
    if display:
        out["display"] = display
    return out


def instant(moment: dt.datetime) -> str:
    """A FHIR instant (or dateTime to the second): an offset is required."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("FHIR instants need a timezone-aware datetime")
    return moment.isoformat(timespec="seconds")


def day(value: dt.date) -> str:
    return value.isoformat()


def coding(system: str, code: str, display: str = "") -> JSON:
    out: JSON = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str = "", text: str = "") -> JSON:
    """A CodeableConcept of one coding, with text (the display unless told)."""
    return {"coding": [coding(system, code, display)], "text": text or display or code}


def local(system: str, code: str, display: str = "") -> JSON:
    """A CodeableConcept in one of needlecare's own code systems."""
    return concept(f"{CODE_SYSTEM}/{system}", code, display)


def text_only(text: str) -> JSON:
    return {"text": text}


def compact(resource: JSON) -> JSON:
    """The resource without empty elements: FHIR forbids empty strings, lists and objects."""
    return {k: v for k, v in resource.items() if v not in ("", None, [], {})}
