"""audit_record: the one way anything is written to the audit trail (audit_record_many: the
same for one action on several records at once); audit_read: the one way a look at a patient's
records is recorded."""

from collections.abc import Iterable
from typing import Any, cast

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from needlecare.audit.models import AuditEvent, AuditEventClinic, ReadEvent


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


# What a read is about: one record, or a model for a list of that kind of record.
ReadTarget = models.Model | type[models.Model]
READ_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "role",
    "what",
    "record_type",
    "record_id",
    "patient_id",
    "address",
)


def _read_row(target: ReadTarget, patient_id: int | None) -> tuple[str, str, int | None]:
    label = target._meta.label_lower
    if isinstance(target, type):
        return label, "", patient_id
    if patient_id is None:
        patient_id = (
            target.pk if label == "patients.patient" else getattr(target, "patient_id", None)
        )
    if patient_id is None and getattr(target, "session_id", None) is not None:
        patient_id = cast(Any, target).session.patient_id  # a session's record (an event)
    return label, str(target.pk), patient_id


def audit_read(
    *,
    actor: Any,
    request: HttpRequest | None,
    what: str,
    targets: Iterable[ReadTarget] = (),
    patient_id: int | None = None,
) -> int:
    """Record that actor looked at targets (a patient's record when none are named), in one
    INSERT, a row a target; how many rows (none for an empty list that names no patient: a
    page listing nobody)."""
    rows = [_read_row(t, patient_id) for t in targets]
    if not rows:
        if patient_id is None:
            return 0
        rows = [("patients.patient", str(patient_id), patient_id)]
    connection = transaction.get_connection()
    ops = connection.ops
    # A user; an integration token (which has a pk too) is named by its label, not linked.
    is_person = getattr(actor, "is_authenticated", False) is True and actor.pk is not None
    address = str(request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""
    common = (
        ops.adapt_datetimefield_value(timezone.now()),
        actor.pk if is_person else None,
        (getattr(actor, "email", None) or (str(actor) if actor else "system"))[:254],
        str(getattr(actor, "role", "") or "")[:20],
        what[:80],
    )
    # Written out rather than through the ORM: it runs on every page of a record, and building
    # the ORM's INSERT costs more than the INSERT (docs/benchmarks.md, "Read audit").
    quote = ops.quote_name
    table, columns = quote(ReadEvent._meta.db_table), ", ".join(map(quote, READ_COLUMNS))
    if connection.vendor == "postgresql" and len(rows) > 1:
        # A page listing many records: the varying columns as three arrays, so PostgreSQL
        # parses one short statement rather than nine literals a row (docs/benchmarks.md).
        sql = (
            f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the model; values bound
            "SELECT %s, %s, %s, %s, %s, r.kind, r.id, r.patient, %s "
            "FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS r(kind, id, patient)"
        )
        kinds, ids, patients = (list(column) for column in zip(*rows, strict=True))
        values = [*common, address, kinds, ids, patients]
    else:
        one = "(" + ", ".join(["%s"] * len(READ_COLUMNS)) + ")"
        # The table's and columns' own names; every value is bound.
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))}"  # noqa: S608
        values = [v for row in rows for v in (*common, *row, address)]
    _insert_without_waiting_for_the_disk(connection, sql, values)
    return len(rows)


def _insert_without_waiting_for_the_disk(connection: Any, sql: str, values: list[Any]) -> None:
    """The read's INSERT, committed without waiting for the disk to confirm it, when it is not
    part of a caller's transaction.

    Waiting (an fsync per commit) is most of what a read record costs: 5 to 8 ms a page on a
    busy disk, against a budget of 1 ms (docs/benchmarks.md, "Read audit"). Not waiting risks
    only the last moments' reads on a power cut, never the database's integrity and never a
    change or its audit row, which keep their synchronous commits: on SQLite (WAL) the row is
    written at once and made durable by the next commit that syncs; on PostgreSQL the WAL
    writer flushes it within a fraction of a second.
    """
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # the caller's transaction decides how it commits
            cursor.execute(sql, values)
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            (previous,) = cursor.fetchone()
            cursor.execute("PRAGMA synchronous=NORMAL")
            try:
                cursor.execute(sql, values)
            finally:
                cursor.execute(f"PRAGMA synchronous={int(previous)}")
        elif connection.vendor == "postgresql":
            # One round trip: the statements of one query string run as one implicit
            # transaction, in which SET LOCAL holds for this INSERT only (Django's psycopg
            # cursors bind on the client side, which allows several statements).
            cursor.execute("SET LOCAL synchronous_commit TO OFF; " + sql, values)
        else:
            cursor.execute(sql, values)
