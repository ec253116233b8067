"""Storing screenings, physician clearances and published policies (every write audited), and
the safety gate that booking and charting pass through.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.time import clinic_today
from needlecare.patients.models import Patient
from needlecare.screening.indications import INDICATION_CODES
from needlecare.screening.letters import letter_check
from needlecare.screening.models import (
    PhysicianClearance,
    PolicyContent,
    PublishedPolicy,
    Screening,
    ScreeningConfirmation,
)
from needlecare.screening.policy import (
    CONDITION_CODES,
    REGION_LABELS,
    REGIONS,
    Decision,
    Intake,
    Policy,
    Reason,
    Rule,
    evaluate,
)
from needlecare.screening.selectors import clearances_on_record, policy_in_force, screening_current


def _policy_content(policy: Policy) -> PolicyContent:
    row, _ = PolicyContent.objects.get_or_create(
        version=policy.version, defaults={"content": policy.to_dict()}
    )
    return row


def _store(
    *,
    patient: Patient,
    clinic: Clinic,
    intake: Intake,
    indications: list[str],
    by: User,
    based_on: Screening | None = None,
    details: dict[str, bool] | None = None,
) -> Screening:
    # Clearances come from the record, never from what the form or API body claims.
    intake = dataclasses.replace(intake, physician_clearances=clearances_on_record(patient))
    policy = policy_in_force(clinic, on=clinic_today(clinic))
    decision = evaluate(intake, policy)
    screening = Screening.objects.create(
        patient=patient,
        clinic=clinic,
        intake=intake.to_dict(),
        result=decision.to_dict(),
        indications=indications,
        details=details or {},
        overall=decision.decision,
        policy=_policy_content(policy),
        entered_by=by,
        based_on=based_on,
    )
    audit_record(
        actor=by,
        action="screening.reevaluated" if based_on else "screening.recorded",
        target=screening,
        data={"decision": decision.decision, "policy_version": policy.version},
        clinic_ids=patient.clinic_ids(),
    )
    return screening


def screening_record(
    *,
    patient: Patient,
    intake: Intake,
    by: User,
    indications: Iterable[str] = (),
    details: dict[str, bool] | None = None,
) -> Screening:
    """Store a patient's answers with the decision of the policy in force at their clinic."""
    chosen = sorted(set(indications))
    unknown = set(chosen) - INDICATION_CODES
    if unknown:
        raise DomainError(
            "screening.unknown_indication",
            f"Unknown indication {sorted(unknown)[0]!r}.",
            field="indications",
        )
    with transaction.atomic():
        return _store(
            patient=patient,
            clinic=patient.preferred_clinic,
            intake=intake,
            indications=chosen,
            details=details or {},
            by=by,
        )


def screening_replay(screening: Screening) -> Decision:
    """Decide a stored screening again under the policy version that decided it."""
    return evaluate(screening.answers, Policy.from_dict(screening.policy.content))


def screening_confirm(
    *, screening: Screening, by: User | None, data: dict[str, object] | None = None
) -> ScreeningConfirmation:
    """At a visit (or through their reminder, `by` None), the patient confirms nothing has
    changed since they screened."""
    with transaction.atomic():
        confirmation = ScreeningConfirmation.objects.create(screening=screening, confirmed_by=by)
        audit_record(
            actor=by or "patient by reminder link",
            action="screening.confirmed",
            target=screening,
            data=data,
            clinic_ids=screening.patient.clinic_ids(),
        )
    return confirmation


def clearance_record(
    *,
    patient: Patient,
    condition: str,
    physician_name: str,
    cleared_on: dt.date,
    by: User,
    note: str = "",
    letter: UploadedFile | None = None,
) -> tuple[PhysicianClearance, Screening | None]:
    """Put a physician's clearance on record and re-decide the patient's current screening."""
    if condition not in CONDITION_CODES:
        raise DomainError(
            "clearance.unknown_condition", f"Unknown condition {condition!r}.", field="condition"
        )
    if not physician_name.strip():
        raise DomainError(
            "clearance.no_physician",
            "Name the physician who gave the clearance.",
            field="physician_name",
        )
    if cleared_on > clinic_today(patient.preferred_clinic):
        raise DomainError(
            "clearance.future", "A clearance cannot be dated in the future.", field="cleared_on"
        )
    content_type = letter_check(letter) if letter else None
    clearance = PhysicianClearance(
        patient=patient,
        condition=condition,
        physician_name=physician_name.strip(),
        cleared_on=cleared_on,
        note=note.strip(),
        recorded_by=by,
    )
    if letter is not None:
        clearance.letter.save(letter.name or "letter", letter, save=False)
    try:
        with transaction.atomic():
            clearance.save()
            audit_record(
                actor=by,
                action="clearance.recorded",
                target=clearance,
                data={"condition": condition, "letter": content_type},
                clinic_ids=patient.clinic_ids(),
            )
            current = screening_current(patient)
            redecided = None
            if current is not None:
                redecided = _store(
                    patient=patient,
                    clinic=current.clinic,
                    intake=current.answers,
                    indications=list(current.indications),
                    details=dict(current.details),
                    by=by,
                    based_on=current,
                )
    except BaseException:
        # No row, no file: a refused write leaves no letter behind on disk.
        if clearance.letter.name:
            clearance.letter.storage.delete(clearance.letter.name)
        raise
    return clearance, redecided


