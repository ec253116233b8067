"""Charting a dry needling session: open it behind the safety gates, record it, sign it.

Whatever page or route asks, these services hold the rules: a session opens only for a
checked-in appointment, with a current screening that clears the regions, a consent in force
and a therapist certified today; needling outside a cleared region is refused; a signed
record never changes (corrections are audited addenda). Every check runs inside the
transaction that writes, with the session's row locked, so two requests take turns.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.charting.models import Addendum, NeedlingRecord, TreatmentSession
from needlecare.charting.muscles import MUSCLE_INFO
from needlecare.charting.selectors import consent_in_force
from needlecare.charting.services import _checks, notices
from needlecare.common.errors import Conflict, DomainError, validate
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.scheduling.models import Appointment, Status
from needlecare.screening.policy import THORAX
from needlecare.screening.services import screening_confirm, screening_gate

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
ESTIM = ("estim_pairs", "estim_frequency_hz", "estim_pulse_width_us", "estim_intensity_ma")


def billing_code(muscle_count: int) -> str | None:
    """CPT code for dry needling by the number of muscles: 20560 for one or two, 20561 beyond."""
    if muscle_count <= 0:
        return None
    return "20560" if muscle_count <= 2 else "20561"


def session_billing_code(session: TreatmentSession) -> str | None:
    muscles = {(row.muscle, row.side) for row in session.needling.all()}
    return billing_code(len(muscles))


def session_open(
    *,
    appointment: Appointment,
    regions: list[str],
    by: User,
    no_changes_confirmed: bool,
    late_reason: str = "",
) -> TreatmentSession:
    """Open the treatment record of a checked-in dry needling appointment, after every gate:
    on the day of the visit, or later only with the reason it is recorded late."""
    _checks.own_therapist(appointment, by)
    if not appointment.type.needs_certification:
        raise DomainError(
            "session.not_dry_needling",
            "Only a dry needling appointment opens a dry needling record.",
        )
    regions = list(dict.fromkeys(regions))
    try:
        with transaction.atomic():
            return _open(
                appointment,
                regions,
                by=by,
                no_changes_confirmed=no_changes_confirmed,
                late_reason=late_reason.strip(),
            )
    except IntegrityError as exc:
        # The one-to-one on the appointment: another request opened it since the check.
        raise Conflict("session.already_open", ALREADY_OPEN) from exc


ALREADY_OPEN = "This appointment's treatment record is already open."


def _check_day(appointment: Appointment, late_reason: str) -> None:
    """The record opens on the visit's day (clinic time); after it, only with a reason."""
    today = clinic_today(appointment.clinic)
    day = timezone.localtime(appointment.starts_at, clinic_zone(appointment.clinic)).date()
    if today < day:
        raise Conflict(
            "session.before_visit_day",
            f"The treatment record opens on the day of the visit, {day:%A, %B} {day.day}.",
        )
    if today > day and not late_reason:
        raise DomainError(
            "session.late_needs_reason",
            f"The visit was on {day:%A, %B} {day.day}: to record it now, say why it is "
            "recorded late.",
            field="late_reason",
        )


def _open(
    appointment: Appointment,
    regions: list[str],
    *,
    by: User,
    no_changes_confirmed: bool,
    late_reason: str,
) -> TreatmentSession:
    status = (
        Appointment.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=appointment.pk)
    )
    if status != Status.CHECKED_IN:
        raise DomainError(
            "session.not_checked_in", "Check the patient in before opening the treatment record."
        )
    if TreatmentSession.objects.filter(appointment=appointment).exists():
        raise DomainError("session.already_open", ALREADY_OPEN)
    _check_day(appointment, late_reason)
    _checks.certified_today(appointment)
    cleared = screening_gate(patient=appointment.patient, regions=regions)
    planned = list(appointment.planned_regions)
    if planned and not all(cleared.screening.decision.clears(r) for r in planned):
        raise Conflict(
            "session.screening_changed",
            "The patient's current screening no longer clears every area planned for this "
            "visit. Resolve it first: record a physician's clearance, screen again with the "
            "patient, or book the visit for the areas that are cleared.",
        )
    today = clinic_today(appointment.clinic)
    zone = clinic_zone(appointment.clinic)
    screened_today = timezone.localtime(cleared.screening.entered_at, zone).date() == today
    if not (no_changes_confirmed or screened_today):
        raise DomainError(
            "session.confirm_no_changes",
            "Ask the patient whether anything has changed since their screening: confirm "
            "no changes, or have them screen again.",
            field="no_changes_confirmed",
        )
    consent = consent_in_force(
        patient=appointment.patient, clinic=appointment.clinic, regions=regions
    )
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
        late_reason=late_reason,
    )
    audit_record(
        actor=by,
        action="session.opened",
        target=session,
        data={
            "regions": regions,
            "screening": cleared.screening.pk,
            "consent": consent.pk,
            **({"late": late_reason} if late_reason else {}),
        },
        clinic_ids=[appointment.clinic_id],
    )
    return session


