import datetime as dt
import hashlib
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def token_digest(token: str) -> str:
    """What is stored and looked up in place of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A therapist's private calendar subscription; the URL's token is its only credential.

    Only the SHA-256 digest of the token is kept: a copy of the database does not hand out
    working feed URLs. A feed is never reactivated; replacing it revokes the old one.
    """

    therapist = models.ForeignKey(
        "clinics.Therapist", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["therapist"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_therapist",
            ),
        ]

    def __str__(self) -> str:
        # Never the digest: labels end up in the audit trail.
        state = "revoked" if self.revoked_at else "active"
        return f"calendar feed {self.pk} of therapist {self.therapist_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class FhirToken(models.Model):
    """A bearer token for a system reading one clinic's records through FHIR at /fhir/R4/.

    As with calendar feeds only the SHA-256 digest is kept; the token is shown once, when it is
    made. A token stops working when it is revoked or expires, and is never brought back.
    """

    # A token is worthless without its clinic: it goes with it.
    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="fhir_tokens"
    )
    name = models.CharField(max_length=80)
    token_digest = models.CharField(max_length=64, unique=True)
    # None: made on the command line.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="fhir_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        # Never the digest: labels end up in the audit trail.
        return f'FHIR token "{self.name}" for {self.clinic}'

    @property
    def role(self) -> str:
        """What the FHIR views treat the holder as: a system, not a person with a role."""
        return "integration"

    def is_active(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def state(self, now: dt.datetime) -> str:
        """active, revoked or expired, for lists."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if now < self.expires_at else "expired"


class FhirExport(models.Model):
    """A Bulk Data export (FHIR $export) asked for by a token or a member of staff: what it
    covers, how far it got, and the NDJSON files it wrote (through the storage API)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Who asked: exactly one of the two. Only they may see its status and files.
    token = models.ForeignKey(
        FhirToken, on_delete=models.CASCADE, null=True, blank=True, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    request_url = models.TextField()
    clinic_ids = models.JSONField(default=list)  # the clinics whose records it holds
    clinical = models.BooleanField(default=False)  # treatment records included
    patients_only = models.BooleanField(default=False)  # Patient/$export: their compartments
    types = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    output = models.JSONField(default=list)  # [{"type", "count", "name"}]
    error = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(token__isnull=True) ^ Q(requested_by__isnull=True),
                name="fhir_export_one_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"FHIR export {self.pk} ({self.state})"
