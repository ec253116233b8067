"""demo_load: put the demo practice in the database, adding only what is missing."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.accounts.services import user_create
from needlecare.charting.consent_documents import (
    consent_document_current,
    consent_translations_current,
)
from needlecare.charting.models import AdverseEvent, Consent, NeedlingRecord, TreatmentSession
from needlecare.charting.services import consent_document_publish, consent_translation_publish
from needlecare.clinics import services as clinic_services
from needlecare.clinics.models import Clinic, Credential, Room, StaffMembership, Therapist
from needlecare.common.time import clinic_today
from needlecare.demo import data, story
from needlecare.demo.consent_translations import CONSENT_TRANSLATIONS
from needlecare.demo.people import PEOPLE
from needlecare.demo.practice import AHEAD_DAYS, DESKS
from needlecare.demo.second_factor import demo_second_factors_give
from needlecare.outbox.models import Message
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.patients.services import patient_register_by_staff, patient_register_online
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment, AppointmentType, Status, WorkingHours
from needlecare.scheduling.services import appointment_type_save, working_hours_set
from needlecare.screening.models import PhysicianClearance, Screening


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def _clinics(result: DemoResult) -> dict[str, Clinic]:
    clinics = {}
    for spec in data.CLINICS:
        clinic = Clinic.objects.filter(slug=spec["slug"]).first()
        if clinic is None:
            fields = {k: spec[k] for k in ("slug", "name", "city", "state", "postal_code", "phone")}
            clinic = clinic_services.clinic_save(
                clinic=Clinic(hours_are_demo=True, **fields), by=None, fields=fields
            )
            clinic_services.opening_hours_set(clinic=clinic, hours=spec["hours"], by=None)
            for room in spec["rooms"]:
                clinic_services.room_save(room=Room(clinic=clinic, name=room), by=None)
            result.created.append(f"clinic {clinic.name}")
        clinics[clinic.slug] = clinic
    return clinics


def _user(result: DemoResult, *, email: str, full_name: str, role: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = user_create(email=email, password=data.DEMO_PASSWORD, full_name=full_name, role=role)
    result.created.append(f"{role} {email}")
    return user, True


def _staff(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    creds = data.credentials(clinic_today(clinics["stoughton"]))
    for role, email, name, slugs, title in data.STAFF:
        user, _ = _user(result, email=email, full_name=name, role=role)
        result.logins.append((role, email, ", ".join(clinics[s].name for s in slugs)))
        demo_second_factors_give([user])
        for slug in slugs:
            if not StaffMembership.objects.filter(user=user, clinic=clinics[slug]).exists():
                clinic_services.membership_save(
                    membership=StaffMembership(user=user, clinic=clinics[slug]), by=None
                )
        if title is None:
            continue
        therapist = Therapist.objects.filter(user=user).first() or clinic_services.therapist_save(
            therapist=Therapist(user=user, title=title, bio=data.THERAPIST_BIOS.get(email, "")),
            by=None,
        )
        for spec in creds.get(email, []):
            if not Credential.objects.filter(therapist=therapist, number=spec["number"]).exists():
                clinic_services.credential_save(
                    credential=Credential(therapist=therapist, **spec), by=None, fields=spec
                )


def _patients(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    # email, first, last, born, phone, town, clinic, physician, online, registered by the desk
    # (the first five were registered by needlecare itself, before the desk had a login)
    rows = [
        (email, first, last, dob, phone, clinics[slug].city, slug, doc, online, False)
        for email, first, last, dob, phone, slug, doc, online in data.PATIENTS
    ]
    rows += [
        (
            person.email,
            person.first,
            person.last,
            dt.date.fromisoformat(person.born),
            person.phone,
            person.town,
            person.clinic,
            person.doctor,
            person.online,
            True,
        )
        for person in PEOPLE
    ]
    known = set(
        Patient.objects.filter(email__in=[r[0] for r in rows]).values_list("email", flat=True)
    )
    for email, first, last, dob, phone, town, slug, doc, online, by_desk in rows:
        if online:
            result.logins.append(("patient", email, clinics[slug].name))
        if email in known:
            continue
        details = {
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "phone": phone,
            "city": town,
            "state": "MA",
            "email": email,
        }
        physician = data.PHYSICIANS.get(doc) if doc else None
        if online:
            patient_register_online(
                email=email,
                password=data.DEMO_PASSWORD,
                details=details,
                clinic=clinics[slug],
                physician=physician,
            )
        else:
            desk = User.objects.get(email=DESKS[slug]) if by_desk else None
            patient_register_by_staff(
                details=details, clinic=clinics[slug], by=desk, physician=physician
            )
        result.created.append(f"patient {first} {last}")


def _scheduling(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    for clinic in clinics.values():
        for code, name, minutes, buffer, certified, online in data.APPOINTMENT_TYPES:
            if not AppointmentType.objects.filter(clinic=clinic, code=code).exists():
                kind = AppointmentType(
                    clinic=clinic,
                    code=code,
                    name=name,
                    duration_minutes=minutes,
                    buffer_minutes=buffer,
                    needs_certification=certified,
                    bookable_online=online,
                )
                appointment_type_save(kind=kind, by=None)
                result.created.append(f"appointment type {name} at {clinic.name}")
    for email, by_clinic in data.WORKING_HOURS.items():
        therapist = Therapist.objects.get(user__email=email)
        for slug, hours in by_clinic.items():
            if not WorkingHours.objects.filter(therapist=therapist, clinic=clinics[slug]).exists():
                working_hours_set(therapist=therapist, clinic=clinics[slug], hours=hours, by=None)
                result.created.append(f"hours of {email} at {slug}")


def _consent(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    for clinic in clinics.values():
        current = consent_document_current(clinic)
        if current is None:
            current = consent_document_publish(
                clinic=clinic, title=data.CONSENT_TITLE, body=data.CONSENT_BODY, by=None
            )
            result.created.append(f"consent form at {clinic.name}")
        translated = consent_translations_current(current)
        for language, (title, body) in CONSENT_TRANSLATIONS.items():
            if language not in translated:
                consent_translation_publish(
                    original=current, language=language, title=title, body=body, by=None
                )
                result.created.append(f"consent form in {language} at {clinic.name}")


def demo_load() -> DemoResult:
    """Load the demo practice; running it again adds nothing and changes nothing."""
    result = DemoResult()
    with transaction.atomic():
        clinics = _clinics(result)
        _staff(result, clinics)
        _patients(result, clinics)
        _scheduling(result, clinics)
        _consent(result, clinics)
        if not story.story_told(email for email, *_ in story.courses()):
            story.story_build(clinics)
            result.created.append("a year of history and the next two weeks")
    # Letters are PDFs, slow to render: written after the transaction, each on its own.
    letters = story.letters_write()
    if letters:
        result.created.append(f"{letters} letters")
    if result.created:
        result.summary = summary()
    return result


def summary() -> list[str]:
    """What the demo practice holds, in a few lines."""
    now = timezone.now()
    past = Appointment.objects.filter(starts_at__lt=now)
    ahead = dict(
        Appointment.objects.filter(starts_at__gte=now).values_list("status").annotate(n=Count("id"))
    )
    decisions = dict(Screening.objects.values_list("overall").annotate(n=Count("id")))
    sessions = TreatmentSession.objects.filter(state=TreatmentSession.State.SIGNED)
    events = AdverseEvent.objects.all()
    messages = dict(Message.objects.values_list("state").annotate(n=Count("id")))
    return [
        f"{Patient.objects.count()} patients "
        f"({Patient.objects.filter(user__isnull=False).count()} sign in online)",
        f"the past year: {past.count()} visits, {sessions.count()} signed dry needling "
        f"sessions ({NeedlingRecord.objects.count()} muscles needled), "
        f"{past.filter(status__in=('no_show', 'cancelled')).count()} missed or cancelled",
        f"{sum(decisions.values())} screenings: {decisions.get('eligible', 0)} eligible, "
        f"{decisions.get('proceed_with_precautions', 0)} with precautions, "
        f"{decisions.get('physician_clearance_required', 0)} needing a physician's clearance "
        f"({PhysicianClearance.objects.count()} clearances recorded), "
        f"{decisions.get('contraindicated', 0)} ruling needling out somewhere",
        f"{Consent.objects.filter(countersigned_by__isnull=False).count()} consents signed and "
        f"countersigned, {MeasureResponse.objects.count()} outcome scores, "
        f"{events.count()} adverse events ({events.exclude(severity='mild').count()} not mild), "
        f"{Letter.objects.count()} letters",
        f"the next {AHEAD_DAYS} days: {sum(ahead.values())} visits ("
        + ", ".join(
            f"{ahead[value]} {label.lower()}" for value, label in Status.choices if value in ahead
        )
        + ")",
        f"messages: {messages.get(Message.State.SENT, 0)} sent, "
        f"{messages.get(Message.State.QUEUED, 0)} queued to go out (reminders of visits ahead)",
    ]
