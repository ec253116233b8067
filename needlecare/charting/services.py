"""Charting a dry needling session: open it behind the safety gates, record it, sign it.

Whatever page or route asks, these services hold the rules: a session opens only for a
checked-in appointment, with a current screening that clears the regions, a consent in force
and a therapist certified today; needling outside a cleared region is refused; a signed
record never changes (corrections are audited addenda).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record
from needlecare.charting.consent import consent_in_force
from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    NeedlingRecord,
    Notification,
    TreatmentSession,
)
from needlecare.charting.muscles import MUSCLE_INFO, THORAX
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import DomainError, validate
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.scheduling.models import Appointment, Status
from needlecare.screening.gate import screening_gate
from needlecare.screening.services import screening_confirm

EDITABLE = frozenset(
    {
        "position",
        "skin_preparation",
        "pain_before",
        "pain_after",
        "impairment",
        "immediate_response",
        "needles_in",
        "needles_out",
        "haemostasis",
        "advice",
        "plan",
        "estim_used",
        "estim_pairs",
        "estim_frequency_hz",
        "estim_pulse_width_us",
        "estim_intensity_ma",
        "estim_minutes",
    }
)


def billing_code(muscle_count: int) -> str | None:
    """CPT code for dry needling by the number of muscles: 20560 for one or two, 20561 beyond."""
    if muscle_count <= 0:
        return None
    return "20560" if muscle_count <= 2 else "20561"


def session_billing_code(session: TreatmentSession) -> str | None:
    muscles = {(row.muscle, row.side) for row in session.needling.all()}
    return billing_code(len(muscles))


def _own_therapist(session_or_appointment: Any, by: User) -> None:
    therapist = session_or_appointment.therapist
    if by.role != Role.THERAPIST or therapist.user_id != by.pk:
        raise DomainError("Only the treating therapist can chart this session.")


def _certified_today(session_or_appointment: Any) -> None:
    therapist = session_or_appointment.therapist
    if not therapist_can_dry_needle(therapist, on=clinic_today(session_or_appointment.clinic)):
        raise DomainError(
            f"{therapist.user.full_name}'s dry needling certification is not valid today."
        )


def _open(session: TreatmentSession) -> None:
    if session.is_signed:
        raise DomainError("This session is signed; add an addendum to correct or add to it.")


def session_open(
    *, appointment: Appointment, regions: list[str], by: User, no_changes_confirmed: bool
) -> TreatmentSession:
    """Open the treatment record of a checked-in dry needling appointment, after every gate."""
    _own_therapist(appointment, by)
    if not appointment.type.needs_certification:
        raise DomainError("Only a dry needling appointment opens a dry needling record.")
    if appointment.status != Status.CHECKED_IN:
        raise DomainError("Check the patient in before opening the treatment record.")
    if hasattr(appointment, "treatment_session"):
        raise DomainError("This appointment's treatment record is already open.")
    _certified_today(appointment)
    regions = list(dict.fromkeys(regions))
    cleared = screening_gate(patient=appointment.patient, regions=regions)
    today = clinic_today(appointment.clinic)
    zone = clinic_zone(appointment.clinic)
    screened_today = timezone.localtime(cleared.screening.entered_at, zone).date() == today
    if not (no_changes_confirmed or screened_today):
        raise DomainError(
            "Ask the patient whether anything has changed since their screening: confirm "
            "no changes, or have them screen again.",
            field="no_changes_confirmed",
        )
    consent = consent_in_force(
        patient=appointment.patient, clinic=appointment.clinic, regions=regions
    )
    with transaction.atomic():
        if not screened_today:
            screening_confirm(screening=cleared.screening, by=by)
        session = TreatmentSession.objects.create(
            appointment=appointment,
            patient=appointment.patient,
            therapist=appointment.therapist,
            clinic=appointment.clinic,
            regions=regions,
            screening=cleared.screening,
            consent=consent,
            rescreened=screened_today,
        )
        audit_record(
            actor=by,
            action="session.opened",
            target=session,
            data={"regions": regions, "screening": cleared.screening.pk, "consent": consent.pk},
            clinic_ids=[appointment.clinic_id],
        )
    return session


def _electronic_implant_possible(session: TreatmentSession) -> bool:
    reported = {c["code"] for c in session.screening.intake.get("conditions", [])}
    if "implant" not in reported:
        return False
    # Not asked counts as yes: the safe reading.
    return session.screening.details.get("electronic_implant", True) is not False


def session_update(*, session: TreatmentSession, by: User, **fields: Any) -> TreatmentSession:
    """Record details of an open session."""
    _own_therapist(session, by)
    _open(session)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]!r}.")
    for name in ("pain_before", "pain_after"):
        value = fields.get(name)
        if value is None:
            continue
        try:
            in_range = 0 <= int(value) <= 10
        except (TypeError, ValueError):
            in_range = False
        if not in_range:
            raise DomainError("Pain is rated from 0 to 10.", field=name)
    if fields.get("estim_used") and _electronic_implant_possible(session):
        raise DomainError(
            "Electrical stimulation is not used: the patient reported an implant that may be "
            "electronic (pacemaker, defibrillator or other device).",
            field="estim_used",
        )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(session, name, value)
        try:
            validate(
                session,
                exclude=["appointment", "patient", "therapist", "clinic", "screening", "consent"],
            )
        except DomainError:
            session.refresh_from_db()  # the caller keeps the record as stored, not half-changed
            raise
        session.save()
        audit_record(
            actor=by,
            action="session.updated",
            target=session,
            data={"fields": sorted(fields)},
            clinic_ids=[session.clinic_id],
        )
    return session


def needling_add(
    *,
    session: TreatmentSession,
    by: User,
    muscle: str,
    side: str,
    needle_diameter_mm: Decimal,
    needle_length_mm: int,
    depth_mm: int,
    technique: str,
    insertions: int,
    minutes_in_place: int,
    twitch_response: bool = False,
    referred_pain: bool = False,
) -> NeedlingRecord:
    """Add a target muscle to an open session; its region must be cleared to needle."""
    _own_therapist(session, by)
    _open(session)
    info = MUSCLE_INFO.get(muscle)
    if info is None:
        raise DomainError(f"Unknown muscle {muscle!r}.", field="muscle")
    try:
        region = info.region_for(side)
    except ValueError as exc:
        raise DomainError(str(exc), field="side") from None
    if side not in ("left", "right", "midline"):
        raise DomainError("Choose left, right or midline.", field="side")
    if depth_mm > needle_length_mm:
        raise DomainError("The depth cannot exceed the needle's length.", field="depth_mm")
    if region not in session.regions:
        # Not planned when the session opened: it must pass the same gates now.
        screening_gate(patient=session.patient, regions=[region])
        consent_in_force(
            patient=session.patient, clinic=session.clinic, regions=[*session.regions, region]
        )
    if region in THORAX and side in ("left", "right"):
        other = "right" if side == "left" else "left"
        if session.needling.filter(region__in=THORAX, side=other).exists():
            raise DomainError(
                "Both sides of the thorax are not needled in one session (risk of bilateral "
                "pneumothorax).",
                field="side",
            )
    record = NeedlingRecord(
        session=session,
        muscle=muscle,
        side=side,
        region=region,
        needle_diameter_mm=needle_diameter_mm,
        needle_length_mm=needle_length_mm,
        depth_mm=depth_mm,
        technique=technique,
        insertions=insertions,
        twitch_response=twitch_response,
        minutes_in_place=minutes_in_place,
        referred_pain=referred_pain,
    )
    validate(record, exclude=["session"])
    with transaction.atomic():
        record.save()
        if region not in session.regions:
            session.regions = [*session.regions, region]
            session.save(update_fields=["regions"])
        audit_record(
            actor=by,
            action="session.needling_added",
            target=session,
            data={"muscle": muscle, "side": side, "region": region},
            clinic_ids=[session.clinic_id],
        )
    return record


def session_sign(*, session: TreatmentSession, by: User) -> TreatmentSession:
    """Sign and lock the record once it is complete and every needle is accounted for."""
    _own_therapist(session, by)
    _open(session)
    problems = []
    if not session.needling.exists():
        problems.append("record at least one muscle")
    if session.needles_in == 0:
        problems.append("record how many needles went in")
    if session.needles_in != session.needles_out:
        problems.append(
            f"needles in ({session.needles_in}) and needles out ({session.needles_out}) must match"
        )
    if session.pain_before is None or session.pain_after is None:
        problems.append("record pain before and after")
    estim = ("estim_pairs", "estim_frequency_hz", "estim_pulse_width_us", "estim_intensity_ma")
    if session.estim_used and any(getattr(session, f) is None for f in (*estim, "estim_minutes")):
        problems.append(
            "record the electrical stimulation settings (pairs, frequency, pulse "
            "width, intensity and duration)"
        )
    if not session.position:
        problems.append("record the patient's position")
    if problems:
        raise DomainError("Before signing: " + "; ".join(problems) + ".")
    with transaction.atomic():
        session.state = TreatmentSession.State.SIGNED
        session.signed_at = timezone.now()
        session.save(update_fields=["state", "signed_at"])
        audit_record(
            actor=by,
            action="session.signed",
            target=session,
            data={"billing_code": session_billing_code(session)},
            clinic_ids=[session.clinic_id],
        )
    return session


def addendum_add(*, session: TreatmentSession, text: str, by: User) -> Addendum:
    """Correct or add to a signed record without changing it."""
    if not session.is_signed:
        raise DomainError("The session is still open: edit it directly.")
    if by.role not in (Role.THERAPIST, Role.CLINIC_ADMIN):
        raise DomainError("Only clinical staff can add to a treatment record.")
    if not text.strip():
        raise DomainError("Write the addendum.", field="text")
    with transaction.atomic():
        addendum = Addendum.objects.create(session=session, text=text.strip(), written_by=by)
        audit_record(
            actor=by,
            action="session.addendum_added",
            target=session,
            data={"addendum": addendum.pk},
            clinic_ids=[session.clinic_id],
        )
    return addendum


def adverse_event_record(*, session: TreatmentSession, by: User, **fields: Any) -> AdverseEvent:
    """Record an adverse event; a serious one alerts the clinic's admins at once."""
    if by.role not in (Role.THERAPIST, Role.CLINIC_ADMIN):
        raise DomainError("Only clinical staff record adverse events.")
    event = AdverseEvent(session=session, recorded_by=by, **fields)
    validate(event, exclude=["session", "recorded_by"])
    follow_up = fields.get("follow_up_on")
    opened = timezone.localtime(session.opened_at, clinic_zone(session.clinic)).date()
    if follow_up is not None and follow_up < opened:
        raise DomainError("The follow-up cannot be before the session.", field="follow_up_on")
    with transaction.atomic():
        event.save()
        audit_record(
            actor=by,
            action="adverse_event.recorded",
            target=event,
            data={"category": event.category, "severity": event.severity},
            clinic_ids=[session.clinic_id],
        )
        if event.severity == AdverseEvent.Severity.SERIOUS:
            admins = User.objects.filter(
                role=Role.CLINIC_ADMIN, is_active=True, memberships__clinic=session.clinic
            ).distinct()
            Notification.objects.bulk_create(
                Notification(
                    user=admin,
                    message=(
                        f"Serious adverse event ({event.get_category_display()}) after a session "
                        f"with {session.therapist.user.full_name} at {session.clinic.name}."
                    ),
                    link=f"/staff/sessions/{session.pk}/",
                )
                for admin in admins
            )
    return event
