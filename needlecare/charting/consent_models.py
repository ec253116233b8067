"""Informed consent: the clinic's consent document (English, and its translations), the review of
a translation, and the patient's signature on one of them."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


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
    # English is the clinic's own text; a translation is a document of its own, published by a
    # clinic admin for one English version (the version number is the English one's).
    language = models.CharField(max_length=8, default="en")
    translates = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="translations"
    )

    class Meta:
        ordering: ClassVar = ["clinic", "-version", "language", "-published_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["clinic", "version"],
                condition=Q(language="en"),
                name="consent_version_once",
            ),
            models.CheckConstraint(
                condition=Q(language="en", translates__isnull=True)
                | (~Q(language="en") & Q(translates__isnull=False)),
                name="consent_translation_of_english",
            ),
        ]

    def __str__(self) -> str:
        language = "" if self.language == "en" else f" ({self.language})"
        return f"{self.clinic}: {self.title} v{self.version}{language}"

    @property
    def language_name(self) -> str:
        """The language's own name, as the language switcher shows it."""
        return dict(settings.LANGUAGES).get(self.language, self.language)

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


class TranslationReview(models.Model):
    """A qualified medical translator's review of a translated consent document, recorded once
    by a clinic admin (the document itself never changes)."""

    document = models.OneToOneField(
        ConsentDocument, on_delete=models.PROTECT, related_name="review"
    )
    translator_name = models.CharField(max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.document} reviewed by {self.translator_name}"


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
