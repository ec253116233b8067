"""Informed consent: publishing the document, signing, countersigning, and whether it holds."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.charting.models import Consent, ConsentDocument
from needlecare.charting.muscles import THORAX
from needlecare.clinics.models import Clinic, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today
from needlecare.patients.models import Patient


class NotConsented(DomainError):
    status = 409


def consent_document_current(clinic: Clinic) -> ConsentDocument | None:
    """The version patients sign now."""
    return ConsentDocument.objects.filter(clinic=clinic).order_by("-version").first()


def consent_document_publish(
    *, clinic: Clinic, title: str, body: str, by: User | None, valid_days: int = 365
) -> ConsentDocument:
    """Publish a new version of a clinic's consent text; every patient signs it afresh."""
    if not body.strip() or not title.strip():
        raise DomainError("The consent document needs a title and its text.", field="body")
    with transaction.atomic():
        current = consent_document_current(clinic)
        document = ConsentDocument.objects.create(
            clinic=clinic,
            version=(current.version + 1) if current else 1,
            title=title.strip(),
            body=body.strip(),
            valid_days=valid_days,
            published_by=by,
        )
        audit_record(
            actor=by,
            action="consent_document.published",
            target=document,
            data={"version": document.version},
            clinic_ids=[clinic.pk],
        )
    return document


def consent_sign(
    *,
    patient: Patient,
    document: ConsentDocument,
    signed_name: str,
    agreed: bool,
    by: User,
    covers_thorax: bool = False,
    witness: User | None = None,
    guardian_name: str = "",
    interpreter_name: str = "",
) -> Consent:
    """The patient signs (online, or at the clinic with a witness): typed name and agreement."""
    if not agreed:
        raise DomainError("Consent needs your explicit agreement.", field="agreed")
    expected = " ".join(patient.full_name.split()).casefold()
    typed = " ".join(signed_name.split()).casefold()
    if not guardian_name.strip() and typed != expected:
        raise DomainError(
            f"Type your full name exactly as registered ({patient.full_name}) to sign.",
            field="signed_name",
        )
    if guardian_name.strip() and " ".join(guardian_name.split()).casefold() != typed:
        raise DomainError("The guardian signs with their own full name.", field="signed_name")
    current = consent_document_current(document.clinic)
    if current is None or current.pk != document.pk:
        raise DomainError("This consent document has been replaced; please read the new version.")
    online = by.pk == patient.user_id
    if not online and witness is None:
        raise DomainError("A consent signed at the clinic needs a witness.", field="witness")
    with transaction.atomic():
        consent = Consent.objects.create(
            patient=patient,
            document=document,
            signed_name=" ".join(signed_name.split()),
            agreed=True,
            covers_thorax=covers_thorax,
            signed_online=online,
            recorded_by=by,
            witnessed_by=witness,
            guardian_name=guardian_name.strip(),
            interpreter_name=interpreter_name.strip(),
        )
        audit_record(
            actor=by,
            action="consent.signed",
            target=consent,
            data={"version": document.version, "online": online, "thorax": covers_thorax},
            clinic_ids=[document.clinic_id],
        )
    return consent


def consent_countersign(*, consent: Consent, therapist: Therapist, by: User) -> Consent:
    """The therapist countersigns the patient's consent, once."""
    if consent.countersigned_by_id:
        raise DomainError("This consent is already countersigned.")
    if therapist.user_id != by.pk:
        raise DomainError("Only the therapist themself can countersign.")
    clinic = consent.document.clinic
    if not therapist.user.memberships.filter(clinic=clinic).exists():
        raise DomainError(f"Only a therapist of {clinic.name} can countersign this consent.")
    latest = (
        Consent.objects.filter(patient=consent.patient, document__clinic=clinic)
        .order_by("-signed_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != consent.pk:
        raise DomainError("A newer consent has been signed since; countersign that one.")
    if not therapist_can_dry_needle(therapist, on=clinic_today(consent.document.clinic)):
        raise DomainError("Only a therapist certified in dry needling can countersign.")
    with transaction.atomic():
        consent.countersigned_by = therapist
        consent.countersigned_at = timezone.now()
        consent.save(update_fields=["countersigned_by", "countersigned_at"])
        audit_record(
            actor=by,
            action="consent.countersigned",
            target=consent,
            clinic_ids=[consent.document.clinic_id],
        )
    return consent


def consent_in_force(
    *, patient: Patient, clinic: Clinic, regions: Iterable[str], at: dt.datetime | None = None
) -> Consent:
    """The signed, countersigned consent covering these regions now, or NotConsented saying why."""
    at = at or timezone.now()
    regions = list(regions)
    latest = (
        Consent.objects.filter(patient=patient, document__clinic=clinic)
        .select_related("document")
        .order_by("-signed_at", "-id")
        .first()
    )
    if latest is None:
        raise NotConsented(f"{patient.full_name} has not signed the consent for dry needling.")
    current = consent_document_current(clinic)
    if current is not None and latest.document_id != current.pk:
        raise NotConsented(
            f"The consent document changed (now version {current.version}); "
            f"{patient.full_name} must read and sign it again."
        )
    if latest.signed_at + dt.timedelta(days=latest.document.valid_days) < at:
        raise NotConsented(f"{patient.full_name}'s consent has expired; it must be signed again.")
    if THORAX & set(regions) and not latest.covers_thorax:
        raise NotConsented(
            "A first session in the chest or upper back needs a renewed consent that covers "
            "the risk of pneumothorax."
        )
    if latest.countersigned_by_id is None:
        raise NotConsented("The therapist has not countersigned the consent yet.")
    return latest
