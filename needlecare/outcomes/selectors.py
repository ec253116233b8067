from dataclasses import dataclass

from django.db.models import QuerySet

from needlecare.charting.selectors import sessions_signed
from needlecare.outcomes.instruments import INSTRUMENTS, Change, change
from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.patients.models import Patient


def plan_of_care_current(patient: Patient) -> PlanOfCare | None:
    """The patient's latest plan of care, if a therapist has set one."""
    return PlanOfCare.objects.filter(patient=patient).order_by("-created_at", "-id").first()


def measures_due(patient: Patient) -> list[str]:
    """The plan's measures that are due: never done, or done `every_visits` signed sessions ago."""
    plan = plan_of_care_current(patient)
    if plan is None:
        return []
    signed = list(sessions_signed(patient).values_list("signed_at", flat=True))
    latest = {}
    for response in MeasureResponse.objects.filter(patient=patient, instrument__in=plan.measures):
        latest[response.instrument] = response.completed_at
    due = []
    for code in plan.measures:
        last = latest.get(code)
        if last is None or sum(1 for s in signed if s and s > last) >= plan.every_visits:
            due.append(code)
    return due


def measures_of(patient: Patient) -> QuerySet[MeasureResponse]:
    """The patient's completed measures, oldest first."""
    return MeasureResponse.objects.filter(patient=patient).order_by("completed_at", "id")


@dataclass(frozen=True)
class Progress:
    instrument: str
    name: str
    points: list[MeasureResponse]
    change: Change | None


def measure_progress(patient: Patient) -> list[Progress]:
    """Each measure the patient has done, with its history and the change from first to last."""
    by_code: dict[str, list[MeasureResponse]] = {}
    for response in measures_of(patient):
        by_code.setdefault(response.instrument, []).append(response)
    return [
        Progress(
            instrument=code,
            name=INSTRUMENTS[code].name,
            points=points,
            change=change(code, points[0].value, points[-1].value) if len(points) > 1 else None,
        )
        for code, points in by_code.items()
    ]
