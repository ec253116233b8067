from collections.abc import Iterable

from django.db.models import QuerySet

from needlecare.audit.models import AuditEvent


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


def audit_events_for_target(target_type: str, target_id: object) -> QuerySet[AuditEvent]:
    """Every recorded event about one record, newest first."""
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id))
