from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanOfCare(models.Model):
    """The measures a therapist follows for a patient, and how often they fall due."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="plans")
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    regions = models.JSONField(default=list)
    measures = models.JSONField(help_text="Instrument codes, e.g. ['nprs', 'ndi'].")
    every_visits = models.PositiveSmallIntegerField(default=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(every_visits__gte=1, every_visits__lte=20),
                name="plan_every_visits_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {', '.join(self.measures)}"


class MeasureResponse(models.Model):
    """One completed outcome measure: raw answers, the score and the scoring version."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="measures"
    )
    instrument = models.CharField(max_length=12, db_index=True)
    version = models.CharField(max_length=30)
    answers = models.JSONField()
    labels = models.JSONField(default=dict, blank=True, help_text="PSFS: the activities named.")
    value = models.FloatField()
    raw = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    answered = models.PositiveSmallIntegerField()
    completed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    online = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["completed_at", "id"]

    def __str__(self) -> str:
        return f"{self.patient} {self.instrument} {self.value} on {self.completed_at:%Y-%m-%d}"
