"""Screenings, consents, sessions, measures, adverse events and letters -> plain values."""

import datetime as dt
from collections.abc import Callable

from django.db.models import Prefetch, QuerySet

from needlecare.charting.models import AdverseEvent, Consent, NeedlingRecord, TreatmentSession
from needlecare.clinics.models import Clinic
from needlecare.common.time import clinic_zone
from needlecare.outcomes.instruments import INSTRUMENTS
from needlecare.outcomes.models import MeasureResponse
from needlecare.reports.models import Letter
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITIONS, REGION_LABELS

from ..values import (
    AdverseEventValue,
    ConsentValue,
    LetterValue,
    MeasureItem,
    MeasureValue,
    NeedledMuscle,
    Region,
    RegionDecision,
    ScreeningAnswer,
    ScreeningValue,
    SessionValue,
    bcp47,
)

# The URL of a stored or generated file: kind "consent" (the signed PDF) or "letter".
FileUrl = Callable[[str, int], str]


def _at(moment: dt.datetime, clinic: Clinic) -> dt.datetime:
    """An instant in the clinic's local time (the same instant; clients show it as is)."""
    return moment.astimezone(clinic_zone(clinic))


def _region(code: str) -> Region:
    return Region(code, REGION_LABELS.get(code, code))


# --- screening and consent ---------------------------------------------------------------------


def screening_value(screening: Screening) -> ScreeningValue:
    answers, decision = screening.answers, screening.decision
    reported = {c.code: c for c in answers.conditions}
    return ScreeningValue(
        id=screening.pk,
        patient_id=screening.patient_id,
        clinic_id=screening.clinic_id,
        entered_at=_at(screening.entered_at, screening.clinic),
        entered_by=screening.entered_by.full_name,
        policy_version=decision.policy_version,
        overall=decision.decision,
        planned=tuple(_region(r) for r in answers.planned_regions),
        answers=tuple(
            ScreeningAnswer(
                code=c.code,
                question=c.question,
                reported=c.code in reported,
                where=tuple(_region(r) for r in reported[c.code].regions)
                if c.code in reported
                else (),
            )
            for c in CONDITIONS
        ),
        clearances=tuple(sorted(answers.physician_clearances)),
        decisions=tuple(
            RegionDecision(
                region=_region(region),
                decision=verdict,
                reasons=tuple(r.message for r in decision.reasons_for(region)),
            )
            for region, verdict in decision.regions.items()
        ),
        precautions=tuple(r.message for r in decision.with_effect("precaution")),
    )


def screening_rows() -> QuerySet[Screening]:
    return Screening.objects.select_related("entered_by", "clinic").order_by("pk")


def consent_value(consent: Consent, file_url: FileUrl) -> ConsentValue:
    document = consent.document
    return ConsentValue(
        id=consent.pk,
        patient_id=consent.patient_id,
        clinic_id=document.clinic_id,
        document_id=document.pk,
        document_version=document.version,
        document_title=document.title,
        signed_at=_at(consent.signed_at, document.clinic),
        # In real time, as charting reads it: valid_days x 24 hours, not calendar days.
        valid_until=_at(
            consent.signed_at.astimezone(dt.UTC) + dt.timedelta(days=document.valid_days),
            document.clinic,
        ),
        signed_name=consent.signed_name,
        covers_thorax=consent.covers_thorax,
        pdf_url=file_url("consent", consent.pk),
        countersigned_by=consent.countersigned_by_id,
        countersigned_at=(
            _at(consent.countersigned_at, document.clinic) if consent.countersigned_at else None
        ),
        language=bcp47(document.language),
    )


def consent_rows() -> QuerySet[Consent]:
    return Consent.objects.select_related("document__clinic").order_by("pk")


