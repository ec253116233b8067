from functools import cached_property
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from needlecare.screening.policy import Decision, Intake, parse_intake


class PolicyContent(models.Model):
    """The rules of one policy version, kept once, so any stored decision can be replayed."""

    version = models.CharField(max_length=80, unique=True)
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.version

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Policy content is never edited; publish a new version.")
        super().save(*args, **kwargs)


class PublishedPolicy(models.Model):
    """A clinic's screening policy from a date on. Published once, never edited."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="policies")
    policy = models.ForeignKey(PolicyContent, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField()
    reason = models.TextField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["clinic", "-effective_from", "-published_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["clinic", "effective_from"], name="one_policy_per_clinic_and_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.policy.version} from {self.effective_from}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A published policy is never edited; publish a new version.")
        super().save(*args, **kwargs)


class Screening(models.Model):
    """A patient's answers and the decision they led to, under the policy that decided."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screenings"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    intake = models.JSONField(help_text="The contract's input body, as evaluated.")
    result = models.JSONField(help_text="The contract's output body.")
    # What hurts and why (the practice's indications); not part of the contract's body.
    indications = models.JSONField(default=list, blank=True)
    # Answers beyond the contract, e.g. {"electronic_implant": true}; absent means not asked.
    details = models.JSONField(default=dict, blank=True)
    # The overall decision, kept as a column so worklists can filter on it.
    overall = models.CharField(max_length=40, db_index=True)
    policy = models.ForeignKey(PolicyContent, on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A re-evaluation (after a clearance) points at the answers it re-used.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-entered_at", "-id"]
        get_latest_by = ("entered_at", "id")

    def __str__(self) -> str:
        return f"{self.patient} {self.entered_at:%Y-%m-%d}: {self.overall}"

    @cached_property
    def decision(self) -> Decision:
        """The stored decision as the policy engine's own value."""
        return Decision.from_dict(self.result)

    @cached_property
    def answers(self) -> Intake:
        """The stored answers as the policy engine's own value."""
        return parse_intake(self.intake)

    @property
    def policy_version(self) -> str:
        return self.decision.policy_version

    def reported(self, code: str) -> bool:
        """Whether the patient reported this condition."""
        return any(condition.code == code for condition in self.answers.conditions)

    @property
    def electronic_implant_possible(self) -> bool:
        """An implant was reported and not known to be non-electronic (unasked counts as yes)."""
        return (
            self.reported("implant") and self.details.get("electronic_implant", True) is not False
        )


class ScreeningConfirmation(models.Model):
    """At a visit the patient confirms nothing has changed since the screening."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="confirmations")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the patient confirmed through the link in their reminder.",
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.screening_id} confirmed {self.confirmed_at:%Y-%m-%d}"


class PhysicianClearance(models.Model):
    """A physician's recommendation on record for one of the patient's conditions."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clearances"
    )
    condition = models.CharField(max_length=40)
    physician_name = models.CharField(max_length=150)
    cleared_on = models.DateField()
    note = models.TextField(blank=True)
    letter = models.FileField(upload_to="clearances/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-cleared_on", "-id"]

    def __str__(self) -> str:
        return f"{self.patient}: {self.condition} cleared by {self.physician_name}"
