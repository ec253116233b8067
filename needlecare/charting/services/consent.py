"""Informed consent: publishing the document, signing and countersigning it."""

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.charting.consent_documents import consent_document_current, consent_signable
from needlecare.charting.models import Consent, ConsentDocument
from needlecare.clinics.models import Clinic, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_today
from needlecare.patients.models import Patient

REPLACED = "This consent document has been replaced; please read the new version."


def consent_document_publish(
    *, clinic: Clinic, title: str, body: str, by: User | None, valid_days: int = 365
) -> ConsentDocument:
    """Publish a new version of a clinic's consent text; every patient signs it afresh."""
    if not body.strip() or not title.strip():
        raise DomainError(
            "consent_document.incomplete",
            "The consent document needs a title and its text.",
            field="body",
        )
    with transaction.atomic():
        current = consent_document_current(clinic)
        wanted = (title.strip(), body.strip(), valid_days)
        if current is not None and (current.title, current.body, current.valid_days) == wanted:
            raise DomainError(
                "consent_document.unchanged",
                "That is the version already in force; nothing to publish.",
            )
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


def _check_signature(patient: Patient, signed_name: str, guardian_name: str) -> None:
    expected = " ".join(patient.full_name.split()).casefold()
    typed = " ".join(signed_name.split()).casefold()
    if not guardian_name.strip() and typed != expected:
        raise DomainError(
            "consent.name_mismatch",
            f"Type your full name exactly as registered ({patient.full_name}) to sign.",
            field="signed_name",
        )
    if guardian_name.strip() and " ".join(guardian_name.split()).casefold() != typed:
        raise DomainError(
            "consent.guardian_name",
            "The guardian signs with their own full name.",
            field="signed_name",
        )


def consent_sign(
    *,
    patient: Patient,
    document: ConsentDocument | None,
    signed_name: str,
    agreed: bool,
    by: User,
    covers_thorax: bool = False,
    witness: User | None = None,
    guardian_name: str = "",
    interpreter_name: str = "",
) -> Consent:
    """The patient signs (online, or at the clinic with a witness): typed name and agreement.

    `document` is the version the person read; None (a version not of this clinic) or one
    replaced meanwhile is refused.
    """
    if not agreed:
        raise DomainError(
            "consent.no_agreement", "Consent needs your explicit agreement.", field="agreed"
        )
    _check_signature(patient, signed_name, guardian_name)
    online = by.pk == patient.user_id
    if not online and witness is None:
        raise DomainError(
            "consent.needs_witness",
            "A consent signed at the clinic needs a witness.",
            field="witness",
        )
    if document is None:
        clinic = patient.preferred_clinic
        if consent_document_current(clinic) is None:
            raise DomainError(
                "consent.no_document", f"{clinic.name} has not published its consent form yet."
            )
        raise DomainError("consent.document_replaced", REPLACED)
    with transaction.atomic():
        # The English version in force, or the latest translation of it in its language.
        if not consent_signable(document):
            raise DomainError("consent.document_replaced", REPLACED)
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
            data={
                "version": document.version,
                "language": document.language,
                "online": online,
                "thorax": covers_thorax,
            },
            clinic_ids=[document.clinic_id],
        )
    return consent


def consent_countersign(*, consent: Consent, therapist: Therapist | None, by: User) -> Consent:
    """The therapist countersigns the patient's consent, once."""
    if therapist is None:
        raise DomainError(
            "consent.no_therapist_profile",
            "Your account has no therapist profile; ask a clinic admin.",
        )
    if therapist.user_id != by.pk:
        raise DomainError(
            "consent.countersign_self", "Only the therapist themself can countersign."
        )
    already = DomainError("consent.already_countersigned", "This consent is already countersigned.")
    if consent.countersigned_by_id:
        raise already
    clinic = consent.document.clinic
    with transaction.atomic():
        if not therapist.user.memberships.filter(clinic=clinic).exists():
            raise DomainError(
                "consent.countersign_elsewhere",
                f"Only a therapist of {clinic.name} can countersign this consent.",
            )
        latest = (
            Consent.objects.filter(patient=consent.patient, document__clinic=clinic)
            .order_by("-signed_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        if latest != consent.pk:
            raise DomainError(
                "consent.newer_exists",
                "A newer consent has been signed since; countersign that one.",
            )
        if not therapist_can_dry_needle(therapist, on=clinic_today(clinic)):
            raise DomainError(
                "consent.countersigner_not_certified",
                "Only a therapist certified in dry needling can countersign.",
            )
        now = timezone.now()
        # Written only if nobody countersigned it meanwhile.
        if not Consent.objects.filter(pk=consent.pk, countersigned_by__isnull=True).update(
            countersigned_by=therapist, countersigned_at=now
        ):
            raise already
        consent.countersigned_by, consent.countersigned_at = therapist, now
        audit_record(
            actor=by,
            action="consent.countersigned",
            target=consent,
            clinic_ids=[clinic.pk],
        )
    return consent
