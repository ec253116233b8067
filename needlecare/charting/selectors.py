"""Reads for charting: consent and whether it holds, sessions, notifications, and the facts of
the adverse event report."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.charting.consent_documents import consent_document_current
from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    CheckIn,
    Consent,
    ConsentDocument,
    Notification,
    TreatmentSession,
)
from needlecare.charting.report import EventFacts, Report, SessionFacts, adverse_event_report
from needlecare.clinics.models import Clinic
from needlecare.common.errors import Conflict
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.selectors import appointments_screening_changed
from needlecare.screening.models import Screening
from needlecare.screening.policy import THORAX
from needlecare.screening.selectors import (
    screening_is_current,
    screenings_confirmed,
    screenings_latest,
)

# --- Consent ------------------------------------------------------------------------------------


class NotConsented(Conflict):
    """The patient's consent does not hold for this treatment."""


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
        raise NotConsented(
            "consent.unsigned", f"{patient.full_name} has not signed the consent for dry needling."
        )
    current = consent_document_current(clinic)
    if current is not None and current.pk not in (
        latest.document_id,
        latest.document.translates_id,
    ):
        raise NotConsented(
            "consent.outdated",
            f"The consent document changed (now version {current.version}); "
            f"{patient.full_name} must read and sign it again.",
        )
    if latest.signed_at + dt.timedelta(days=latest.document.valid_days) < at:
        raise NotConsented(
            "consent.expired",
            f"{patient.full_name}'s consent has expired; it must be signed again.",
        )
    if THORAX & set(regions) and not latest.covers_thorax:
        raise NotConsented(
            "consent.thorax_not_covered",
            "A first session in the chest or upper back needs a renewed consent that covers "
            "the risk of pneumothorax.",
        )
    if latest.countersigned_by_id is None:
        raise NotConsented(
            "consent.not_countersigned", "The therapist has not countersigned the consent yet."
        )
    return latest


@dataclass(frozen=True)
class ConsentStatus:
    in_force: bool
    reason: str
    latest: Consent | None


def consent_status(patient: Patient, clinic: Clinic) -> ConsentStatus:
    """Whether the patient's consent at the clinic holds now (any region), and why not."""
    latest = consent_latest(patient, clinic)
    try:
        consent_in_force(patient=patient, clinic=clinic, regions=[])
    except NotConsented as exc:
        return ConsentStatus(in_force=False, reason=exc.message, latest=latest)
    return ConsentStatus(in_force=True, reason="", latest=latest)


def consents_of(patient: Patient) -> list[Consent]:
    """Every consent the patient has signed, newest first, with who signed and countersigned."""
    return list(
        patient.consents.select_related(
            "document__clinic", "witnessed_by", "recorded_by", "countersigned_by__user"
        )
    )


# --- Sessions -----------------------------------------------------------------------------------


def sessions_of(patient: Patient) -> QuerySet[TreatmentSession]:
    """The patient's treatment records, newest first, with everything a record shows."""
    return (
        TreatmentSession.objects.filter(patient=patient)
        .select_related("therapist__user", "clinic")
        .prefetch_related("needling", "addenda")
    )


def sessions_signed(patient: Patient) -> QuerySet[TreatmentSession]:
    """The patient's signed treatment sessions, oldest first."""
    return TreatmentSession.objects.filter(
        patient=patient, state=TreatmentSession.State.SIGNED
    ).order_by("opened_at", "id")


def addenda_of(session: TreatmentSession) -> QuerySet[Addendum]:
    """A signed record's addenda, oldest first, with who wrote them."""
    return session.addenda.select_related("written_by")


def adverse_events_of_session(session: TreatmentSession) -> QuerySet[AdverseEvent]:
    """The adverse events recorded after a session, with who recorded them."""
    return session.adverse_events.select_related("recorded_by")


def check_in_of(session: TreatmentSession) -> CheckIn | None:
    """The patient's next-day answers after this session, if they gave them."""
    return CheckIn.objects.filter(session=session).first()


