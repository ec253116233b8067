"""The safety gate: does the patient's current screening clear every region to be needled?

Booking a dry needling appointment and opening a treatment session both pass through here,
so the rule lives in one place whatever page or route asks.
"""

import datetime as dt
from dataclasses import dataclass

from needlecare.common.errors import DomainError
from needlecare.patients.models import Patient
from needlecare.screening.models import Screening
from needlecare.screening.policy import REGION_LABELS, REGIONS
from needlecare.screening.selectors import screening_current

CLEARING = frozenset({"eligible", "proceed_with_precautions"})


class NotCleared(DomainError):
    status = 409


@dataclass(frozen=True)
class Clearance:
    screening: Screening
    precautions: list[dict[str, object]]


def _names(regions: list[str]) -> str:
    names = [REGION_LABELS[r].lower() for r in regions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def screening_gate(
    *, patient: Patient, regions: list[str], at: dt.datetime | None = None
) -> Clearance:
    """The current screening that clears these regions, or NotCleared saying why not."""
    if not regions:
        raise DomainError("Choose the areas to be needled.", field="planned_regions")
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise DomainError(f"Unknown body region {unknown[0]!r}.", field="planned_regions")
    screening = screening_current(patient, at=at)
    if screening is None:
        raise NotCleared(
            f"{patient.full_name} has no current safety screening; it must be answered "
            "(or confirmed) before dry needling is booked or given."
        )
    decided = screening.result["regions"]
    missing = [r for r in regions if r not in decided]
    if missing:
        raise NotCleared(
            f"The current screening did not cover the {_names(missing)}; screen again with "
            "those areas included."
        )
    ruled_out = [r for r in regions if decided[r] == "contraindicated"]
    if ruled_out:
        raise NotCleared(f"The safety screening rules out dry needling of the {_names(ruled_out)}.")
    waiting = [r for r in regions if decided[r] not in CLEARING]
    if waiting:
        raise NotCleared(
            f"Dry needling of the {_names(waiting)} needs a physician's clearance on record first."
        )
    precautions = [
        reason
        for reason in screening.result["reasons"]
        if reason["effect"] == "precaution" and set(reason["regions"]) & set(regions)
    ]
    return Clearance(screening=screening, precautions=precautions)
