"""Reads of the consent documents: the clinic's English text in force, its translations, and
which a signature is taken on."""

from django.db.models import QuerySet

from needlecare.charting.models import ConsentDocument
from needlecare.clinics.models import Clinic


def consent_document_current(clinic: Clinic) -> ConsentDocument | None:
    """The version patients sign now: the clinic's English text (translations follow it)."""
    return ConsentDocument.objects.filter(clinic=clinic, language="en").order_by("-version").first()


def consent_translations_current(original: ConsentDocument) -> dict[str, ConsentDocument]:
    """The latest translation of this English version in each language, by language code."""
    latest: dict[str, ConsentDocument] = {}
    for document in (
        ConsentDocument.objects.filter(translates=original)
        .select_related("review")
        .order_by("-published_at", "-id")
    ):
        latest.setdefault(document.language, document)
    return latest


def consent_document_in(clinic: Clinic, language: str) -> ConsentDocument | None:
    """The version a patient reading in `language` signs now: the latest translation of the
    current English text into it, else the English text itself."""
    current = consent_document_current(clinic)
    if current is None or language == "en":
        return current
    return consent_translations_current(current).get(language, current)


def consent_signable(document: ConsentDocument) -> bool:
    """Whether a signature on this document is taken now: it is the current English text or
    the latest translation of it in its language."""
    current = consent_document_current(document.clinic)
    if current is None:
        return False
    if document.language == "en":
        return document.pk == current.pk
    return consent_translations_current(current).get(document.language) == document


def consent_translations_unreviewed(clinic: Clinic) -> list[ConsentDocument]:
    """The clinic's translated consent documents no qualified medical translator has reviewed
    yet, newest first."""
    return list(
        ConsentDocument.objects.filter(clinic=clinic, translates__isnull=False, review=None)
        .select_related("published_by")
        .order_by("-published_at", "-id")
    )


def consent_document_of(clinic: Clinic, document_id: int) -> ConsentDocument | None:
    """One of the clinic's consent documents by id (as named in a signing form), else None."""
    return ConsentDocument.objects.filter(pk=document_id, clinic=clinic).first()


def consent_documents(clinic: Clinic) -> QuerySet[ConsentDocument]:
    """Every version of the clinic's consent document and its translations, as the model
    orders them, with each translation's review."""
    return ConsentDocument.objects.filter(clinic=clinic).select_related(
        "published_by", "review__recorded_by"
    )