# --- treatment, outcomes, adverse events, letters ---------------------------------------------


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _needled(row: NeedlingRecord) -> NeedledMuscle:
    detail = (
        f"{row.needle_diameter_mm} x {row.needle_length_mm} mm needle, depth {row.depth_mm} mm, "
        f"{row.get_technique_display().lower()}, {row.insertions} insertion(s), twitch response "
        f"{_yes(row.twitch_response)}, {row.minutes_in_place} min in place, referred pain "
        f"{_yes(row.referred_pain)}"
    )
    return NeedledMuscle(row.muscle, row.get_muscle_display(), row.side, detail)


def session_value(session: TreatmentSession) -> SessionValue:
    """A signed session (an open one is no Procedure yet: the caller filters)."""
    if session.signed_at is None:
        raise ValueError("only a signed session is a Procedure")
    appointment = session.appointment
    return SessionValue(
        id=session.pk,
        patient_id=session.patient_id,
        therapist_id=session.therapist_id,
        therapist_name=session.therapist.user.full_name,
        clinic_id=session.clinic_id,
        appointment_id=appointment.pk,
        start=_at(appointment.starts_at, session.clinic),
        end=_at(appointment.ends_at, session.clinic),
        signed_at=_at(session.signed_at, session.clinic),
        muscles=tuple(_needled(row) for row in session.needling.all()),
        pain_before=session.pain_before,
        pain_after=session.pain_after,
        plan=session.plan,
        notes=tuple(
            n
            for n in (
                f"Immediate response: {session.immediate_response}"
                if session.immediate_response
                else "",
                f"Advice given: {session.advice}" if session.advice else "",
            )
            if n
        ),
    )


def signed_session_rows() -> QuerySet[TreatmentSession]:
    return (
        TreatmentSession.objects.filter(state=TreatmentSession.State.SIGNED)
        .select_related("appointment", "clinic", "therapist__user")
        .prefetch_related(Prefetch("needling", NeedlingRecord.objects.order_by("id")))
        .order_by("pk")
    )


def measure_value(measure: MeasureResponse) -> MeasureValue:
    instrument = INSTRUMENTS[measure.instrument]
    labels = measure.labels or {}
    items = tuple(
        MeasureItem(
            item.key, str(labels.get(item.key) or item.text), int(measure.answers[item.key])
        )
        for item in instrument.items
        if measure.answers.get(item.key) is not None
    )
    return MeasureValue(
        id=measure.pk,
        patient_id=measure.patient_id,
        instrument=instrument.code,
        instrument_name=instrument.name,
        version=measure.version,
        value=measure.value,
        unit=instrument.unit,
        band=measure.band,
        completed_at=_at(measure.completed_at, measure.patient.preferred_clinic),
        items=items,
    )


def measure_rows() -> QuerySet[MeasureResponse]:
    return MeasureResponse.objects.select_related("patient__preferred_clinic").order_by("pk")


def adverse_event_value(event: AdverseEvent) -> AdverseEventValue:
    session = event.session
    return AdverseEventValue(
        id=event.pk,
        session_id=session.pk,
        patient_id=session.patient_id,
        clinic_id=session.clinic_id,
        category=event.category,
        category_label=event.get_category_display(),
        severity=event.severity,
        onset=event.get_onset_display(),
        site=event.site,
        outcome=event.outcome,
        review=event.review,
        recorded_at=_at(event.recorded_at, session.clinic),
        recorded_by=event.recorded_by.full_name if event.recorded_by else "",
    )


def adverse_event_rows() -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.select_related("session__clinic", "recorded_by").order_by("pk")


def letter_value(letter: Letter, file_url: FileUrl) -> LetterValue:
    return LetterValue(
        id=letter.pk,
        patient_id=letter.patient_id,
        kind=letter.kind,
        kind_label=letter.get_kind_display(),
        recipient=letter.recipient,
        created_at=_at(letter.created_at, letter.patient.preferred_clinic),
        author=letter.created_by.full_name,
        pdf_url=file_url("letter", letter.pk),
    )


def letter_rows() -> QuerySet[Letter]:
    return Letter.objects.select_related("created_by", "patient__preferred_clinic").order_by("pk")
