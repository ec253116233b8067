"""Plain values for the pure mapper tests: a Stoughton patient, therapist, visit and session."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from needlecare.interop.fhir.values import (
    Address,
    AdverseEventValue,
    AppointmentValue,
    ClinicValue,
    ConsentValue,
    LetterValue,
    MeasureItem,
    MeasureValue,
    NeedledMuscle,
    OpeningPeriod,
    PatientValue,
    PractitionerValue,
    Qualification,
    Region,
    RegionDecision,
    RoleValue,
    ScreeningAnswer,
    ScreeningValue,
    ServiceRef,
    SessionValue,
    SlotValue,
)

NY = ZoneInfo("America/New_York")
VISIT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=NY)  # EDT starts 2026-03-08: offset -04:00
FOLLOW_UP = ServiceRef(7, "dn-follow-up", "Dry needling follow-up")
LEFT_SHOULDER = Region("shoulder_left", "Left shoulder")
NECK = Region("neck", "Neck")

PATIENT = PatientValue(
    id=12,
    first_name="Dana",
    last_name="Reyes",
    birth_date=dt.date(1984, 5, 2),
    email="dana@example.org",
    phone="781-555-0100",
    address=Address("1 Main St", "Stoughton", "MA", "02072"),
    clinic_id=1,
    physician_name="Dr. Ada Park",
)
THERAPIST = PractitionerValue(
    id=3,
    full_name="Sam Ortiz",
    title="PT, DPT",
    email="sam@example.org",
    qualifications=(
        Qualification(
            "pt_license",
            "Physical therapist licence",
            "MA Board of Allied Health",
            "PT-1234",
            dt.date(2020, 1, 1),
            dt.date(2027, 12, 31),
        ),
        Qualification(
            "dry_needling",
            "Dry needling certification",
            "Myopain Seminars",
            "DN-77",
            dt.date(2024, 6, 1),
            dt.date(2026, 5, 31),
        ),
    ),
)
CLINIC = ClinicValue(
    id=1,
    name="Stoughton",
    slug="stoughton",
    address=Address("100 Park St", "Stoughton", "MA", "02072"),
    phone="781-436-0391",
    time_zone="America/New_York",
    hours=(
        *(OpeningPeriod(d, dt.time(8), dt.time(19)) for d in range(5)),
        OpeningPeriod(5, dt.time(8), dt.time(12, 30)),
    ),
)
ROLE = RoleValue(3, "Sam Ortiz", 1, "Stoughton", (FOLLOW_UP,))
SLOT = SlotValue(3, 1, FOLLOW_UP, VISIT, VISIT + dt.timedelta(minutes=45), busy=False)
APPOINTMENT = AppointmentValue(
    id=40,
    status="confirmed",
    start=VISIT,
    end=VISIT + dt.timedelta(minutes=45),
    created=VISIT - dt.timedelta(days=7),
    patient_id=12,
    patient_name="Dana Reyes",
    therapist_id=3,
    therapist_name="Sam Ortiz",
    clinic_id=1,
    clinic_name="Stoughton",
    service=FOLLOW_UP,
    room_name="Room 2",
    screening_id=30,
)
SCREENING = ScreeningValue(
    id=30,
    patient_id=12,
    clinic_id=1,
    entered_at=VISIT - dt.timedelta(days=8),
    entered_by="Dana Reyes",
    policy_version="default-2026.1",
    overall="proceed_with_precautions",
    planned=(NECK, LEFT_SHOULDER),
    answers=(
        ScreeningAnswer("metal_allergy", "Are you allergic to any metal?", reported=False),
        ScreeningAnswer(
            "skin_lesion", "Do you have a skin lesion?", reported=True, where=(LEFT_SHOULDER,)
        ),
    ),
    clearances=(),
    decisions=(
        RegionDecision(NECK, "eligible", ()),
        RegionDecision(
            LEFT_SHOULDER, "proceed_with_precautions", ("Avoid the skin lesion until healed.",)
        ),
    ),
    precautions=("Avoid the skin lesion until healed.",),
)
CONSENT = ConsentValue(
    id=5,
    patient_id=12,
    clinic_id=1,
    document_id=2,
    document_version=3,
    document_title="Consent to dry needling",
    signed_at=VISIT - dt.timedelta(days=1),
    valid_until=VISIT + dt.timedelta(days=364),
    signed_name="Dana Reyes",
    covers_thorax=False,
    pdf_url="https://clinic.example/fhir/R4/Binary/consent-5",
    countersigned_by=3,
    countersigned_at=VISIT,
)


def muscle(code: str, side: str) -> NeedledMuscle:
    return NeedledMuscle(code, code.replace("_", " ").capitalize(), side, "0.30 x 50 mm needle")


SESSION = SessionValue(
    id=8,
    patient_id=12,
    therapist_id=3,
    therapist_name="Sam Ortiz",
    clinic_id=1,
    appointment_id=40,
    start=VISIT,
    end=VISIT + dt.timedelta(minutes=45),
    signed_at=VISIT + dt.timedelta(minutes=50),
    muscles=(muscle("infraspinatus", "left"), muscle("upper_trapezius", "midline")),
    pain_before=6,
    pain_after=3,
    plan="Re-assess in one week.",
    notes=("Advice given: heat, gentle movement.",),
)


def session_with(*muscles: NeedledMuscle) -> SessionValue:
    return replace(SESSION, muscles=muscles)


MEASURE = MeasureValue(
    id=21,
    patient_id=12,
    instrument="ndi",
    instrument_name="Neck Disability Index",
    version="ndi-2026.1",
    value=24.0,
    unit="%",
    band="",
    completed_at=VISIT,
    items=(MeasureItem("pain", "Pain intensity", 2), MeasureItem("reading", "Reading", 1)),
)
ADVERSE_EVENT = AdverseEventValue(
    id=4,
    session_id=8,
    patient_id=12,
    clinic_id=1,
    category="bruising",
    category_label="Bruising or haematoma",
    severity="mild",
    onset="During treatment",
    site="Left infraspinatus",
    outcome="Resolved in 3 days",
    review="confirmed",
    recorded_at=VISIT + dt.timedelta(minutes=50),
    recorded_by="Sam Ortiz",
)
LETTER = LetterValue(
    id=9,
    patient_id=12,
    kind="progress",
    kind_label="Progress letter",
    recipient="Dr. Ada Park, Stoughton Family Practice",
    created_at=VISIT + dt.timedelta(days=30),
    author="Sam Ortiz",
    pdf_url="https://clinic.example/fhir/R4/Binary/letter-9",
)
