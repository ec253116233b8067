"""Queueing messages: always inside the transaction of the change that causes them, so a change
that rolls back leaves no message, and a message never goes out for a change never made."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
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
    """Queue one message of a kind about a record, per recipient, in the caller's transaction.

    `key` names the occasion (e.g. "reminder:42:2026-03-02T14:00:00+00:00"); with the channel
    and address it makes each message's dedupe key, so queueing the same occasion twice queues
    nothing more. Returns how many recipients were given.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("message_queue must run inside the transaction of the change")
    when = send_after or timezone.now()
    rows = [
        Message(
            kind=kind,
            channel=r.channel,
            recipient=r.address,
            patient_id=r.patient_id,
            user_id=r.user_id,
            clinic_id=clinic_id,
            target_type=about._meta.label_lower,
            target_id=str(about.pk),
            context=context or {},
            send_after=when,
            dedupe_key=f"{kind}:{key}:{r.channel}:{r.address}"[:255],
        )
        for r in to
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


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