def notifications_unread(user: User) -> QuerySet[Notification]:
    """The user's unread notifications, newest first."""
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at")


# --- The adverse event report -------------------------------------------------------------------


def adverse_event_facts(clinic: Clinic) -> tuple[list[SessionFacts], list[EventFacts]]:
    """The clinic's signed sessions and their adverse events, in two queries."""
    signed = TreatmentSession.objects.filter(clinic=clinic, state=TreatmentSession.State.SIGNED)
    sessions = [
        SessionFacts(session_id=pk, therapist=therapist, clinic=clinic_name, regions=tuple(regions))
        for pk, therapist, clinic_name, regions in signed.order_by("pk").values_list(
            "pk", "therapist__user__full_name", "clinic__name", "regions"
        )
    ]
    events = [
        EventFacts(session_id=session_id, category=category, severity=severity)
        for session_id, category, severity in AdverseEvent.objects.filter(
            session__clinic=clinic,
            session__state=TreatmentSession.State.SIGNED,
            review=AdverseEvent.Review.CONFIRMED,
        )
        .order_by("pk")
        .values_list("session_id", "category", "severity")
    ]
    return sessions, events


def adverse_event_report_for(clinic: Clinic) -> Report:
    """Adverse events per 100 signed sessions at the clinic, by category, therapist and region."""
    sessions, events = adverse_event_facts(clinic)
    return adverse_event_report(sessions, events)


def adverse_events_recent(clinic: Clinic, *, limit: int = 25) -> list[AdverseEvent]:
    """The clinic's latest adverse events, newest first, with patient and therapist."""
    return list(
        AdverseEvent.objects.filter(session__clinic=clinic)
        .select_related("session__patient", "session__therapist__user")
        .order_by("-recorded_at")[:limit]
    )


def session_of_appointment(appointment: Appointment) -> int | None:
    """The id of the treatment session opened for the appointment, if there is one."""
    return (
        TreatmentSession.objects.filter(appointment=appointment)
        .values_list("pk", flat=True)
        .first()
    )


def visit_number(session: TreatmentSession) -> int:
    """Which of the patient's treatment sessions this is, counting from 1."""
    return TreatmentSession.objects.filter(
        patient=session.patient, opened_at__lte=session.opened_at
    ).count()


def signed_session_times(patient: Patient) -> list[dt.datetime]:
    """When each of the patient's signed treatment sessions was opened."""
    return list(sessions_signed(patient).values_list("opened_at", flat=True))


def consent_latest(patient: Patient, clinic: Clinic) -> Consent | None:
    """The patient's most recent consent at the clinic."""
    return (
        Consent.objects.filter(patient=patient, document__clinic=clinic)
        .select_related("document", "countersigned_by__user")
        .first()
    )


# --- The working day: the safety state of many visits at once ---------------------------------


def consent_statuses(
    pairs: Iterable[tuple[Patient, int]], *, at: dt.datetime | None = None
) -> dict[tuple[int, int], ConsentStatus]:
    """consent_status for many (patient, clinic id) pairs in two queries, by (patient id, clinic
    id): the same rules as consent_in_force for any region."""
    at = at or timezone.now()
    wanted = {(patient.pk, clinic_id): patient for patient, clinic_id in pairs}
    if not wanted:
        return {}
    clinic_ids = {clinic_id for _, clinic_id in wanted}
    latest: dict[tuple[int, int], Consent] = {}
    for consent in (
        Consent.objects.filter(
            patient_id__in={patient_id for patient_id, _ in wanted},
            document__clinic_id__in=clinic_ids,
        )
        .select_related("document", "countersigned_by__user")
        .order_by("-signed_at", "-id")
    ):
        latest.setdefault((consent.patient_id, consent.document.clinic_id), consent)
    current: dict[int, tuple[int, int]] = {}
    for clinic_id, pk, version in (
        ConsentDocument.objects.filter(clinic_id__in=clinic_ids, language="en")
        .order_by("clinic_id", "-version")
        .values_list("clinic_id", "pk", "version")
    ):
        current.setdefault(clinic_id, (pk, version))
    return {
        key: _consent_standing(patient, latest.get(key), current.get(key[1]), at)
        for key, patient in wanted.items()
    }


