"""The practice's working day: a year of visits behind it and two weeks ahead, relative to the
day the demo is loaded, built once (with the rest of the demo, in its transaction)."""

import datetime as dt
from collections.abc import Iterable

from needlecare.accounts.models import User
from needlecare.charting.models import ConsentDocument
from needlecare.clinics.models import Clinic
from needlecare.demo import data
from needlecare.demo.course import course_run
from needlecare.demo.messages import messages_settle
from needlecare.demo.people import COURSES, PEOPLE, THERAPISTS, Course
from needlecare.demo.practice import DESKS, Practice, practice_open
from needlecare.outbox.models import Message
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.reports.services import clearance_request_create, progress_letter_create
from needlecare.scheduling.models import Appointment
from needlecare.screening.models import Screening
from needlecare.screening.selectors import screening_current

YEAR = dt.timedelta(days=365)


def courses() -> list[tuple[str, tuple[Course, ...], bool]]:
    """Every patient with a story: (email, courses, signed up online)."""
    first = [
        (email, COURSES[email], online) for email, *_, online in data.PATIENTS if email in COURSES
    ]
    return first + [(person.email, person.courses, person.online) for person in PEOPLE]


def story_told(emails: Iterable[str]) -> bool:
    """Whether the demo's patients have a history already (then it is never written again)."""
    emails = list(emails)
    return (
        Appointment.objects.filter(patient__email__in=emails).exists()
        or Screening.objects.filter(patient__email__in=emails).exists()
    )


def story_build(clinics: dict[str, Clinic]) -> Practice:
    """Write every patient's courses: history through the services, then dated back; the next
    two weeks booked; the messages settled; registrations dated before it all."""
    p = practice_open(clinics)
    since = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    patients = {
        patient.email: patient
        for patient in Patient.objects.select_related("preferred_clinic", "user").filter(
            email__in=[email for email, *_ in courses()]
        )
    }
    for email, told, online in courses():
        for course in told:
            course_run(p, patients[email], course, online=online)
    p.moves.apply()
    messages_settle(p, since=since)
    _registrations(p, patients.values())
    return p


def _registrations(p: Practice, patients: Iterable[Patient]) -> None:
    """Each patient registered the day before they first appear; the practice's staff and
    consent forms were there before the year began."""
    for patient in patients:
        seen = p.first_seen.get(patient.pk)
        if seen is None:
            continue
        registered = seen - dt.timedelta(days=1)
        p.moves.set(patient, created_at=registered)
        if patient.user is not None:
            p.moves.set(patient.user, date_joined=registered)
    p.moves.apply()
    opened = p.now - YEAR - dt.timedelta(days=30)
    staff = [email for _, email, *_ in data.STAFF]
    User.objects.filter(email__in=staff, date_joined__gt=opened).update(date_joined=opened)
    ConsentDocument.objects.filter(
        clinic__in=p.clinics.values(), version=1, published_at__gt=opened
    ).update(published_at=opened)


# --- Letters: PDFs are slow to render, so they are written after the demo's transaction -----


def letters_due() -> list[tuple[Patient, str, User]]:
    """The story's letters not written yet, as (patient, kind, author): a progress letter at the
    end of some courses, and a request for the clearance awaited after an evaluation."""
    found: list[tuple[Patient, str, User]] = []
    for email, told, _ in courses():
        for course in told:
            awaited = "cancer" in course.conditions and not course.clearance and course.began > 0
            if not (course.letter or awaited):
                continue
            kind = Letter.Kind.PROGRESS if course.letter else Letter.Kind.CLEARANCE_REQUEST
            patient = (
                Patient.objects.select_related("preferred_clinic", "referring_physician")
                .filter(email=email)
                .first()
            )
            if patient is None or patient.referring_physician is None:
                continue
            if Letter.objects.filter(patient=patient, kind=kind).exists():
                continue
            if kind == Letter.Kind.PROGRESS:
                if not patient.sessions.filter(signed_at__isnull=False).exists():
                    continue
                author = THERAPISTS["dana"]
            else:
                if screening_current(patient) is None:
                    continue
                author = DESKS[patient.preferred_clinic.slug]
            found.append((patient, kind, User.objects.get(email=author)))
    return found


def letters_write() -> int:
    """Write the story's letters that are missing; how many were written."""
    written = 0
    for patient, kind, author in letters_due():
        if kind == Letter.Kind.PROGRESS:
            progress_letter_create(patient=patient, by=author)
        else:
            clearance_request_create(patient=patient, by=author)
        written += 1
    return written
