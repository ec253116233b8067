from typing import ClassVar

from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The first answer to an API POST sent with an `Idempotency-Key`, kept for a day.

    Written in the same transaction as the request's own writes: either both are committed
    (a retry answers this again) or neither is (a retry acts, once)."""

    scope = models.CharField(max_length=80, help_text="user:<id>, or addr:<client address>.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=120, blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
