from typing import ClassVar

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Message(models.Model):
    """One message to one address, queued in the transaction of the change that causes it.

    What it says is written when it is sent (so a reminder tells the visit's time as it is
    then), and kept: `subject` and `body` are what went out.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        CANCELLED = "cancelled", "Not needed any more"

    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254, help_text="An email address or a phone number.")
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    clinic = models.ForeignKey(
        "clinics.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the message is about, e.g. ("scheduling.appointment", "42").
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=40)
    context = models.JSONField(default=dict, blank=True)
    send_after = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["state", "send_after"], name="outbox_due"),
            models.Index(fields=["target_type", "target_id", "kind"], name="outbox_about"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="message_channel_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="message_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"


class LinkUse(models.Model):
    """A signed link that acts without signing in, used once: its digest, never the link."""

    purpose = models.CharField(max_length=40)
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} used {self.used_at:%Y-%m-%d %H:%M}"
