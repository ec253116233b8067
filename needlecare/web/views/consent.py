"""Consent pages: the patient signs online, staff witness a signature at the clinic, the
therapist countersigns, and clinic admins publish new versions of the text."""

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlecare.accounts.access import (
    STAFF,
    AuthedRequest,
    access_clinic,
    access_consent,
    access_own_patient,
    access_patient,
    allow,
)
from needlecare.accounts.models import Role
from needlecare.charting import selectors as charting_selectors
from needlecare.charting.consent import (
    NotConsented,
    consent_countersign,
    consent_document_current,
    consent_document_publish,
    consent_in_force,
    consent_sign,
)
from needlecare.charting.models import Consent
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import therapist_of
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.patients.services import patient_record_viewed
from needlecare.reports.pdf import consent_pdf
from needlecare.web.charting_forms import ConsentDocumentForm, ConsentSignForm, add_domain_error


def consent_blocks(body: str) -> list[tuple[str, str]]:
    """The document's text as ("h", heading) and ("p", paragraph) blocks, as the PDF shows it."""
    blocks: list[tuple[str, str]] = []
    for paragraph in body.replace("\r\n", "\n").split("\n\n"):
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


@dataclass(frozen=True)
class ConsentStatus:
    in_force: bool
    reason: str
    latest: Consent | None


def consent_status(patient: Patient, clinic: Clinic) -> ConsentStatus:
    """Whether the patient's consent at the clinic holds now (any region), and why not."""
    latest = charting_selectors.consent_latest(patient, clinic)
    try:
        consent_in_force(patient=patient, clinic=clinic, regions=[])
    except NotConsented as exc:
        return ConsentStatus(in_force=False, reason=exc.message, latest=latest)
    return ConsentStatus(in_force=True, reason="", latest=latest)


def _consent_page(
    request: AuthedRequest,
    patient: Patient,
    *,
    staff: bool,
    countersign_error: tuple[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    clinic = patient.preferred_clinic
    document = consent_document_current(clinic)
    sign_form = ConsentSignForm(
        request.POST if countersign_error is None and request.method == "POST" else None,
        staff=staff,
        initial={"document": document.pk if document else None},
    )
    if sign_form.is_bound:
        status = 400
        if document is None:
            sign_form.add_error(None, f"{clinic.name} has not published its consent form yet.")
        elif sign_form.is_valid():
            data = sign_form.cleaned_data
            read = charting_selectors.consent_document_of(clinic, data["document"])
            try:
                if read is None:
                    raise DomainError(
                        "This consent document has been replaced; please read the new version."
                    )
                consent_sign(
                    patient=patient,
                    document=read,
                    signed_name=data["signed_name"],
                    agreed=data["agreed"],
                    covers_thorax=data["covers_thorax"],
                    guardian_name=data["guardian_name"],
                    interpreter_name=data["interpreter_name"],
                    by=request.user,
                    witness=request.user if staff else None,
                )
            except DomainError as exc:
                add_domain_error(sign_form, exc)
                status = exc.status
            else:
                if staff:
                    messages.success(request, f"{patient.full_name}'s consent is signed.")
                    return redirect("staff-consent", patient_id=patient.pk)
                messages.success(
                    request,
                    "Thank you: your consent is signed. Your therapist countersigns it before "
                    "your first treatment.",
                )
                return redirect("my-consent")
    elif staff and countersign_error is None:
        patient_record_viewed(patient=patient, by=request.user, what="consent")
    consents = list(
        patient.consents.select_related(
            "document__clinic", "witnessed_by", "recorded_by", "countersigned_by__user"
        )
    )
    context: dict[str, Any] = {
        "patient": patient,
        "clinic": clinic,
        "document": document,
        "blocks": consent_blocks(document.body) if document else [],
        "status": consent_status(patient, clinic),
        "consents": consents,
        "form": sign_form,
        "staff": staff,
        "can_countersign": staff and request.user.role == Role.THERAPIST,
        "countersign_error": countersign_error,
        "signed_this_version": bool(
            document and any(c.document_id == document.pk for c in consents)
        ),
    }
    with timezone.override(clinic_zone(clinic)):
        return render(request, "consent/consent.html", context, status=status)


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
    therapist = therapist_of(request.user)
    try:
        if therapist is None:
            raise DomainError("Your account has no therapist profile; ask a clinic admin.")
        consent_countersign(consent=consent, therapist=therapist, by=request.user)
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
    return _pdf(access_consent(request.user, consent_id, roles=(Role.PATIENT,)))


@allow(*STAFF)
def staff_consent_pdf(request: AuthedRequest, consent_id: int) -> FileResponse:
    consent = access_consent(request.user, consent_id, roles=STAFF)
    patient_record_viewed(patient=consent.patient, by=request.user, what="consent PDF")
    return _pdf(consent)


@allow(Role.CLINIC_ADMIN)
def consent_document(request: AuthedRequest, slug: str) -> HttpResponse:
    clinic = access_clinic(request.user, slug, roles=(Role.CLINIC_ADMIN,))
    current = consent_document_current(clinic)
    initial: dict[str, Any] = {"title": "Consent to dry needling", "valid_days": 365}
    if current is not None:
        initial = {"title": current.title, "body": current.body, "valid_days": current.valid_days}
    form = ConsentDocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unchanged = current is not None and (
            data["title"].strip(),
            data["body"].strip(),
            data["valid_days"],
        ) == (current.title, current.body, current.valid_days)
        try:
            if unchanged:
                raise DomainError("That is the version already in force; nothing to publish.")
            published = consent_document_publish(
                clinic=clinic,
                title=data["title"],
                body=data["body"],
                valid_days=data["valid_days"],
                by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {published.version} is published; every patient signs it afresh "
                "before their next treatment.",
            )
            return redirect("staff-consent-document", slug=clinic.slug)
    context = {
        "clinic": clinic,
        "current": current,
        "blocks": consent_blocks(current.body) if current else [],
        "history": charting_selectors.consent_documents(clinic),
        "form": form,
    }
    with timezone.override(clinic_zone(clinic)):
        return render(request, "consent/document.html", context, status=400 if form.errors else 200)
