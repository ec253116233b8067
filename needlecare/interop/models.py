import hashlib
from typing import ClassVar

from django.db import models
from django.db.models import Q


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
