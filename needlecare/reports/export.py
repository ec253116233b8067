"""The patient's own copy (HIPAA's right of access): everything held about one patient as a ZIP
of one machine-readable `records.json` and every PDF (signed consents, letters, physicians'
clearance letters on file).

The JSON carries each record's stored fields as they are kept (ids, dates in ISO 8601 with
their offset, choices by code), so nothing held is left out by a field list going stale; what
is left out is named in EXCLUDED. Built in memory: a practice's patient has at most a few
hundred records and a few dozen PDFs.
"""

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    CheckIn,
    Consent,
    NeedlingRecord,
    TreatmentSession,
)
from needlecare.outbox.models import Message
from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.reports.pdf import consent_pdf
from needlecare.scheduling.models import Appointment, WaitlistEntry
from needlecare.screening.models import PhysicianClearance, Screening, ScreeningConfirmation

FORMAT = "needlecare-patient-records"
VERSION = 1
# Kept out on purpose: a message's body and context can hold single-use sign-in and reset links
# (the subject says what it was); its dedupe key and last error are the sender's bookkeeping.
EXCLUDED: dict[type[models.Model], tuple[str, ...]] = {
    Message: ("body", "context", "dedupe_key", "last_error", "claimed_until")
}


def _row(obj: models.Model) -> dict[str, Any]:
    """The record's stored fields by column name (a file by its stored name)."""
    skip = EXCLUDED.get(type(obj), ())
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, FieldFile):
            value = value.name or None
        row[field.attname] = value
    return row


def _rows(objects: Iterable[models.Model]) -> list[dict[str, Any]]:
    return [_row(o) for o in objects]


def _sessions(patient: Patient) -> list[dict[str, Any]]:
    sessions = TreatmentSession.objects.filter(patient=patient).order_by("opened_at", "pk")
    ids = [s.pk for s in sessions]

    def by_session(model: type[models.Model]) -> dict[int, list[dict[str, Any]]]:
        grouped: dict[int, list[dict[str, Any]]] = {}
        for obj in model._default_manager.filter(session_id__in=ids).order_by("pk"):
            grouped.setdefault(obj.session_id, []).append(_row(obj))  # type: ignore[attr-defined]
        return grouped

    needling, addenda = by_session(NeedlingRecord), by_session(Addendum)
    events, check_ins = by_session(AdverseEvent), by_session(CheckIn)
    return [
        _row(s)
        | {
            "needling": needling.get(s.pk, []),
            "addenda": addenda.get(s.pk, []),
            "adverse_events": events.get(s.pk, []),
            "check_in": next(iter(check_ins.get(s.pk, [])), None),
        }
        for s in sessions
    ]


def patient_records(patient: Patient, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything held about the patient, as plain data."""
    screenings = Screening.objects.filter(patient=patient).order_by("entered_at", "pk")
    confirmations = ScreeningConfirmation.objects.filter(screening__patient=patient)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now or timezone.now(),
        "patient": _row(patient),
        "referring_physician": _row(patient.referring_physician)
        if patient.referring_physician
        else None,
        "screenings": _rows(screenings),
        "screening_confirmations": _rows(confirmations.order_by("pk")),
        "clearances": _rows(PhysicianClearance.objects.filter(patient=patient).order_by("pk")),
        "consents": [
            _row(c) | {"document": _row(c.document), "pdf": _consent_name(c)}
            for c in _consents(patient)
        ],
        "appointments": _rows(Appointment.objects.filter(patient=patient).order_by("starts_at")),
        "waitlist": _rows(WaitlistEntry.objects.filter(patient=patient).order_by("pk")),
        "sessions": _sessions(patient),
        "plans_of_care": _rows(PlanOfCare.objects.filter(patient=patient).order_by("pk")),
        "measures": _rows(MeasureResponse.objects.filter(patient=patient).order_by("pk")),
        "letters": [_row(x) | {"pdf": _letter_name(x)} for x in _letters(patient)],
        "messages": _rows(Message.objects.filter(patient_id=patient.pk).order_by("pk")),
    }


def _consents(patient: Patient) -> list[Consent]:
    return list(
        Consent.objects.filter(patient=patient)
        .select_related("document__clinic", "patient__preferred_clinic")
        .order_by("signed_at", "pk")
    )


def _letters(patient: Patient) -> list[Letter]:
    return list(Letter.objects.filter(patient=patient).order_by("created_at", "pk"))


def _consent_name(consent: Consent) -> str:
    return f"consents/consent-{consent.pk}-v{consent.document.version}.pdf"


def _letter_name(letter: Letter) -> str:
    return f"letters/{letter.kind.replace('_', '-')}-{letter.pk}.pdf"


def _clearance_name(clearance: PhysicianClearance) -> str:
    base = (clearance.letter.name or "letter").rsplit("/", 1)[-1]
    return f"clearances/clearance-{clearance.pk}-{base}"


def patient_records_zip(patient: Patient, *, now: dt.datetime | None = None) -> bytes:
    """The patient's records as a ZIP: records.json and every PDF it names."""
    records = patient_records(patient, now=now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(records, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        archive.writestr("records.json", text)
        for consent in _consents(patient):
            archive.writestr(_consent_name(consent), consent_pdf(consent))
        for letter in _letters(patient):
            if letter.pdf:
                with letter.pdf.open("rb") as handle:
                    archive.writestr(_letter_name(letter), handle.read())
        for clearance in PhysicianClearance.objects.filter(patient=patient).exclude(letter=""):
            with clearance.letter.open("rb") as handle:
                archive.writestr(_clearance_name(clearance), handle.read())
    return buffer.getvalue()
