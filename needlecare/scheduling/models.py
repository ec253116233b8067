from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from needlecare.screening.policy import Reason


class AppointmentType(models.Model):
    """What can be booked at a clinic: how long it takes and who may book it."""

    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="appointment_types"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField()
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Turnover time after the appointment before the next may start."
    )
    needs_certification = models.BooleanField(
        default=False, help_text="Dry needling: only a certified therapist, after screening."
    )
    bookable_online = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["clinic", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["clinic", "code"], name="appointment_type_code_once"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="appointment_type_duration_sane",
            ),
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=120), name="appointment_type_buffer_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class WorkingHours(models.Model):
    """A therapist's weekly hours at one clinic, in the clinic's local time."""

    therapist = models.ForeignKey(
        "clinics.Therapist", on_delete=models.CASCADE, related_name="working_hours"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(
        choices=[
            (i, d)
            for i, d in enumerate(
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            )
        ]
    )
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering: ClassVar = ["therapist", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="working_starts_first"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_weekday"
            ),
        ]

    def __str__(self) -> str:
        day = self.get_weekday_display()
        return f"{self.therapist} at {self.clinic}: {day} {self.starts}-{self.ends}"


class TimeOff(models.Model):
    therapist = models.ForeignKey(
        "clinics.Therapist", on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["starts_at"]
        verbose_name_plural = "time off"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="time_off_starts_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapist} off {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class Status(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    # Cancelled by the patient inside the clinic's late-cancellation window.
    LATE_CANCELLED = "late_cancelled", "Late cancellation"
    NO_SHOW = "no_show", "No-show"


# Statuses of a visit called off, each with the reason it was.
CALLED_OFF = (Status.CANCELLED, Status.LATE_CANCELLED)


class CancelledBy(models.TextChoices):
    PATIENT = "patient", "The patient"
    CLINIC = "clinic", "The clinic"


# Statuses that hold their time: no two of these may overlap for a therapist, room or patient.
ACTIVE = (Status.REQUESTED, Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)


class Appointment(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        "clinics.Therapist", on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey("clinics.Room", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    # ends_at plus the type's buffer: the therapist and the room are held until then.
    blocked_until = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    planned_regions = models.JSONField(default=list, blank=True)
    # What the screening asks the therapist to take care over, copied when booked.
    precautions = models.JSONField(default=list, blank=True)
    screening = models.ForeignKey(
        "screening.Screening", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    # Who called the visit off (blank while it is not).
    cancelled_by = models.CharField(max_length=8, choices=CancelledBy.choices, blank=True)
    # The visits of a course of care booked in one step share this; each stays an ordinary visit.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["clinic", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")) & Q(ends_at__lte=F("blocked_until")),
                name="appointment_times_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CALLED_OFF) | ~Q(cancel_reason=""),
                name="appointment_cancel_has_reason",
            ),
        ]
        # On PostgreSQL, exclusion constraints (migration 0002) refuse overlapping active
        # appointments for a therapist, a room or a patient.

    def __str__(self) -> str:
        return f"{self.patient} with {self.therapist} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def precaution_reasons(self) -> tuple[Reason, ...]:
        """The screening's precautions copied when booked, as the policy's own values."""
        return tuple(Reason.from_dict(p) for p in self.precautions)


class WaitlistEntry(models.Model):
    """A screened patient waiting for a time at a clinic within a date range."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        OFFERED = "offered", "Offered a time"
        BOOKED = "booked", "Booked"
        WITHDRAWN = "withdrawn", "Withdrawn"

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    type = models.ForeignKey(AppointmentType, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    planned_regions = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(first_day__lte=F("last_day")), name="waitlist_range_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} waiting at {self.clinic} {self.first_day}–{self.last_day}"


class WaitlistOffer(models.Model):
    """A freed time offered to one waiting patient until it expires."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey("clinics.Therapist", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"offer to {self.entry.patient} for {self.starts_at:%Y-%m-%d %H:%M}"
