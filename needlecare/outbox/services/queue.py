"""Queueing messages: always inside the transaction of the change that causes them, so a change
that rolls back leaves no message, and a message never goes out for a change never made."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from needlecare.outbox.models import Message


@dataclass(frozen=True)
class Recipient:
    """Where one message goes: a channel and an address, and whose it is."""

    channel: str
    address: str
    patient_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Occasion:
    """One kind of message about a record, to some recipients, from a time on.

    `key` names the occasion (e.g. "42:2026-03-02T14:00:00+00:00" for a visit's reminder); with
    the kind, channel and address it makes each message's dedupe key, so queueing the same
    occasion twice queues nothing more.
    """

    kind: str
    about: models.Model
    to: tuple[Recipient, ...]
    key: str
    send_after: dt.datetime | None = None
    clinic_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


def messages_queue(occasions: Iterable[Occasion]) -> int:
    """Queue the messages of several occasions in one INSERT, in the caller's transaction;
    how many recipients were given."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("messages_queue must run inside the transaction of the change")
    connection = transaction.get_connection()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            o.kind,
            r.channel,
            r.address,
            r.patient_id,
            r.user_id,
            o.clinic_id,
            o.about._meta.label_lower,
            str(o.about.pk),
            ops.adapt_json_value(o.context, None),
            ops.adapt_datetimefield_value(o.send_after) if o.send_after else now,
            Message.State.QUEUED.value,
            0,
            "",
            "",
            "",
            f"{o.kind}:{o.key}:{r.channel}:{r.address}"[:255],
            now,
        )
        for o in occasions
        for r in o.to
    ]
    if rows:
        _insert(rows)
    return len(rows)


# The columns a queued message is written with; the rest keep their defaults.
COLUMNS = (
    "kind",
    "channel",
    "recipient",
    "patient_id",
    "user_id",
    "clinic_id",
    "target_type",
    "target_id",
    "context",
    "send_after",
    "state",
    "attempts",
    "last_error",
    "subject",
    "body",
    "dedupe_key",
    "created_at",
)


def _insert(rows: Sequence[tuple[object, ...]]) -> None:
    """One INSERT ... ON CONFLICT DO NOTHING for the rows (a repeated occasion is skipped).

    Written out rather than bulk_create: queueing runs inside every booking's transaction, and
    building the ORM's INSERT cost most of the time the outbox added to a booking (see
    docs/benchmarks.md). Values go through the backend's own adapters, as the ORM's would.
    """
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    sql = (
        f"INSERT INTO {quote(Message._meta.db_table)} ({', '.join(map(quote, COLUMNS))}) "
        f"VALUES {', '.join([one] * len(rows))} ON CONFLICT ({quote('dedupe_key')}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def message_queue(
    *,
    kind: str,
    about: models.Model,
    to: Iterable[Recipient],
    key: str,
    send_after: dt.datetime | None = None,
    clinic_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """Queue one occasion's messages (see Occasion), in the caller's transaction."""
    occasion = Occasion(kind, about, tuple(to), key, send_after, clinic_id, context or {})
    return messages_queue([occasion])


def messages_cancel(*, about: models.Model, kinds: Iterable[str]) -> int:
    """Call off the queued messages of these kinds about a record (e.g. a cancelled visit's
    reminder); what has gone out stays as it was. A called-off message gives up its dedupe
    key, so the same occasion can be queued again (a visit moved away and back)."""
    return Message.objects.filter(
        target_type=about._meta.label_lower,
        target_id=str(about.pk),
        kind__in=list(kinds),
        state=Message.State.QUEUED,
    ).update(
        state=Message.State.CANCELLED,
        claimed_until=None,
        dedupe_key=Concat(Value("cancelled:"), Cast("id", output_field=CharField())),
    )
