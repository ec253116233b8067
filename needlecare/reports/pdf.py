"""The clinic's PDF documents: Django templates rendered to PDF bytes by WeasyPrint.

These functions only read what they are given and return bytes; storing a letter is
`reports.services`. Rendering is slow I/O, so callers do it outside any transaction.
WeasyPrint may fetch nothing but `data:` URIs (the charts): no files, no network.
"""

import base64
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from needlecare.accounts.models import User
from needlecare.charting.models import AdverseEvent, Consent, ConsentDocument, TreatmentSession
from needlecare.charting.muscles import MUSCLE_INFO
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.outcomes.instruments import INSTRUMENTS
from needlecare.outcomes.selectors import Progress
from needlecare.patients.models import Patient, Physician
from needlecare.reports.charts import progress_chart_svg, progress_statement
from needlecare.screening.models import Screening
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS, REGIONS
from needlecare.screening.policy.vocabulary import regions_phrase

TEMPLATES = Path(__file__).parent / "templates" / "reports"
CLEARANCE = "physician_clearance_required"
DRY_NEEDLING = (
    "Dry needling is a treatment in which a physical therapist trained and certified in the "
    "technique inserts fine, sterile, single-use solid needles into muscle and connective "
    "tissue to reduce pain and improve movement; nothing is injected.",
    "It is different from acupuncture, and the most common side effects are brief soreness, "
    "bruising or minor bleeding at the needle sites.",
)


def _render(template: str, context: dict[str, Any]) -> bytes:
    """The template as a PDF in the active language, which the caller chose: the language a
    consent was signed in, English for letters to physicians (`translation.override`)."""
    language = translation.get_language() or "en"
    html = render_to_string(f"reports/{template}", {**context, "document_language": language})
    # Imported here: WeasyPrint is heavy to load, and only letters need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    # Tagged (PDF/UA, WeasyPrint's variant): a structure tree and the document's language
    # (/Lang, from <html lang>), so screen readers read it in order and in the right language.
    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


# --- formatting ----------------------------------------------------------------------------


def _english() -> bool:
    return (translation.get_language() or "en").startswith("en")


def long_date(day: dt.date) -> str:
    """'March 2, 2026'; in another active language its long form ('2 de marzo de 2026')."""
    if not _english():
        return formats.date_format(day, "DATE_FORMAT")
    return f"{day:%B} {day.day}, {day.year}"


def local_time(when: dt.datetime, clinic: Clinic) -> str:
    """'March 2, 2026 at 9:05 AM EST' in the clinic's time zone (24-hour clock in Spanish and
    Portuguese)."""
    local = timezone.localtime(when, clinic_zone(clinic))
    clock = local.strftime("%I:%M %p").lstrip("0")
    if not _english():
        clock = formats.time_format(local, "TIME_FORMAT")
    return translation.gettext("%(date)s at %(time)s %(zone)s") % {
        "date": long_date(local.date()),
        "time": clock,
        "zone": local.tzname(),
    }


def _local_day(when: dt.datetime, clinic: Clinic) -> dt.date:
    return timezone.localtime(when, clinic_zone(clinic)).date()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _region_name(code: str) -> str:
    return REGION_LABELS.get(code, code.replace("_", " ").capitalize()).split(" (")[0]


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str  # post-nominals, e.g. "PT, DPT"; blank for non-clinical staff
    role: str


def signatory(author: Therapist | User | None, clinic: Clinic) -> Signatory:
    """Who signs: a therapist, a member of staff, or (for a letter the patient asked for
    themself) the clinic's dry needling team."""
    if author is None:
        return Signatory("The dry needling team", "", f"{clinic.name} physical therapy")
    if isinstance(author, Therapist):
        return Signatory(author.user.full_name, author.title, f"Physical therapist, {clinic.name}")
    return Signatory(author.full_name, "", f"{author.get_role_display()}, {clinic.name}")


