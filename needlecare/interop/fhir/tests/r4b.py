"""Validation of our FHIR R4 dictionaries with fhir.resources' R4B models.

fhir.resources 8 ships R5 (default), R4B and STU3 models, no R4 ones, so R4 content is checked
against R4B (4.3.0). Where R4B differs from R4, per its version history
(hl7.org/fhir/R4B/history.html) and structural diff (hl7.org/fhir/r4b/diff.html): two new
datatypes (CodeableReference, RatioRange), new or reworked medication-definition, Evidence,
Citation, Substance and Subscription resources, and new FHIRVersion codes (4.3.0, ...). None
of the 19 types we produce is among them. How we checked: we listed `model_fields` of the R4B
models for all 19 (Patient, Practitioner, PractitionerRole, Organization, Location,
HealthcareService, Schedule, Slot, Appointment, QuestionnaireResponse, RiskAssessment, Consent,
Procedure, Observation, AdverseEvent, DocumentReference, Bundle, OperationOutcome,
CapabilityStatement) and they hold the R4 shapes the mappers write, including the elements R5
renamed or removed: Consent.sourceAttachment, Consent.scope and provision.period,
Location.hoursOfOperation, Appointment.cancelationReason and serviceType as CodeableConcept,
Procedure.performed[x], AdverseEvent.suspectEntity. The models check element names (an
unknown one is refused), cardinality, datatypes and primitive formats (an instant needs its
offset, an id its characters); not terminology bindings, and few invariants. We send
fhirVersion 4.0.1.
"""

import importlib
from typing import Any

from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel


def r4b_model(resource_type: str) -> type[FHIRResourceModel]:
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    model: type[FHIRResourceModel] = getattr(module, resource_type)
    return model


def validate(resource: dict[str, Any]) -> FHIRResourceModel:
    """The resource read by the R4B model of its type; raises pydantic's ValidationError."""
    return r4b_model(resource["resourceType"]).model_validate(resource)
