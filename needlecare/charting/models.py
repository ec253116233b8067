from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from needlecare.charting.muscles import MUSCLES


class Immutable(models.Model):
    """A record that is written once and never changed."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError(f"A {self._meta.verbose_name} is never edited once recorded.")
        super().save(*args, **kwargs)


class ConsentDocument(Immutable):
    """The consent text a clinic asks patients to sign; each change is a new version."""

    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.PROTECT, related_name="consent_documents"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Paragraphs separated by blank lines; '## ' starts a heading."
    )
    valid_days = models.PositiveSmallIntegerField(
        default=365, help_text="After this many days a new signature is needed."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["clinic", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["clinic", "version"], name="consent_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.title} v{self.version}"

    @property
    def blocks(self) -> list[tuple[str, str]]:
        """The text as ("h", heading) and ("p", paragraph) blocks, for the page and the PDF."""
        blocks: list[tuple[str, str]] = []
        for paragraph in self.body.replace("\r\n", "\n").split("\n\n"):
            paragraph = paragraph.strip()
            if not paragraph:
                continue
            if paragraph.startswith("## "):
                heading, _, rest = paragraph[3:].partition("\n")
                blocks.append(("h", heading.strip()))
                if rest.strip():
                    blocks.append(("p", rest.strip()))
            else:
                blocks.append(("p", paragraph))
        return blocks


class Consent(models.Model):
    """A patient's signature on one version of the consent document, and the countersignature."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    signed_name = models.CharField(max_length=150)
    agreed = models.BooleanField()
    covers_thorax = models.BooleanField(
        default=False,
        help_text="The patient accepted the added risks of needling the chest or upper back.",
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    signed_online = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guardian_name = models.CharField(max_length=150, blank=True)
    interpreter_name = models.CharField(max_length=150, blank=True)
    countersigned_by = models.ForeignKey(
        "clinics.Therapist", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-signed_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(agreed=True), name="consent_is_agreement"),
            models.CheckConstraint(
                condition=Q(countersigned_by__isnull=True, countersigned_at__isnull=True)
                | Q(countersigned_by__isnull=False, countersigned_at__isnull=False),
                name="consent_countersignature_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} consent v{self.document.version} {self.signed_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The patient's part never changes; only the countersignature may be added, once.
        if self.pk is not None:
            fields = ("signed_name", "agreed", "covers_thorax", "document_id")
            stored = (
                Consent.objects.filter(pk=self.pk).values_list(*fields, "countersigned_by_id").get()
            )
            mine = tuple(getattr(self, f) for f in fields)
            if stored[:-1] != mine or stored[-1] is not None:
                raise ValueError("A signed consent is never edited; ask the patient to sign again.")
        super().save(*args, **kwargs)


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
