import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from needlecare.clinics.credentials import CredentialStatus, credential_status


class Clinic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, default="MA")
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=20)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    # Demo data says so on every page that shows it, so nobody mistakes it for the real thing.
    hours_are_demo = models.BooleanField(default=False)
    screening_valid_days = models.PositiveSmallIntegerField(
        default=30, help_text="How many days a patient's safety screening stays current."
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long before a visit its reminder goes out (0: no reminders)."
    )
    check_in_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long after a session the patient is asked how they are."
    )
    # Attendance rules.
    late_cancel_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text=(
            "How long before a visit patients can no longer cancel or move it online; staff "
            "cancelling inside it record a late cancellation or the clinic's own (0: no window)."
        ),
    )
    no_show_grace_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="How long after a visit starts before it can be marked a no-show."
    )
    no_shows_before_requests = models.PositiveSmallIntegerField(
        default=0,
        help_text=(
            "After this many no-shows in 12 months, a patient's online bookings are requests "
            "for staff to confirm (0: never)."
        ),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StaffMembership", related_name="clinics"
    )

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        town = f"{self.city}, {self.state} {self.postal_code}".strip()
        return f"{self.street}, {town}" if self.street else town

    def clean(self) -> None:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError({"time_zone": "Unknown time zone."}) from exc


class StaffMembership(models.Model):
    """A member of staff works for a clinic; access to its records follows from this."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["clinic", "user"], name="staff_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.clinic}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One opening period on a weekday, in the clinic's local time; a day may have several."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering: ClassVar = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="hours_open_before_close"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday"
            ),
            models.UniqueConstraint(fields=["clinic", "weekday", "opens"], name="hours_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday"
        ONE_OFF = "one_off", "One-off closure"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["starts_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="closure_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on}–{self.ends_on})"


class Room(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["clinic", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["clinic", "name"], name="room_name_once_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.name}"


class Therapist(models.Model):
    """The clinical profile of a therapist user; the clinics come from their memberships."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist"
    )
    title = models.CharField(max_length=60, help_text="Post-nominals, e.g. PT, DPT")
    bio = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["user__full_name"]

    def __str__(self) -> str:
        return f"{self.user.full_name}, {self.title}" if self.title else self.user.full_name


class Credential(models.Model):
    class Kind(models.TextChoices):
        DRY_NEEDLING = "dry_needling", "Dry needling certification"
        PT_LICENSE = "pt_license", "Physical therapist licence"
        CPR = "cpr", "CPR"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issuer = models.CharField(max_length=120)
    number = models.CharField(max_length=60)
    valid_from = models.DateField()
    expires_on = models.DateField(help_text="The last day the credential is valid.")

    class Meta:
        ordering: ClassVar = ["kind", "-expires_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("expires_on")), name="credential_valid_before_expiry"
            ),
            models.UniqueConstraint(
                fields=["therapist", "kind", "issuer", "number", "valid_from"],
                name="credential_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.valid_from}–{self.expires_on})"

    def status(self, on: dt.date) -> CredentialStatus:
        return credential_status(self.valid_from, self.expires_on, on)


class PublicGeneration(models.Model):
    """One row counting changes to what the public pages show of the clinics (their details
    and opening hours). Database triggers bump it on every insert, update or delete of those
    tables, however the change is made, so each server process can keep the public clinic list
    and pages until the count moves (clinics/selectors.py)."""

    generation = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"public clinic data, change {self.generation}"
