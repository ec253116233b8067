"""Writing letters: render the PDF first (slow I/O, no transaction), then store it, audited."""

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Therapist
from needlecare.clinics.selectors import therapist_of
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.outcomes.selectors import measure_progress
from needlecare.patients.models import Patient, Physician
from needlecare.reports.models import Letter
from needlecare.reports.pdf import (
    clearance_reasons,
    clearance_request_pdf,
    physician_address,
    progress_letter_pdf,
)
from needlecare.reports.selectors import adverse_events_of, signed_sessions_in_full
from needlecare.screening.selectors import screening_current


def letter_create(*, patient: Patient, kind: str, pdf: bytes, recipient: str, by: User) -> Letter:
    """Store a rendered letter's file and its row together, audited."""
    own_request = kind == Letter.Kind.CLEARANCE_REQUEST and by.pk == patient.user_id
    if not (by.is_clinic_staff or own_request):
        raise NotAllowed("letter.not_staff", "Only clinic staff write letters.")
    if kind not in Letter.Kind.values:
        raise DomainError("letter.unknown_kind", f"Unknown kind of letter {kind!r}.", field="kind")
    if not pdf.startswith(b"%PDF-"):
        raise DomainError("letter.not_pdf", "A letter is stored as a PDF.", field="pdf")
    if not recipient.strip():
        raise DomainError("letter.no_recipient", "Say who the letter is for.", field="recipient")
    letter = Letter(patient=patient, kind=kind, recipient=recipient.strip(), created_by=by)
    # A random name: the file's name says nothing about the patient.
    letter.pdf.save(f"{kind}-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
            audit_record(
                actor=by,
                action="letter.created",
                target=letter,
                data={
                    "kind": kind,
                    "file": letter.pdf.name,
                    "bytes": len(pdf),
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                },
                clinic_ids=patient.clinic_ids(),
            )
    except BaseException:
        # No row, no file: the write is all or nothing.
        if letter.pdf.name:
            letter.pdf.storage.delete(letter.pdf.name)
        raise
    return letter


def _physician(patient: Patient) -> Physician:
    if patient.referring_physician is None:
        raise DomainError(
            "letter.no_physician",
            f"{patient.full_name} has no referring physician on record; add one before "
            "writing to them.",
        )
    return patient.referring_physician


def _therapist(by: User) -> Therapist:
    therapist = therapist_of(by)
    if by.role != Role.THERAPIST or therapist is None:
        raise NotAllowed(
            "letter.not_therapist", "Only a therapist signs a letter about a patient's treatment."
        )
    return therapist


def progress_letter_create(*, patient: Patient, by: User, plan_text: str | None = None) -> Letter:
    """Write the progress letter to the referring physician from the signed sessions."""
    physician = _physician(patient)
    author = _therapist(by)
    sessions = signed_sessions_in_full(patient)
    if not sessions:
        raise DomainError(
            "letter.no_sessions",
            f"{patient.full_name} has no signed dry needling sessions to report.",
        )
    if plan_text is None:
        plans = [s.plan for s in sessions if s.plan.strip()]
        plan_text = plans[-1] if plans else ""
    pdf = progress_letter_pdf(
        patient=patient,
        sessions=sessions,
        measures=measure_progress(patient),
        adverse_events=adverse_events_of(patient),
        plan_text=plan_text,
        author=author,
    )
    return letter_create(
        patient=patient,
        kind=Letter.Kind.PROGRESS,
        pdf=pdf,
        recipient="\n".join(physician_address(physician)),
        by=by,
    )


def letter_write(*, patient: Patient, kind: str, by: User) -> Letter:
    """Write the kind of letter asked for: a progress letter or a clearance request."""
    if kind == Letter.Kind.PROGRESS:
        return progress_letter_create(patient=patient, by=by)
    if kind == Letter.Kind.CLEARANCE_REQUEST:
        return clearance_request_create(patient=patient, by=by)
    raise DomainError("letter.unknown_kind", f"Unknown kind of letter {kind!r}.", field="kind")


def clearance_request_create(*, patient: Patient, by: User) -> Letter:
    """Ask the physician for a recommendation the current screening needs: written by staff to
    the referring physician, or asked for by the patient to take to their own."""
    own = by.pk == patient.user_id
    if not (by.is_clinic_staff or own):
        raise NotAllowed("letter.not_staff", "Only clinic staff write letters.")
    physician = patient.referring_physician if own else _physician(patient)
    screening = screening_current(patient)
    if screening is None:
        raise DomainError(
            "letter.no_screening",
            f"{patient.full_name} has no current screening; screen them first.",
        )
    if not clearance_reasons(screening):
        raise DomainError(
            "letter.no_clearance_needed",
            f"{patient.full_name}'s current screening needs no physician's recommendation.",
        )
    # Signed by the therapist when a therapist writes it, by the member of staff otherwise,
    # and by the clinic's team when the patient asks for it.
    therapist = therapist_of(by)
    author: Therapist | User | None = None if own else (therapist or by)
    pdf = clearance_request_pdf(patient=patient, screening=screening, author=author)
    return letter_create(
        patient=patient,
        kind=Letter.Kind.CLEARANCE_REQUEST,
        pdf=pdf,
        recipient="\n".join(physician_address(physician)) if physician else "Your physician",
        by=by,
    )
