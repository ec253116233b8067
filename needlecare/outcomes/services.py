"""Plans of care and completed outcome measures; scoring is the pure instruments package."""

from collections.abc import Iterable, Mapping

from django.db import transaction

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.outcomes.instruments import INSTRUMENTS, ScoringError, default_instruments, score
from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.patients.models import Patient


def plan_of_care_set(
    *,
    patient: Patient,
    regions: Iterable[str],
    by: User,
    measures: Iterable[str] | None = None,
    every_visits: int = 4,
) -> PlanOfCare:
    """Choose the measures for a patient's care (by default from the treated regions)."""
    if by.role != Role.THERAPIST:
        raise NotAllowed("plan.not_therapist", "Only a therapist sets the plan of care.")
    regions = list(dict.fromkeys(regions))
    chosen = list(dict.fromkeys(measures)) if measures is not None else default_instruments(regions)
    unknown = [m for m in chosen if m not in INSTRUMENTS]
    if unknown:
        raise DomainError(
            "plan.unknown_measure", f"Unknown measure {unknown[0]!r}.", field="measures"
        )
    if not chosen:
        raise DomainError("plan.no_measures", "Choose at least one measure.", field="measures")
    if not 1 <= every_visits <= 20:
        raise DomainError(
            "plan.every_visits_range",
            "Measures fall due every 1 to 20 visits.",
            field="every_visits",
        )
    with transaction.atomic():
        plan = PlanOfCare.objects.create(
            patient=patient,
            clinic=patient.preferred_clinic,
            regions=regions,
            measures=chosen,
            every_visits=every_visits,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="plan_of_care.set",
            target=plan,
            data={"measures": chosen, "every_visits": every_visits},
            clinic_ids=patient.clinic_ids(),
        )
    return plan


# What a patient names an activity (the PSFS): the same limit as the form's field.
LABEL_MAX = 80


def _check_labels(instrument: str, labels: Mapping[str, str]) -> None:
    """Labels name the instrument's own items, in a few words each."""
    known = set(INSTRUMENTS[instrument].item_keys)
    for key, text in labels.items():
        if key not in known:
            raise DomainError(
                "measure.unknown_label", f"No item {key[:40]!r} to label.", field="labels"
            )
        if len(text) > LABEL_MAX:
            raise DomainError(
                "measure.label_too_long",
                f"An activity's name is at most {LABEL_MAX} characters.",
                field="labels",
            )


def measure_record(
    *,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, int | None],
    by: User,
    labels: Mapping[str, str] | None = None,
) -> MeasureResponse:
    """Score and store a completed measure with its raw answers and scoring version."""
    try:
        result = score(instrument, answers)
    except ScoringError as exc:
        raise DomainError("measure.invalid_answers", str(exc), field="answers") from None
    _check_labels(instrument, labels or {})
    with transaction.atomic():
        response = MeasureResponse.objects.create(
            patient=patient,
            instrument=instrument,
            version=result.version,
            answers=dict(answers),
            labels=dict(labels or {}),
            value=result.value,
            raw=result.raw,
            band=result.band or "",
            answered=result.answered,
            entered_by=by,
            online=by.pk == patient.user_id,
        )
        audit_record(
            actor=by,
            action="measure.recorded",
            target=response,
            data={"instrument": instrument, "value": result.value, "version": result.version},
            clinic_ids=patient.clinic_ids(),
        )
    return response
