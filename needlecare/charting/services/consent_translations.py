"""Translations of the consent document: a clinic admin publishes one for the English version
in force, and records the review of a qualified medical translator."""

from django.conf import settings
from django.db import IntegrityError, transaction

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.charting.consent_documents import (
    consent_document_current,
    consent_translations_current,
)
from needlecare.charting.models import ConsentDocument, TranslationReview
from needlecare.common.errors import DomainError


def translation_languages() -> dict[str, str]:
    """The languages a consent document may be translated into, code to name."""
    return {code: name for code, name in settings.LANGUAGES if code != "en"}


def _headings(body: str) -> int:
    return sum(1 for p in body.replace("\r\n", "\n").split("\n\n") if p.strip().startswith("## "))


def consent_translation_publish(
    *, original: ConsentDocument, language: str, title: str, body: str, by: User | None
) -> ConsentDocument:
    """Publish the text of `original` (the English version in force) in another language.

    Publishing is the clinic admin's approval; a signature on it holds as one on the English
    version. A corrected translation replaces the earlier one for new signatures only.
    """
    if language not in translation_languages():
        raise DomainError(
            "consent_translation.language",
            "Choose one of the languages patients can read needlecare in.",
            field="language",
        )
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise DomainError(
            "consent_document.incomplete",
            "The translation needs a title and its text.",
            field="body",
        )
    if body == original.body.strip():
        raise DomainError(
            "consent_translation.untranslated",
            "This is still the English text; replace it with the translation.",
            field="body",
        )
    if _headings(body) != _headings(original.body):
        raise DomainError(
            "consent_translation.headings",
            f"The English text has {_headings(original.body)} headings ('## ') and the "
            f"translation {_headings(body)}; translate every section, no more and no fewer.",
            field="body",
        )
    with transaction.atomic():
        current = consent_document_current(original.clinic)
        if current is None or current.pk != original.pk:
            raise DomainError(
                "consent_translation.not_current",
                "Only the English version in force can be translated; it has been replaced.",
            )
        earlier = consent_translations_current(original).get(language)
        if earlier is not None and (earlier.title, earlier.body) == (title, body):
            raise DomainError(
                "consent_document.unchanged",
                "That is the translation already in force; nothing to publish.",
            )
        document = ConsentDocument.objects.create(
            clinic=original.clinic,
            version=original.version,
            title=title,
            body=body,
            valid_days=original.valid_days,
            published_by=by,
            language=language,
            translates=original,
        )
        audit_record(
            actor=by,
            action="consent_document.translated",
            target=document,
            data={"version": original.version, "language": language},
            clinic_ids=[original.clinic_id],
        )
    return document


def consent_translation_review(
    *, document: ConsentDocument, translator_name: str, by: User
) -> TranslationReview:
    """Record that a qualified medical translator reviewed this translation, once."""
    name = " ".join(translator_name.split())
    if document.translates_id is None:
        raise DomainError(
            "consent_translation.not_translation",
            "The English text is the clinic's own; only translations are reviewed.",
        )
    if not name:
        raise DomainError(
            "consent_translation.translator",
            "Give the name of the qualified medical translator who reviewed it.",
            field="translator_name",
        )
    try:
        with transaction.atomic():
            review = TranslationReview.objects.create(
                document=document, translator_name=name[:150], recorded_by=by
            )
            audit_record(
                actor=by,
                action="consent_document.reviewed",
                target=document,
                data={"translator": name[:150]},
                clinic_ids=[document.clinic_id],
            )
    except IntegrityError:
        raise DomainError(
            "consent_translation.already_reviewed", "This translation is already reviewed."
        ) from None
    return review