def _letterhead(clinic: Clinic, *, title: str, patient: Patient) -> dict[str, Any]:
    return {
        "clinic": clinic,
        # The clinic model has no fax number yet; a letter shows one as soon as it does.
        "clinic_fax": getattr(clinic, "fax", ""),
        "letter_date": long_date(clinic_today(clinic)),
        "document_title": title,
        "patient": patient,
        "patient_dob": long_date(patient.date_of_birth),
    }


def physician_address(physician: Physician) -> list[str]:
    """The recipient block's lines: name, practice, fax (else phone)."""
    lines = [physician.name]
    if physician.practice:
        lines.append(physician.practice)
    if physician.fax:
        lines.append(f"Fax {physician.fax}")
    elif physician.phone:
        lines.append(f"Phone {physician.phone}")
    return lines


def salutation(physician: Physician) -> str:
    """'Dear Dr. Chen,' from 'Laura Chen'; a name that already says 'Dr.' is kept whole."""
    name = " ".join(physician.name.split())
    if not name:
        return "Dear Doctor,"
    if name.lower().startswith(("dr ", "dr.")):
        return f"Dear {name},"
    return f"Dear Dr. {name.split()[-1]},"


# --- a. the signed consent -----------------------------------------------------------------


def consent_pdf(consent: Consent) -> bytes:
    """The consent text the patient signed, with the signature, witness and countersignature,
    in the language it was signed in."""
    document = consent.document
    with translation.override(document.language):
        return _consent_pdf(consent, document)


def _consent_pdf(consent: Consent, document: ConsentDocument) -> bytes:
    clinic = document.clinic
    _ = translation.gettext
    if consent.signed_online:
        how = _("Online, by the patient")
    elif consent.witnessed_by is not None:
        how = _("In person, witnessed by %(name)s") % {"name": consent.witnessed_by.full_name}
    else:
        how = _("In person, recorded by %(name)s") % {"name": consent.recorded_by.full_name}
    countersigned = None
    if consent.countersigned_by is not None and consent.countersigned_at is not None:
        countersigned = {
            "by": str(consent.countersigned_by),
            "at": local_time(consent.countersigned_at, clinic),
        }
    title = _("%(title)s (version %(version)s)") % {
        "title": document.title,
        "version": document.version,
    }
    context = _letterhead(clinic, title=title, patient=consent.patient)
    context.update(
        document=document,
        published=long_date(_local_day(document.published_at, clinic)),
        blocks=document.blocks,
        consent=consent,
        signed_at=local_time(consent.signed_at, clinic),
        how=how,
        countersigned=countersigned,
    )
    return _render("consent.html", context)


# --- b. the progress letter ----------------------------------------------------------------


@dataclass(frozen=True)
class Treated:
    region: str
    muscle: str
    side: str
    visits: int


def treated_muscles(sessions: Iterable[TreatmentSession]) -> list[Treated]:
    """Each muscle and side needled in signed sessions, by region, with how many visits."""
    visits: dict[tuple[str, str, str], set[int]] = {}
    for session in sessions:
        if not session.is_signed:
            continue
        for row in session.needling.all():
            visits.setdefault((row.region, row.muscle, row.side), set()).add(session.pk)
    order = {code: n for n, code in enumerate(REGIONS)}
    rows = []
    for (region, muscle, side), ids in visits.items():
        name = MUSCLE_INFO[muscle].name if muscle in MUSCLE_INFO else muscle
        treated = Treated(_region_name(region), name, side.capitalize(), len(ids))
        rows.append(((order.get(region, len(order)), name, side), treated))
    return [treated for _, treated in sorted(rows, key=lambda row: row[0])]


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _outcome(
    progress: Progress, sessions: Sequence[TreatmentSession], clinic: Clinic
) -> dict[str, Any]:
    zone = clinic_zone(clinic)
    instrument = INSTRUMENTS[progress.instrument]
    points = [(timezone.localtime(r.completed_at, zone), r.value) for r in progress.points]
    first, last = progress.points[0], progress.points[-1]
    if progress.change is not None:
        statement = progress_statement(progress.instrument, first.value, last.value)
    else:
        shown = f"{first.value:g}%" if instrument.unit == "%" else f"{first.value:g}"
        statement = (
            f"{instrument.name}: one score so far, {shown} on "
            f"{long_date(points[0][0].date())}; no change to report yet."
        )
    svg = progress_chart_svg(
        instrument_code=progress.instrument,
        points=points,
        sessions=[timezone.localtime(s.opened_at, zone) for s in sessions],
    )
    return {
        "name": instrument.name,
        "statement": statement,
        "meaningful": bool(progress.change and progress.change.meaningful),
        "chart": _svg_data_uri(svg),
        "chart_alt": statement,
        "scores": len(progress.points),
    }


