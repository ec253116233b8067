"""Sending what is due.

A sender claims a batch of due messages in a short transaction (PostgreSQL: FOR UPDATE SKIP
LOCKED, so two senders pass each other by; SQLite: an IMMEDIATE transaction, so they take
turns) and holds them for a lease; then, one at a time and outside any transaction, writes and
sends each and marks it sent. A sender killed between sending a message and marking it leaves
that one message sent but unmarked, and it goes out again when the lease runs out; the rest of
its batch was never sent, so it is simply claimed again: one message resent, never a batch. A
failure is retried with backoff, then marked failed.
"""

import datetime as dt
import logging
from collections import Counter

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from needlecare.outbox.channels import SmsBackend, send_email, sms_backend
from needlecare.outbox.models import Channel, Message
from needlecare.outbox.rendering import prefetch, render

LEASE = dt.timedelta(minutes=5)
BATCH = 20
# The wait before each retry; after the last, the message is marked failed.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
log = logging.getLogger(__name__)


def messages_claim(*, now: dt.datetime | None = None, limit: int = BATCH) -> list[Message]:
    """Take up to `limit` due messages for this sender (oldest due first)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = (
            Message.objects.filter(state=Message.State.QUEUED, send_after__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("send_after", "id")
        )
        if db.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due[:limit])
        if not batch:
            return []
        until = now + LEASE
        Message.objects.filter(pk__in=[m.pk for m in batch]).update(
            claimed_until=until, attempts=F("attempts") + 1
        )
    for message in batch:
        message.claimed_until = until
        message.attempts += 1
    return batch


def message_claim(*, now: dt.datetime | None = None) -> Message | None:
    """Take the next due message for this sender, or None when nothing is due."""
    batch = messages_claim(now=now, limit=1)
    return batch[0] if batch else None


def _failed(message: Message, error: str, now: dt.datetime) -> str:
    retry = message.attempts <= len(BACKOFF)
    fields: dict[str, object] = {"last_error": error[:2000], "claimed_until": None}
    if retry:
        fields["send_after"] = now + BACKOFF[message.attempts - 1]
    else:
        fields["state"] = Message.State.FAILED
    Message.objects.filter(pk=message.pk).update(**fields)
    log.warning("message %s (%s) not sent: %s", message.pk, message.kind, error)
    return "retry" if retry else Message.State.FAILED


def message_deliver(
    message: Message,
    *,
    connection: BaseEmailBackend | None = None,
    sms: SmsBackend | None = None,
) -> str:
    """Write and send one claimed message; what became of it: sent, cancelled, retry, failed."""
    now = timezone.now()
    try:
        rendered = render(message)
    except Exception as exc:  # noqa: BLE001 - a message that cannot be written is retried, then failed
        return _failed(message, f"could not be written: {exc!r}", now)
    if rendered is None:
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.CANCELLED, claimed_until=None, last_error="no longer applies"
        )
        return Message.State.CANCELLED
    try:
        if message.channel == Channel.EMAIL:
            send_email(rendered, message.recipient, connection=connection or get_connection())
        else:
            (sms or sms_backend()).send(message.recipient, rendered.sms)
    except Exception as exc:  # noqa: BLE001 - any failure of the channel is retried
        return _failed(message, repr(exc), now)
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.SENT,
        sent_at=timezone.now(),
        subject=rendered.subject[:200],
        body=rendered.text if message.channel == Channel.EMAIL else rendered.sms,
        claimed_until=None,
        last_error="",
    )
    return Message.State.SENT


def messages_send_due(*, limit: int | None = None, now: dt.datetime | None = None) -> Counter[str]:
    """Send due messages until none is left (or `limit` were tried); counts by outcome.
    `now` is when to count as now for what is due (the clock, unless a test says)."""
    outcomes: Counter[str] = Counter()
    connection = _opened(get_connection())
    sms = sms_backend()
    try:
        while limit is None or sum(outcomes.values()) < limit:
            room = BATCH if limit is None else min(BATCH, limit - sum(outcomes.values()))
            batch = messages_claim(now=now, limit=room)
            if not batch:
                break
            prefetch(batch)
            for message in batch:
                outcome = message_deliver(message, connection=connection, sms=sms)
                outcomes[outcome] += 1
                if outcome not in (Message.State.SENT, Message.State.CANCELLED):
                    connection.close()  # a broken SMTP connection is not reused
                    _opened(connection)
    finally:
        connection.close()
    return outcomes


def _opened(connection: BaseEmailBackend) -> BaseEmailBackend:
    """One SMTP connection for a run of messages; if it cannot open now, each send says why."""
    try:
        connection.open()
    except OSError as exc:
        log.warning("the email server cannot be reached: %r", exc)
    return connection
