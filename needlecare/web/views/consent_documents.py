"""The clinic admin's consent pages: publish a new English version, publish its translations,
and record a qualified medical translator's review of each."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.charting import consent_documents as documents
from needlecare.charting.services import (
    consent_document_publish,
    consent_translation_publish,
    consent_translation_review,
    translation_languages,
)
from needlecare.clinics.access import access_clinic
from needlecare.common.time import clinic_zone
from needlecare.web.charting_forms import (
    ConsentDocumentForm,
    ConsentTranslationForm,
    TranslationReviewForm,
)
from needlecare.web.forms import attempt


@allow(Role.CLINIC_ADMIN)
def consent_document(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    current = documents.consent_document_current(clinic)
    initial: dict[str, Any] = {"title": "Consent to dry needling", "valid_days": 365}
    if current is not None:
        initial = {"title": current.title, "body": current.body, "valid_days": current.valid_days}
    form = ConsentDocumentForm(request.POST or None, initial=initial)
    outcome = attempt(
        form,
        lambda: consent_document_publish(
            clinic=clinic,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            valid_days=form.cleaned_data["valid_days"],
            by=request.user,
        ),
    )
    if outcome.value is not None:
        messages.success(
            request,
            f"Version {outcome.value.version} is published; every patient signs it afresh "
            "before their next treatment. Publish its translations too: until then patients "
            "read it in English.",
        )
        return redirect("staff-consent-document", slug=clinic.slug)
    translated = documents.consent_translations_current(current) if current else {}
    context = {
        "clinic": clinic,
        "current": current,
        "blocks": current.blocks if current else [],
        "languages": [
            (code, name, translated.get(code)) for code, name in translation_languages().items()
        ],
        "unreviewed": documents.consent_translations_unreviewed(clinic),
        "review_form": TranslationReviewForm(),
        "history": documents.consent_documents(clinic),
        "form": form,
    }
    with timezone.override(clinic_zone(clinic)):
        return render(request, "consent/document.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
def consent_translation(request: AuthedRequest, slug: str, language: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    name = translation_languages().get(language)
    current = documents.consent_document_current(clinic)
    if name is None or current is None:
        raise Http404("No such translation.")
    earlier = documents.consent_translations_current(current).get(language)
    start = earlier or current
    form = ConsentTranslationForm(
        request.POST or None, initial={"title": start.title, "body": start.body}
    )
    for field in ("title", "body"):  # the words typed are in that language
        form.fields[field].widget.attrs["lang"] = language
    outcome = attempt(
        form,
        lambda: consent_translation_publish(
            original=current,
            language=language,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            by=request.user,
        ),
    )
    if outcome.value is not None:
        messages.success(
            request,
            f"The {name} translation of version {current.version} is published: patients "
            f"reading needlecare in {name} now sign it. It awaits a qualified medical "
            "translator's review.",
        )
        return redirect("staff-consent-document", slug=clinic.slug)
    context = {
        "clinic": clinic,
        "current": current,
        "blocks": current.blocks,
        "language": language,
        "language_name": name,
        "earlier": earlier,
        "form": form,
    }
    with timezone.override(clinic_zone(clinic)):
        return render(request, "consent/translation.html", context, status=outcome.status)


@allow(Role.CLINIC_ADMIN)
@require_POST
def consent_translation_reviewed(request: AuthedRequest, slug: str, document_id: int) -> Any:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    document = documents.consent_document_of(clinic, document_id)
    if document is None:
        raise Http404("No such consent document.")
    form = TranslationReviewForm(request.POST)
    outcome = attempt(
        form,
        lambda: consent_translation_review(
            document=document, translator_name=form.cleaned_data["translator_name"], by=request.user
        ),
    )
    if outcome.done:
        messages.success(request, f"The review of {document} is recorded.")
    else:
        errors = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(errors) or "The review was not recorded.")
    return redirect("staff-consent-document", slug=clinic.slug)
