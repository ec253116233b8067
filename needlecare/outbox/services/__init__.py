"""The outbox's writes: queueing messages inside the change that causes them (`queue`), and
sending what is due (`sending`)."""

from needlecare.outbox.services.queue import (
    Recipient,
    message_queue,
    messages_cancel,
)
from needlecare.outbox.services.sending import (
    message_claim,
    message_deliver,
    messages_send_due,
)

__all__ = [
    "Recipient",
    "message_claim",
    "message_deliver",
    "message_queue",
    "messages_cancel",
    "messages_send_due",
]
