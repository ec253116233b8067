"""Consent pages: the patient signs online (in their language where the clinic has published a
translation), staff witness a signature at the clinic, and the therapist countersigns. Clinic
admins publish the text in `consent_documents`."""

import io
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views.decorators.http import require_POST

from needlecare.accounts.access import STAFF, AuthedRequest, allow
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting import consent_documents as documents
from needlecare.charting import selectors
from needlecare.charting.access import access_consent
from needlecare.charting.models import Consent, ConsentDocument
from needlecare.charting.selectors import NotConsented
from needlecare.charting.services import (
    consent_countersign,
    consent_sign,
)
from needlecare.clinics.selectors import therapist_of
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.access import access_own_patient, access_patient
from needlecare.patients.models import Patient
from needlecare.reports.pdf import consent_pdf
from needlecare.web.charting_forms import ConsentSignForm
from needlecare.web.forms import attempt

# What the patient reads, in their language, for the refusals of signing and for a consent not
# in force (by the refusal's code; the English is the service's own wording).
_PATIENT_REFUSALS = {
    "consent.no_agreement": gettext_lazy("Consent needs your explicit agreement."),
    "consent.name_mismatch": gettext_lazy(
        "Type your full name exactly as registered (%(name)s) to sign."
    ),
    "consent.guardian_name": gettext_lazy("The guardian signs with their own full name."),
    "consent.no_document": gettext_lazy("%(clinic)s has not published its consent form yet."),
    "consent.document_replaced": gettext_lazy(
        "This consent document has been replaced; please read the new version."
    ),
}
_PATIENT_REASONS = {
    "consent.unsigned": gettext_lazy("%(name)s has not signed the consent for dry needling."),
    "consent.outdated": gettext_lazy(
        "The consent document changed (now version %(version)s); %(name)s must read and sign it "
        "again."
    ),
    "consent.expired": gettext_lazy("%(name)s's consent has expired; it must be signed again."),
    "consent.not_countersigned": gettext_lazy(
        "The therapist has not countersigned the consent yet."
    ),
}


def _patient_reason(patient: Patient, reason: str) -> str:
    """Why the patient's consent is not in force, in the page's language."""
    try:
        selectors.consent_in_force(patient=patient, clinic=patient.preferred_clinic, regions=[])
    except NotConsented as exc:
        wording = _PATIENT_REASONS.get(exc.code)
        if wording is not None:
            current = documents.consent_document_current(patient.preferred_clinic)
            return str(wording) % {
                "name": patient.full_name,
                "version": current.version if current else "",
            }
    return reason


def _sign(request: AuthedRequest, patient: Patient, form: ConsentSignForm, *, staff: bool) -> Any:
    try:
        return _sign_as(request, patient, form, staff=staff)
    except DomainError as exc:
        wording = None if staff else _PATIENT_REFUSALS.get(exc.code)
        if wording is None:
            raise
        exc.message = str(wording) % {
            "name": patient.full_name,
            "clinic": patient.preferred_clinic.name,
        }
        exc.args = (exc.message,)
        raise


def _sign_as(
    request: AuthedRequest, patient: Patient, form: ConsentSignForm, *, staff: bool
) -> Any:
    data = form.cleaned_data
    return consent_sign(
        patient=patient,
        document=documents.consent_document_of(patient.preferred_clinic, data["document"]),
        signed_name=data["signed_name"],
        agreed=data["agreed"],
        covers_thorax=data["covers_thorax"],
        guardian_name=data["guardian_name"],
        interpreter_name=data["interpreter_name"],
        by=request.user,
        witness=request.user if staff else None,
    )


def _reading_language(request: AuthedRequest, patient: Patient, staff: bool) -> str:
    """The language the consent is read and signed in: the patient's page language; at the
    clinic, the one staff chose (`?language=`), else the patient's preferred language."""
    if not staff:
        return get_language()
    wanted = request.GET.get("language", "")
    return wanted if wanted in dict(settings.LANGUAGES) else patient.preferred_language


def _translations(document: ConsentDocument) -> list[ConsentDocument]:
    """The versions staff can show the patient: the English text and its translations."""
    english = document.translates or document
    return [english, *documents.consent_translations_current(english).values()]


