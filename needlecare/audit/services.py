"""audit_record: the one way anything is written to the audit trail (audit_record_many: the
same for one action on several records at once)."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from needlecare.audit.models import AuditEvent, AuditEventClinic


def _label(obj: Any) -> str:
    return str(obj)[:200]


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    data: dict[str, Any] | None = None,
    clinic_ids: Iterable[int] = (),
) -> AuditEvent:
    """Record that actor did action to target, inside the caller's transaction."""
    # Being called outside a transaction would let the change commit without its record.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    is_person = actor is not None and getattr(actor, "pk", None) is not None
    event = AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=getattr(actor, "email", None) or (str(actor) if actor else "system"),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=_label(target),
        data=data or {},
    )
    AuditEventClinic.objects.bulk_create(
        [AuditEventClinic(event=event, clinic_id=cid) for cid in sorted(set(clinic_ids))]
    )
    return event


def audit_record_many(
    *,
    actor: Any,
    action: str,
    targets: Iterable[tuple[models.Model, dict[str, Any]]],
    clinic_ids: Iterable[int] = (),
) -> list[AuditEvent]:
    """Record that actor did action to each target (with its own data), in two INSERTs
    whatever their number, inside the caller's transaction: a course of visits booked at once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the change")
    is_person = actor is not None and getattr(actor, "pk", None) is not None
    label = getattr(actor, "email", None) or (str(actor) if actor else "system")
    events = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if is_person else None,
                actor_label=label,
                action=action,
                target_type=target._meta.label_lower,
                target_id=str(target.pk),
                target_label=_label(target),
                data=data or {},
            )
            for target, data in targets
        ]
    )
    clinics = sorted(set(clinic_ids))
    AuditEventClinic.objects.bulk_create(
        [AuditEventClinic(event=event, clinic_id=cid) for event in events for cid in clinics]
    )
    return events