def policy_publish(
    *, clinic: Clinic, policy: Policy, effective_from: dt.date, reason: str, by: User
) -> PublishedPolicy:
    """Publish a new screening policy for a clinic from a date on; earlier ones stay as they are."""
    if not reason.strip():
        raise DomainError("policy.no_reason", "Give the reason for the change.", field="reason")
    if effective_from < clinic_today(clinic):
        raise DomainError(
            "policy.in_the_past", "A policy cannot take effect in the past.", field="effective_from"
        )
    taken = Conflict(
        "policy.day_taken",
        "A policy is already published for that day; choose another date.",
        field="effective_from",
    )
    try:
        with transaction.atomic():
            if PublishedPolicy.objects.filter(
                clinic=clinic, effective_from=effective_from
            ).exists():
                raise taken
            if dict(policy_in_force(clinic, on=effective_from).rules) == dict(policy.rules):
                raise DomainError(
                    "policy.unchanged", "That is the rule already in force; nothing to publish."
                )
            published = PublishedPolicy.objects.create(
                clinic=clinic,
                policy=_policy_content(policy),
                effective_from=effective_from,
                reason=reason.strip(),
                published_by=by,
            )
            audit_record(
                actor=by,
                action="policy.published",
                target=published,
                data={"version": policy.version, "effective_from": str(effective_from)},
                clinic_ids=[clinic.pk],
            )
    except IntegrityError:
        raise taken from None
    return published


def policy_rule_change(
    *,
    clinic: Clinic,
    condition: str,
    rule: Rule,
    effective_from: dt.date,
    reason: str,
    by: User,
) -> PublishedPolicy:
    """Publish the clinic's policy with one condition's rule changed, from a date on."""
    base = policy_in_force(clinic, on=effective_from)
    if condition not in CONDITION_CODES:
        raise DomainError(
            "policy.unknown_condition", f"Unknown condition {condition!r}.", field="condition"
        )
    changed = base.with_rule(condition, rule, name=clinic.slug)
    return policy_publish(
        clinic=clinic, policy=changed, effective_from=effective_from, reason=reason, by=by
    )


# --- The safety gate ------------------------------------------------------------------------


class NotCleared(Conflict):
    """The current screening does not clear the regions to be needled."""


@dataclass(frozen=True)
class Clearance:
    screening: Screening
    precautions: tuple[Reason, ...]


def _names(regions: Iterable[str]) -> str:
    names = [REGION_LABELS[r].lower() for r in regions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def screening_gate(
    *, patient: Patient, regions: list[str], at: dt.datetime | None = None
) -> Clearance:
    """The current screening that clears these regions, or NotCleared saying why not.

    Booking a dry needling appointment and opening a treatment session both pass through here,
    so the rule lives in one place whatever page or route asks.
    """
    if not regions:
        raise DomainError(
            "screening.no_regions", "Choose the areas to be needled.", field="planned_regions"
        )
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise DomainError(
            "screening.unknown_region",
            f"Unknown body region {unknown[0]!r}.",
            field="planned_regions",
        )
    screening = screening_current(patient, at=at)
    if screening is None:
        raise NotCleared(
            "screening.none_current",
            f"{patient.full_name} has no current safety screening; it must be answered "
            "(or confirmed) before dry needling is booked or given.",
        )
    decision = screening.decision
    missing = [r for r in regions if r not in decision.regions]
    if missing:
        raise NotCleared(
            "screening.regions_not_covered",
            f"The current screening did not cover the {_names(missing)}; screen again with "
            "those areas included.",
            {"regions": missing},
        )
    ruled_out = [r for r in regions if decision.regions[r] == "contraindicated"]
    if ruled_out:
        raise NotCleared(
            "screening.ruled_out",
            f"The safety screening rules out dry needling of the {_names(ruled_out)}.",
            {"regions": ruled_out},
        )
    waiting = [r for r in regions if not decision.clears(r)]
    if waiting:
        raise NotCleared(
            "screening.clearance_needed",
            f"Dry needling of the {_names(waiting)} needs a physician's clearance on record first.",
            {"regions": waiting},
        )
    return Clearance(screening=screening, precautions=decision.precautions_for(regions))