def _adverse_event(event: AdverseEvent, clinic: Clinic) -> dict[str, str]:
    return {
        "date": long_date(_local_day(event.session.opened_at, clinic)),
        "category": event.get_category_display(),
        "severity": event.get_severity_display(),
        "onset": event.get_onset_display(),
        "site": event.site,
        "action": event.action_taken,
        "outcome": event.outcome,
    }


@translation.override("en")  # to the physician, whoever asks
def progress_letter_pdf(
    *,
    patient: Patient,
    sessions: Sequence[TreatmentSession],
    measures: Sequence[Progress],
    adverse_events: Sequence[AdverseEvent],
    plan_text: str,
    author: Therapist,
) -> bytes:
    """The progress letter to the referring physician: visits, muscles, outcomes, events, plan."""
    physician = patient.referring_physician
    if physician is None:
        raise ValueError("A progress letter goes to the referring physician; there is none.")
    signed = sorted((s for s in sessions if s.is_signed), key=lambda s: s.opened_at)
    clinic = signed[-1].clinic if signed else patient.preferred_clinic
    days = [_local_day(s.opened_at, clinic) for s in signed]
    context = _letterhead(
        clinic, title=f"Dry needling progress: {patient.full_name}", patient=patient
    )
    context.update(
        recipient=physician_address(physician),
        salutation=salutation(physician),
        visits=len(signed),
        first_visit=long_date(days[0]) if days else "",
        last_visit=long_date(days[-1]) if days else "",
        treated=treated_muscles(signed),
        outcomes=[_outcome(p, signed, clinic) for p in measures if p.points],
        adverse_events=[_adverse_event(e, clinic) for e in adverse_events],
        plan=_paragraphs(plan_text),
        signatory=signatory(author, clinic),
    )
    return _render("progress_letter.html", context)


# --- c. the request for a physician's recommendation ---------------------------------------


def clearance_reasons(screening: Screening) -> list[dict[str, str]]:
    """The screening's conditions that need a physician's recommendation, in words."""
    return [
        {
            "condition": CONDITION_INFO[reason.code].label,
            "where": regions_phrase(reason.regions),
        }
        for reason in screening.decision.with_effect(CLEARANCE)
    ]


@translation.override("en")  # to the physician, whoever asks
def clearance_request_pdf(
    *, patient: Patient, screening: Screening, author: Therapist | User | None
) -> bytes:
    """The request to the physician for a recommendation on dry needling: addressed to the
    referring physician on file, or (for the patient to take to theirs) to "Your physician"."""
    physician = patient.referring_physician
    reasons = clearance_reasons(screening)
    if not reasons:
        raise ValueError("This screening needs no physician's recommendation.")
    clinic = screening.clinic
    context = _letterhead(
        clinic, title=f"Request for a recommendation: {patient.full_name}", patient=patient
    )
    context.update(
        recipient=physician_address(physician) if physician else ["Your physician"],
        salutation=salutation(physician) if physician else "Dear Doctor,",
        screened_on=long_date(_local_day(screening.entered_at, clinic)),
        planned=regions_phrase(screening.decision.planned_regions),
        reasons=reasons,
        dry_needling=DRY_NEEDLING,
        signatory=signatory(author, clinic),
    )
    return _render("clearance_request.html", context)
