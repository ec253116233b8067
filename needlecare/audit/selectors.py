import datetime as dt
from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet

from needlecare.audit.models import AuditEvent, ReadEvent


def audit_events_for_clinics(clinic_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    """The audit trail readable by the admins of these clinics, newest first."""
    ids = list(clinic_ids)
    return (
        AuditEvent.objects.filter(
            pk__in=AuditEvent.objects.filter(clinics__clinic_id__in=ids).values("pk")
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def audit_events_filtered(
    clinic_ids: Iterable[int],
    *,
    actor_id: int | None = None,
    targets: Mapping[str, Iterable[object]] | None = None,
    action: str = "",
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The clinics' audit trail narrowed to one actor, to events about any of `targets`
    (record type -> ids), to one action, and to `since` <= time < `before`; newest first."""
    events = audit_events_for_clinics(clinic_ids)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if targets is not None:
        about = Q(pk__in=[])
        for target_type, ids in targets.items():
            about |= Q(target_type=target_type, target_id__in=[str(i) for i in ids])
        events = events.filter(about)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=since)
    if before is not None:
        events = events.filter(at__lt=before)
    return events


def audit_actions_for_clinics(clinic_ids: Iterable[int]) -> list[str]:
    """The actions recorded in these clinics' trail, by name."""
    return list(
        AuditEvent.objects.filter(clinics__clinic_id__in=list(clinic_ids))
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_events_for_target(target_type: str, target_id: object) -> QuerySet[AuditEvent]:
    """Every recorded event about one record, newest first."""
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id))


def read_events_filtered(
    patient_ids: Iterable[int],
    *,
    actor_id: int | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[ReadEvent]:
    """Who looked at these patients' records, narrowed to one actor and to `since` <= time <
    `before`; newest first."""
    reads = ReadEvent.objects.filter(patient_id__in=list(patient_ids)).select_related("actor")
    if actor_id is not None:
        reads = reads.filter(actor_id=actor_id)
    if since is not None:
        reads = reads.filter(at__gte=since)
    if before is not None:
        reads = reads.filter(at__lt=before)
    return reads.order_by("-at", "-id")
