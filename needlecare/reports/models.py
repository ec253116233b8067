from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Letter(models.Model):
    """A PDF the clinic produced for a patient's record, kept exactly as it was sent."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress letter"
        CLEARANCE_REQUEST = "clearance_request", "Request for a physician's recommendation"
        CONSENT = "consent", "Signed consent"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pdf = models.FileField(upload_to="letters/%Y/%m/")
    recipient = models.TextField(
        help_text="Who it is for, as addressed: the physician's name, practice and fax."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["progress", "clearance_request", "consent"]),
                name="letter_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} {self.created_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What was sent is part of the record: a new letter is written, never an old one edited.
        if self.pk is not None:
            raise ValueError("A letter is never edited once written; write a new one.")
        super().save(*args, **kwargs)
