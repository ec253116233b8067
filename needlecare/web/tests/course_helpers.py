"""Shared by the course-of-care tests against the live server: a clinic of their own, open every
day all day (`test_today_browser.a_clinic_open_today`), with screened patients to book courses
for and, if asked, other patients already booked at some of the times."""

from needlecare.web.tests.test_messages_browser import run_setup
from needlecare.web.tests.test_today_browser import a_clinic_open_today

# Screened patients (neck) at the clinic; then, for each (patient number, days after the first
# day, hour) in TAKEN, that patient booked with the therapist then. The first day is a week
# from the clinic's today.
COURSE_PATIENTS = """
import datetime as dt, json
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.services import patient_register_by_staff
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.services import appointment_book
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

clinic = Clinic.objects.get(slug=SLUG)
desk = User.objects.get(email=DESK)
therapist = Therapist.objects.get(user__email=THERAPIST)
kind = AppointmentType.objects.get(clinic=clinic, code="dry-needling")
patients = []
for n in range(COUNT):
    patient = patient_register_by_staff(
        details={"first_name": FIRST, "last_name": f"{TAG} {n}",
                 "date_of_birth": dt.date(1981, 3, 4), "phone": "508-555-0170",
                 "email": f"course-{TAG}-{n}@example.org"},
        clinic=clinic, by=desk)
    screening_record(patient=patient, intake=parse_intake({"planned_regions": ["neck"]}), by=desk)
    patients.append(patient)
first_day = clinic_today(clinic) + dt.timedelta(days=7)
zone = clinic_zone(clinic)
for n, days, hour in TAKEN:
    at = dt.datetime.combine(first_day + dt.timedelta(days=days), dt.time(hour), tzinfo=zone)
    appointment_book(patient=patients[n], clinic=clinic, type=kind, therapist=therapist,
                     starts_at=at, planned_regions=["neck"], booked_by=desk)
print(json.dumps({"patients": [p.pk for p in patients], "names": [p.full_name for p in patients],
                  "first_day": first_day.isoformat(), "therapist": therapist.pk}))
"""


def course_clinic(server_environment, *, count: int, taken=(), first: str = "Course") -> dict:
    """A clinic open today with `count` screened patients (first name `first`); `taken`: the
    (patient number, days after the first day, hour) each already booked."""
    made = a_clinic_open_today(server_environment)
    tag = made["slug"].split("-")[1]
    values = {
        "SLUG": made["slug"],
        "DESK": made["desk"],
        "THERAPIST": made["therapist"],
        "TAG": tag,
        "FIRST": first,
        "COUNT": count,
        "TAKEN": [list(t) for t in taken],
    }
    return {**made, **run_setup(server_environment, COURSE_PATIENTS, **values), "tag": tag}
