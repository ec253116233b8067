from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Physician(models.Model):
    """A referring physician, kept once and shared by the patients they refer."""

    name = models.CharField(max_length=150)
    practice = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    fax = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.practice}" if self.practice else self.name


class Patient(models.Model):
    # A patient registered by the front desk has no login until they register online.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    preferred_clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="patients"
    )
    referring_physician = models.ForeignKey(
        Physician, null=True, blank=True, on_delete=models.PROTECT, related_name="patients"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How the patient wants to hear from the clinic. Safety messages (aftercare, the next-day
    # check-in) always go out, by email or text if neither is chosen; reminders can be refused.
    messages_by_email = models.BooleanField(default=True)
    messages_by_sms = models.BooleanField(default=False)
    reminders_wanted = models.BooleanField(default=True)
    # The language of the patient's pages, messages and letters (settings.LANGUAGES).
    preferred_language = models.CharField(
        max_length=8,
        choices=[("en", "English"), ("es", "Español"), ("pt-br", "Português (Brasil)")],
        default="en",
    )

    class Meta:
        ordering: ClassVar = ["last_name", "first_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="patient_email_once"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    def clinic_ids(self) -> list[int]:
        """The clinics whose staff may see this patient."""
        return [self.preferred_clinic_id]
