"""The outbox's writes: queueing messages inside the change that causes them (`queue`), and
sending what is due (`sending`)."""

from needlecare.outbox.services.queue import (
    Occasion,
    Recipient,
    message_queue,
    messages_cancel,
    messages_queue,
)
from needlecare.outbox.services.sending import (
    message_claim,
    message_deliver,
    messages_claim,
    messages_send_due,
)

__all__ = [
    "Occasion",
    "Recipient",
    "message_claim",
    "message_deliver",
    "message_queue",
    "messages_claim",
    "messages_cancel",
    "messages_queue",
    "messages_send_due",
]
