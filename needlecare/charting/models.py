from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

# The consent document and signatures live in consent_models; Django finds them through here.
from needlecare.charting.consent_models import (  # noqa: E402
    Consent,
    ConsentDocument,
    Immutable,
    TranslationReview,
)
from needlecare.charting.muscles import MUSCLES

__all__ = [
    "Addendum",
    "AdverseEvent",
    "CheckIn",
    "Consent",
    "ConsentDocument",
    "Immutable",
    "NeedlingRecord",
    "Notification",
    "Position",
    "Side",
    "Technique",
    "TranslationReview",
    "TreatmentSession",
]


class Position(models.TextChoices):
    PRONE = "prone", "Prone"
    SUPINE = "supine", "Supine"
    SIDE_LYING = "side_lying", "Side-lying"
    SEATED = "seated", "Seated"


class TreatmentSession(models.Model):
    """One dry needling treatment, charted while open and locked once signed."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        SIGNED = "signed", "Signed"

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="treatment_session"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="sessions"
    )
    therapist = models.ForeignKey(
        "clinics.Therapist", on_delete=models.PROTECT, related_name="sessions"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    regions = models.JSONField(
        help_text="The regions cleared for needling when the session opened."
    )
    screening = models.ForeignKey("screening.Screening", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    rescreened = models.BooleanField(
        default=False, help_text="False: the patient confirmed no changes since the screening."
    )
    late_reason = models.TextField(
        blank=True, help_text="Why the record was opened after the day of the visit."
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    position = models.CharField(max_length=12, choices=Position.choices, blank=True)
    skin_preparation = models.CharField(max_length=120, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    impairment = models.CharField(max_length=200, blank=True, help_text="The impairment to retest.")
    immediate_response = models.TextField(blank=True)
    needles_in = models.PositiveSmallIntegerField(default=0)
    needles_out = models.PositiveSmallIntegerField(default=0)
    haemostasis = models.BooleanField(default=False)
    advice = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    estim_used = models.BooleanField(default=False)
    estim_pairs = models.PositiveSmallIntegerField(null=True, blank=True)
    estim_frequency_hz = models.PositiveSmallIntegerField(null=True, blank=True)
    estim_pulse_width_us = models.PositiveSmallIntegerField(null=True, blank=True)
    estim_intensity_ma = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    estim_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-opened_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(pain_before__isnull=True) | Q(pain_before__lte=10),
                name="session_pain_before_0_10",
            ),
            models.CheckConstraint(
                condition=Q(pain_after__isnull=True) | Q(pain_after__lte=10),
                name="session_pain_after_0_10",
            ),
            models.CheckConstraint(
                condition=~Q(state="signed")
                | (Q(signed_at__isnull=False) & Q(needles_in=F("needles_out"))),
                name="session_signed_with_all_needles_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.therapist} {self.opened_at:%Y-%m-%d}"

    @property
    def is_signed(self) -> bool:
        return self.state == self.State.SIGNED


class Technique(models.TextChoices):
    STATIC = "static", "Static"
    PISTONING = "pistoning", "Pistoning"
    ROTATION = "rotation", "Rotation"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    MIDLINE = "midline", "Midline"


class NeedlingRecord(models.Model):
    """One target muscle in a session (after STRICTA's needling items)."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="needling")
    muscle = models.CharField(max_length=40, choices=[(m.code, m.name) for m in MUSCLES])
    side = models.CharField(max_length=8, choices=Side.choices)
    region = models.CharField(max_length=20)
    needle_diameter_mm = models.DecimalField(max_digits=3, decimal_places=2)
    needle_length_mm = models.PositiveSmallIntegerField()
    depth_mm = models.PositiveSmallIntegerField()
    technique = models.CharField(max_length=10, choices=Technique.choices)
    insertions = models.PositiveSmallIntegerField()
    twitch_response = models.BooleanField(default=False)
    minutes_in_place = models.PositiveSmallIntegerField()
    referred_pain = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(needle_diameter_mm__gte=0.12, needle_diameter_mm__lte=0.40),
                name="needle_diameter_plausible",
            ),
            models.CheckConstraint(
                condition=Q(needle_length_mm__gte=10, needle_length_mm__lte=125),
                name="needle_length_plausible",
            ),
            models.CheckConstraint(
                condition=Q(depth_mm__lte=F("needle_length_mm")), name="needle_depth_within_length"
            ),
            models.CheckConstraint(
                condition=Q(insertions__gte=1), name="needling_at_least_one_insertion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_muscle_display()} ({self.side})"


class Addendum(Immutable):
    """A correction or addition to a signed session; the record itself never changes."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["written_at"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"addendum to {self.session_id} {self.written_at:%Y-%m-%d}"


class AdverseEvent(models.Model):
    class Category(models.TextChoices):
        BRUISING = "bruising", "Bruising or haematoma"
        BLEEDING = "bleeding", "Bleeding"
        PAIN_DURING = "pain_during", "Pain during treatment"
        SORENESS_AFTER = "soreness_after", "Soreness after treatment"
        AGGRAVATION = "aggravation", "Aggravation of symptoms"
        VASOVAGAL = "vasovagal", "Vasovagal (faint, dizziness, sweating, nausea)"
        DROWSINESS = "drowsiness", "Drowsiness or fatigue"
        HEADACHE = "headache", "Headache"
        EMOTIONAL = "emotional", "Emotional reaction"
        NERVE = "nerve", "Numbness or nerve irritation"
        SKIN = "skin", "Skin reaction or itch"
        INFECTION = "infection", "Infection"
        PNEUMOTHORAX = "pneumothorax", "Pneumothorax (suspected or confirmed)"
        PUNCTURE = "puncture", "Organ or vessel puncture"
        NEEDLE = "needle", "Broken or retained needle"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        SIGNIFICANT = "significant", "Significant"
        SERIOUS = "serious", "Serious"

    class Onset(models.TextChoices):
        DURING = "during", "During treatment"
        UNDER_24H = "under_24h", "Within 24 hours"
        H24_72 = "24_72h", "24 to 72 hours"
        LATER = "later", "Later"

    class Review(models.TextChoices):
        # Recorded by clinical staff: confirmed. Reported by the patient: a draft until a
        # therapist confirms or rejects it; only confirmed events count in the report.
        CONFIRMED = "confirmed", "Confirmed"
        DRAFT = "draft", "Reported by the patient, to review"
        REJECTED = "rejected", "Reviewed: not an adverse event"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    onset = models.CharField(max_length=10, choices=Onset.choices)
    duration = models.CharField(max_length=80, blank=True)
    site = models.CharField(max_length=120, blank=True)
    action_taken = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    reported_by = models.CharField(
        max_length=80, help_text="Who reported it: the patient, the therapist, ..."
    )
    follow_up_on = models.DateField(null=True, blank=True)
    regulator_or_insurer_told = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for an event the patient reported through their check-in link.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.CONFIRMED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.severity})"


class CheckIn(models.Model):
    """The patient's answers the day after a session, through the link in their message."""

    session = models.OneToOneField(
        TreatmentSession, on_delete=models.PROTECT, related_name="check_in"
    )
    soreness = models.PositiveSmallIntegerField(help_text="0 (none) to 10 (worst).")
    bruising = models.BooleanField(default=False)
    dizziness = models.BooleanField(default=False, help_text="Dizziness or fainting.")
    breathing = models.BooleanField(
        default=False, help_text="Shortness of breath or chest pain: a red flag."
    )
    other = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(soreness__lte=10), name="check_in_soreness_0_10"),
        ]

    def __str__(self) -> str:
        return f"Check-in after session {self.session_id}"

    @property
    def red_flag(self) -> bool:
        return self.breathing


class Notification(models.Model):
    """An in-app message to one person, e.g. a serious adverse event for a clinic admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.message
