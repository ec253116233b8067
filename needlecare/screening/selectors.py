import datetime as dt
from collections.abc import Iterable

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.patients.models import Patient
from needlecare.screening.models import (
    PhysicianClearance,
    PublishedPolicy,
    Screening,
    ScreeningConfirmation,
)
from needlecare.screening.policy import DEFAULT_POLICY, Policy

NEEDS_ATTENTION = ("physician_clearance_required", "contraindicated")


def policy_publication_in_force(clinic: Clinic, *, on: dt.date) -> PublishedPolicy | None:
    """The clinic's latest publication effective on the day; None means the default policy."""
    return (
        PublishedPolicy.objects.filter(clinic=clinic, effective_from__lte=on)
        .select_related("policy")
        .order_by("-effective_from")
        .first()
    )


def policy_in_force(clinic: Clinic, *, on: dt.date) -> Policy:
    """The policy that screens this clinic's patients on the day."""
    published = policy_publication_in_force(clinic, on=on)
    return Policy.from_dict(published.policy.content) if published else DEFAULT_POLICY


def clearances_of(patient: Patient) -> QuerySet[PhysicianClearance]:
    """The patient's physician clearances, newest first, with who recorded them."""
    return patient.clearances.select_related("recorded_by")


def policy_history(clinic: Clinic) -> QuerySet[PublishedPolicy]:
    """Every policy the clinic has published, newest first."""
    return clinic.policies.select_related("policy", "published_by")


def clearances_on_record(patient: Patient) -> frozenset[str]:
    """The conditions a physician has cleared for this patient."""
    return frozenset(
        PhysicianClearance.objects.filter(patient=patient).values_list("condition", flat=True)
    )


def screening_is_current(screening: Screening, *, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return screening.entered_at >= at - dt.timedelta(days=screening.clinic.screening_valid_days)


def screening_current(patient: Patient, *, at: dt.datetime | None = None) -> Screening | None:
    """The patient's latest screening if it is still current; an older one never stands in."""
    latest = (
        Screening.objects.filter(patient=patient)
        .select_related("clinic", "policy", "entered_by")
        .order_by("-entered_at", "-id")
        .first()
    )
    return latest if latest is not None and screening_is_current(latest, at=at) else None


def screenings_of(patient: Patient) -> list[Screening]:
    """All of a patient's screenings, newest first."""
    return list(
        Screening.objects.filter(patient=patient)
        .select_related("clinic", "entered_by", "policy")
        .order_by("-entered_at", "-id")
    )


def clearance_worklist(clinic_ids: Iterable[int]) -> list[Screening]:
    """Current screenings at these clinics that need a clearance or rule needling out."""
    latest = Screening.objects.filter(patient=OuterRef("pk")).order_by("-entered_at", "-id")
    latest_ids = (
        Patient.objects.filter(preferred_clinic__in=list(clinic_ids))
        .annotate(latest=Subquery(latest.values("pk")[:1]))
        .values("latest")
    )
    rows = (
        Screening.objects.filter(pk__in=latest_ids, overall__in=NEEDS_ATTENTION)
        .select_related("patient", "clinic")
        .order_by("overall", "entered_at")
    )
    return [s for s in rows if screening_is_current(s)]


def screenings_latest(patient_ids: Iterable[int]) -> dict[int, Screening]:
    """Each patient's latest screening, current or not, by patient id: one query for them all."""
    latest = Screening.objects.filter(patient=OuterRef("pk")).order_by("-entered_at", "-id")
    latest_ids = (
        Patient.objects.filter(pk__in=list(patient_ids))
        .annotate(latest=Subquery(latest.values("pk")[:1]))
        .values("latest")
    )
    rows = Screening.objects.filter(pk__in=latest_ids).select_related("clinic")
    return {s.patient_id: s for s in rows}


def screenings_confirmed(screening_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each screening was last confirmed unchanged (at a visit or through a reminder)."""
    rows = (
        ScreeningConfirmation.objects.filter(screening_id__in=list(screening_ids))
        .values("screening_id")
        .annotate(last=Max("confirmed_at"))
    )
    return {row["screening_id"]: row["last"] for row in rows}