def _consent_standing(
    patient: Patient, latest: Consent | None, current: tuple[int, int] | None, at: dt.datetime
) -> ConsentStatus:
    """consent_in_force's checks (for no particular region) on what consent_statuses read."""
    if latest is None:
        reason = f"{patient.full_name} has not signed the consent for dry needling."
    elif current is not None and current[0] not in (
        latest.document_id,
        latest.document.translates_id,
    ):
        reason = (
            f"The consent document changed (now version {current[1]}); "
            f"{patient.full_name} must read and sign it again."
        )
    elif latest.signed_at + dt.timedelta(days=latest.document.valid_days) < at:
        reason = f"{patient.full_name}'s consent has expired; it must be signed again."
    elif latest.countersigned_by_id is None:
        reason = "The therapist has not countersigned the consent yet."
    else:
        return ConsentStatus(in_force=True, reason="", latest=latest)
    return ConsentStatus(in_force=False, reason=reason, latest=latest)


@dataclass(frozen=True)
class VisitSafety:
    """Where a dry needling visit stands on the gates its record opens behind, as of now."""

    screening: Screening | None  # the patient's current screening
    cleared: tuple[str, ...]  # the planned areas it clears
    not_cleared: tuple[str, ...]  # the planned areas it does not (yet)
    clearance_needed: tuple[str, ...]  # conditions a physician must clear for the planned areas
    consent: ConsentStatus
    # Since the visit was booked: screened again, or the screening confirmed unchanged.
    reconfirmed_at: dt.datetime | None
    screening_changed: bool  # answered again since booking, and no longer clears the plan


def visit_safety(appointments: Iterable[Appointment]) -> dict[int, VisitSafety]:
    """The safety state of each dry needling visit, by appointment id, in a fixed number of
    queries however many visits there are."""
    needling = [a for a in appointments if a.type.needs_certification]
    if not needling:
        return {}
    latest = screenings_latest({a.patient_id for a in needling})
    current = {pid: s for pid, s in latest.items() if screening_is_current(s)}
    confirmed = screenings_confirmed(s.pk for s in current.values())
    consents = consent_statuses((a.patient, a.clinic_id) for a in needling)
    changed = appointments_screening_changed(needling)
    out = {}
    for a in needling:
        screening = current.get(a.patient_id)
        planned = list(a.planned_regions)
        cleared = tuple(r for r in planned if screening and screening.decision.clears(r))
        needs = screening.decision.with_effect("physician_clearance_required") if screening else ()
        since = (screening.entered_at, confirmed.get(screening.pk)) if screening else ()
        out[a.pk] = VisitSafety(
            screening=screening,
            cleared=cleared,
            not_cleared=tuple(r for r in planned if r not in cleared),
            clearance_needed=tuple(
                dict.fromkeys(r.code for r in needs if set(r.regions) & set(planned))
            ),
            consent=consents[a.patient_id, a.clinic_id],
            reconfirmed_at=max((t for t in since if t and t >= a.created_at), default=None),
            screening_changed=a.pk in changed,
        )
    return out


def sessions_of_appointments(appointment_ids: Iterable[int]) -> dict[int, int]:
    """The treatment session opened for each of these appointments, by appointment id."""
    return dict(
        TreatmentSession.objects.filter(appointment_id__in=list(appointment_ids)).values_list(
            "appointment_id", "pk"
        )
    )


def adverse_events_to_review(clinic: Clinic) -> list[AdverseEvent]:
    """Adverse events patients reported after sessions at the clinic that no clinician has
    confirmed or rejected yet, oldest first."""
    return list(
        AdverseEvent.objects.filter(session__clinic=clinic, review=AdverseEvent.Review.DRAFT)
        .select_related("session__patient", "session__therapist__user")
        .order_by("recorded_at", "id")
    )