def _context(
    request: AuthedRequest, patient: Patient, document: ConsentDocument | None, *, staff: bool
) -> dict[str, Any]:
    """What the consent page shows besides its form: the document, where the patient's consent
    stands, and the consents signed (a translation counts as its English version)."""
    clinic = patient.preferred_clinic
    english = (document.translates_id or document.pk) if document else None
    consents = selectors.consents_of(patient)
    standing = selectors.consent_status(patient, clinic)
    if not staff and not standing.in_force:
        standing = replace(standing, reason=_patient_reason(patient, standing.reason))
    return {
        "patient": patient,
        "clinic": clinic,
        "document": document,
        "blocks": document.blocks if document else [],
        "status": standing,
        "consents": consents,
        "staff": staff,
        "can_countersign": staff and request.user.role == Role.THERAPIST,
        "signed_this_version": any(
            english in (c.document_id, c.document.translates_id) for c in consents
        ),
        "latest_is_current": bool(
            standing.latest
            and english in (standing.latest.document_id, standing.latest.document.translates_id)
        ),
        "translations": _translations(document) if staff and document else [],
    }


def _consent_page(
    request: AuthedRequest,
    patient: Patient,
    *,
    staff: bool,
    countersign_error: tuple[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    clinic = patient.preferred_clinic
    document = documents.consent_document_in(clinic, _reading_language(request, patient, staff))
    signing = countersign_error is None and request.method == "POST"
    form = ConsentSignForm(
        request.POST if signing else None,
        staff=staff,
        initial={"document": document.pk if document else None},
    )
    outcome = attempt(form, lambda: _sign(request, patient, form, staff=staff))
    if outcome.done:
        if staff:
            messages.success(request, f"{patient.full_name}'s consent is signed.")
            return redirect("staff-consent", patient_id=patient.pk)
        messages.success(
            request,
            gettext(
                "Thank you: your consent is signed. Your therapist countersigns it before "
                "your first treatment."
            ),
        )
        return redirect("my-consent")
    if request.method == "GET":
        audit_read(
            actor=request.user,
            request=request,
            what="consent",
            targets=[Consent],
            patient_id=patient.pk,
        )
    context = _context(request, patient, document, staff=staff)
    context.update(form=form, countersign_error=countersign_error)
    with timezone.override(clinic_zone(clinic)):
        return render(
            request, "consent/consent.html", context, status=outcome.status if signing else status
        )


@allow(Role.PATIENT)
def my_consent(request: AuthedRequest) -> HttpResponse:
    return _consent_page(request, access_own_patient(request.user), staff=False)


@allow(*STAFF)
def staff_consent(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient(request.user, patient_id, roles=STAFF)
    return _consent_page(request, patient, staff=True)


@allow(Role.THERAPIST)
@require_POST
def countersign(request: AuthedRequest, consent_id: int) -> HttpResponse:
    consent = access_consent(request.user, consent_id, roles=(Role.THERAPIST,))
    try:
        consent_countersign(consent=consent, therapist=therapist_of(request.user), by=request.user)
    except DomainError as exc:
        return _consent_page(
            request,
            consent.patient,
            staff=True,
            countersign_error=(consent.pk, exc.message),
            status=exc.status,
        )
    messages.success(request, f"You countersigned {consent.patient.full_name}'s consent.")
    return redirect("staff-consent", patient_id=consent.patient_id)


def _pdf(consent: Consent) -> FileResponse:
    day = timezone.localtime(consent.signed_at, clinic_zone(consent.document.clinic)).date()
    return FileResponse(
        io.BytesIO(consent_pdf(consent)),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"consent-v{consent.document.version}-{day.isoformat()}.pdf",
    )


@allow(Role.PATIENT)
def my_consent_pdf(request: AuthedRequest, consent_id: int) -> FileResponse:
    consent = access_consent(request.user, consent_id, roles=(Role.PATIENT,))
    audit_read(actor=request.user, request=request, what="consent PDF", targets=[consent])
    return _pdf(consent)


@allow(*STAFF)
def staff_consent_pdf(request: AuthedRequest, consent_id: int) -> FileResponse:
    consent = access_consent(request.user, consent_id, roles=STAFF)
    audit_read(actor=request.user, request=request, what="consent PDF", targets=[consent])
    return _pdf(consent)
