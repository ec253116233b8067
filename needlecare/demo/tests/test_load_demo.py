import io

import pytest
from django.core.management import call_command

from needlecare.accounts.models import Role, User
from needlecare.audit.models import AuditEvent
from needlecare.charting.models import AdverseEvent, Consent, TreatmentSession
from needlecare.clinics.models import Clinic, Credential, StaffMembership, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.time import clinic_today
from needlecare.outbox.models import Message
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment
from needlecare.screening.models import Screening

pytestmark = pytest.mark.django_db

MODELS = (
    Clinic,
    User,
    StaffMembership,
    Therapist,
    Credential,
    Patient,
    AuditEvent,
    Appointment,
    Screening,
    Consent,
    TreatmentSession,
    MeasureResponse,
    AdverseEvent,
    Letter,
    Message,
)


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loading_the_demo_twice_adds_nothing_the_second_time():
    first = _run()
    counts = _counts()
    second = _run()
    assert _counts() == counts
    assert counts["Appointment"] > 100 and counts["Letter"] > 0
    assert "already loaded" in second
    assert "admin@demo.needlecare.test" in first and "admin@demo.needlecare.test" in second


def test_the_demo_practice_matches_the_clinical_reference():
    _run()
    phones = dict(Clinic.objects.values_list("name", "phone"))
    assert phones == {"Stoughton": "781-436-0391", "Foxboro": "774-332-1723"}
    assert all(c.hours_are_demo and c.opening_hours.exists() for c in Clinic.objects.all())
    today = clinic_today()
    therapists = list(Therapist.objects.all())
    certified = [t for t in therapists if therapist_can_dry_needle(t, on=today)]
    assert len(therapists) == 3
    assert len(certified) == 1
    assert certified[0].user.memberships.count() == 2
    for slug in ("stoughton", "foxboro"):
        assert User.objects.filter(role=Role.FRONT_DESK, memberships__clinic__slug=slug).exists()
    assert User.objects.filter(role=Role.CLINIC_ADMIN).count() == 1
    assert Patient.objects.count() >= 4


def test_the_demo_logins_work(client):
    _run()
    response = client.post(
        "/accounts/login/",
        {"username": "maria.lopez@demo.needlecare.test", "password": "needling-demo-2026"},
    )
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200