def _check_details(session: TreatmentSession, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise DomainError("session.unknown_field", f"Unknown field {sorted(unknown)[0]!r}.")
    for name in ("pain_before", "pain_after"):
        value = fields.get(name)
        if value is None:
            continue
        try:
            in_range = 0 <= int(value) <= 10
        except (TypeError, ValueError):
            in_range = False
        if not in_range:
            raise DomainError("session.pain_range", "Pain is rated from 0 to 10.", field=name)
    if fields.get("estim_used") and session.screening.electronic_implant_possible:
        raise DomainError(
            "session.estim_implant",
            "Electrical stimulation is not used: the patient reported an implant that may be "
            "electronic (pacemaker, defibrillator or other device).",
            field="estim_used",
        )


def session_update(*, session: TreatmentSession, by: User, **fields: Any) -> TreatmentSession:
    """Record details of an open session."""
    _checks.own_therapist(session, by)
    _check_details(session, fields)
    try:
        with transaction.atomic():
            _checks.lock_open(session)
            for name, value in fields.items():
                setattr(session, name, value)
            validate(
                session,
                exclude=["appointment", "patient", "therapist", "clinic", "screening", "consent"],
            )
            session.save()
            audit_record(
                actor=by,
                action="session.updated",
                target=session,
                data={"fields": sorted(fields)},
                clinic_ids=[session.clinic_id],
            )
    except DomainError:
        session.refresh_from_db()  # the caller keeps the record as stored, not half-changed
        raise
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
    _checks.own_therapist(session, by)
    info = MUSCLE_INFO.get(muscle)
    if info is None:
        raise DomainError("needling.unknown_muscle", f"Unknown muscle {muscle!r}.", field="muscle")
    try:
        region = info.region_for(side)
    except ValueError as exc:
        raise DomainError("needling.paired_side", str(exc), field="side") from None
    if side not in ("left", "right", "midline"):
        raise DomainError("needling.bad_side", "Choose left, right or midline.", field="side")
    if depth_mm > needle_length_mm:
        raise DomainError(
            "needling.too_deep", "The depth cannot exceed the needle's length.", field="depth_mm"
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
        # The row lock makes a second needling of this session wait for this one, so the
        # thorax rule below sees every row already written.
        _checks.lock_open(session)
        session.regions = TreatmentSession.objects.values_list("regions", flat=True).get(
            pk=session.pk
        )
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
                    "needling.both_sides_thorax",
                    "Both sides of the thorax are not needled in one session (risk of bilateral "
                    "pneumothorax).",
                    field="side",
                )
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


def _sign_problems(session: TreatmentSession) -> list[str]:
    """What is missing before the record can be signed, each in a few words."""
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
    if session.estim_used and any(getattr(session, f) is None for f in (*ESTIM, "estim_minutes")):
        problems.append(
            "record the electrical stimulation settings (pairs, frequency, pulse "
            "width, intensity and duration)"
        )
    if not session.position:
        problems.append("record the patient's position")
    return problems


def session_sign(*, session: TreatmentSession, by: User) -> TreatmentSession:
    """Sign and lock the record once it is complete and every needle is accounted for."""
    _checks.own_therapist(session, by)
    with transaction.atomic():
        _checks.lock_open(session)
        session.refresh_from_db()
        problems = _sign_problems(session)
        if problems:
            raise DomainError(
                "session.incomplete",
                "Before signing: " + "; ".join(problems) + ".",
                {"problems": problems},
            )
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
        notices.notices_signed(session)
    return session


def addendum_add(*, session: TreatmentSession, text: str, by: User) -> Addendum:
    """Correct or add to a signed record without changing it."""
    if not session.is_signed:
        raise DomainError("addendum.session_open", "The session is still open: edit it directly.")
    _checks.clinical(by, "can add to a treatment record")
    if not text.strip():
        raise DomainError("addendum.empty", "Write the addendum.", field="text")
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
