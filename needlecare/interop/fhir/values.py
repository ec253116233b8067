"""What each FHIR resource is made from: frozen plain values, no Django, no database.

`from_models.py` builds these from the database rows; `mapping/` turns them into FHIR R4
dictionaries. Datetimes are timezone-aware; ids are the database ids.
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class PatientValue:
    id: int
    first_name: str
    last_name: str
    birth_date: dt.date
    email: str
    phone: str
    address: Address
    clinic_id: int  # the preferred clinic: Patient.managingOrganization
    language: str = "en"  # BCP-47; the model keeps none, so English
    physician_name: str = ""  # the referring physician, shown by name only


@dataclass(frozen=True, slots=True)
class Qualification:
    kind: str  # "pt_license", "dry_needling" or "cpr"
    label: str  # "Physical therapist licence", ...
    issuer: str
    number: str
    valid_from: dt.date
    expires_on: dt.date  # the last day it is valid


@dataclass(frozen=True, slots=True)
class PractitionerValue:
    id: int  # the therapist's id
    full_name: str
    title: str  # post-nominals, e.g. "PT, DPT"
    email: str
    qualifications: tuple[Qualification, ...]


@dataclass(frozen=True, slots=True)
class ServiceRef:
    """An appointment type as other resources name it."""

    id: int
    code: str  # the type's code at its clinic, e.g. "dn-follow-up"
    name: str


@dataclass(frozen=True, slots=True)
class RoleValue:
    """A therapist working at a clinic: PractitionerRole, and the Schedule of the same id."""

    therapist_id: int
    therapist_name: str
    clinic_id: int
    clinic_name: str
    services: tuple[ServiceRef, ...]  # the clinic's appointment types the therapist may give

    @property
    def id(self) -> str:
        return f"{self.therapist_id}-{self.clinic_id}"


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    weekday: int  # 0 Monday .. 6 Sunday
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True, slots=True)
class ClinicValue:
    """A clinic: both the Organization and the Location of the same id."""

    id: int
    name: str
    slug: str
    address: Address
    phone: str
    time_zone: str
    hours: tuple[OpeningPeriod, ...]


@dataclass(frozen=True, slots=True)
class ServiceValue:
    """An appointment type offered at a clinic: HealthcareService."""

    id: int
    clinic_id: int
    code: str
    name: str
    duration_minutes: int
    needs_certification: bool
    bookable_online: bool
    active: bool


@dataclass(frozen=True, slots=True)
class SlotValue:
    therapist_id: int
    clinic_id: int
    service: ServiceRef
    start: dt.datetime
    end: dt.datetime
    busy: bool

    @property
    def schedule_id(self) -> str:
        return f"{self.therapist_id}-{self.clinic_id}"

    @property
    def id(self) -> str:
        """Stable for the same therapist, clinic, type and start (UTC, to the minute)."""
        start = self.start.astimezone(dt.UTC).strftime("%Y%m%d%H%M")
        return f"{self.schedule_id}-{self.service.id}-{start}"


@dataclass(frozen=True, slots=True)
class AppointmentValue:
    id: int
    status: str  # needlecare's: "requested", "confirmed", ... (scheduling.models.Status)
    start: dt.datetime
    end: dt.datetime
    created: dt.datetime
    patient_id: int
    patient_name: str
    therapist_id: int
    therapist_name: str
    clinic_id: int
    clinic_name: str
    service: ServiceRef
    room_name: str
    screening_id: int | None
    cancel_reason: str = ""
    cancelled_by: str = ""  # "patient", "clinic" or blank


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # a screening region code, e.g. "shoulder_left"
    label: str  # "Left shoulder"


@dataclass(frozen=True, slots=True)
class ScreeningAnswer:
    """One question of the screening questionnaire and what the patient answered."""

    code: str  # the condition code, e.g. "metal_allergy"
    question: str
    reported: bool
    where: tuple[Region, ...] = ()  # where on the body, when reported and asked


@dataclass(frozen=True, slots=True)
class RegionDecision:
    region: Region
    decision: str  # "eligible", "proceed_with_precautions", ...
    reasons: tuple[str, ...]  # the messages of the reasons that reach this region


@dataclass(frozen=True, slots=True)
class ScreeningValue:
    """A screening: the answers (QuestionnaireResponse) and the decision (RiskAssessment)."""

    id: int
    patient_id: int
    clinic_id: int
    entered_at: dt.datetime
    entered_by: str  # the name of whoever entered it
    policy_version: str
    overall: str
    planned: tuple[Region, ...]
    answers: tuple[ScreeningAnswer, ...]
    clearances: tuple[str, ...]  # condition codes a physician's clearance is on record for
    decisions: tuple[RegionDecision, ...]
    precautions: tuple[str, ...]  # the messages of the precaution reasons


@dataclass(frozen=True, slots=True)
class ConsentValue:
    id: int
    patient_id: int
    clinic_id: int
    document_id: int
    document_version: int
    document_title: str
    signed_at: dt.datetime
    valid_until: dt.datetime  # signed_at + the document's valid_days
    signed_name: str
    covers_thorax: bool
    pdf_url: str
    countersigned_by: int | None = None  # a therapist id
    countersigned_at: dt.datetime | None = None
    language: str = "en"  # BCP-47: the language of the document signed (es, pt-BR)


@dataclass(frozen=True, slots=True)
class NeedledMuscle:
    muscle: str  # the muscle code, e.g. "upper_trapezius"
    name: str  # "Upper trapezius"
    side: str  # "left", "right" or "midline"
    detail: str  # needle, depth, technique, ... in a line for people


@dataclass(frozen=True, slots=True)
class SessionValue:
    """A signed treatment session: Procedure, plus pain before and after as Observations."""

    id: int
    patient_id: int
    therapist_id: int
    therapist_name: str
    clinic_id: int
    appointment_id: int
    start: dt.datetime
    end: dt.datetime
    signed_at: dt.datetime
    muscles: tuple[NeedledMuscle, ...]
    pain_before: int | None
    pain_after: int | None
    plan: str = ""
    notes: tuple[str, ...] = ()  # advice, immediate response, ...


@dataclass(frozen=True, slots=True)
class MeasureItem:
    key: str
    text: str  # the item's title, or for the PSFS the activity the patient named
    value: int


@dataclass(frozen=True, slots=True)
class MeasureValue:
    """A completed outcome measure: Observation with its items as components."""

    id: int
    patient_id: int
    instrument: str  # "nprs", "psfs", "ndi", ...
    instrument_name: str
    version: str
    value: float
    unit: str  # "points" or "%"
    band: str
    completed_at: dt.datetime
    items: tuple[MeasureItem, ...]


@dataclass(frozen=True, slots=True)
class AdverseEventValue:
    id: int
    session_id: int
    patient_id: int
    clinic_id: int
    category: str
    category_label: str
    severity: str  # "mild", "significant" or "serious"
    onset: str  # the label: "During treatment", ...
    site: str
    outcome: str
    review: str  # "confirmed", "draft" or "rejected"
    recorded_at: dt.datetime
    recorded_by: str  # a name, or blank when the patient reported it


@dataclass(frozen=True, slots=True)
class LetterValue:
    id: int
    patient_id: int
    kind: str  # "progress", "clearance_request" or "consent"
    kind_label: str
    recipient: str
    created_at: dt.datetime
    author: str
    pdf_url: str


def bcp47(code: str) -> str:
    """A Django language code as a BCP-47 tag: pt-br -> pt-BR; en and es stay."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language
