"""The demo practice has a working day: a year behind it, two weeks ahead, all of it as the
services would have written it, whatever day it is loaded."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db.models import Count
from django.utils import timezone

from needlecare.charting.models import AdverseEvent, Consent, NeedlingRecord, TreatmentSession
from needlecare.common.time import clinic_today
from needlecare.demo.tests import checks
from needlecare.outbox.models import Message
from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import ACTIVE, Appointment, Status
from needlecare.scheduling.services.notices import REMINDER
from needlecare.screening.models import PhysicianClearance, Screening
from needlecare.screening.selectors import clearance_worklist, screening_current

pytestmark = pytest.mark.django_db


def test_a_year_of_signed_dry_needling_sessions(demo):
    now = timezone.now()
    sessions = TreatmentSession.objects.filter(state=TreatmentSession.State.SIGNED)
    assert sessions.count() >= 50
    assert not sessions.annotate(n=Count("needling")).filter(n=0).exists()
    first = sessions.order_by("signed_at").first()
    assert first is not None and first.signed_at < now - dt.timedelta(days=300)
    assert not sessions.filter(signed_at__gt=now).exists()
    assert NeedlingRecord.objects.values("muscle").distinct().count() >= 10


def test_the_visits_are_where_the_services_would_have_put_them(demo):
    assert checks.overlaps() == []
    assert checks.outside_hours() == []
    assert checks.sessions_out_of_line() == []


def test_past_visits_are_over_and_visits_ahead_are_booked(demo):
    now = timezone.now()
    past = Appointment.objects.filter(starts_at__lt=now - dt.timedelta(hours=1))
    over = {"completed", "no_show", "cancelled", "late_cancelled"}
    assert set(past.values_list("status", flat=True)) <= over
    assert past.filter(status=Status.NO_SHOW).exists()
    assert past.filter(status=Status.CANCELLED).exists()
    # Some patients called in good time, some inside the late-cancellation window.
    assert past.filter(status=Status.LATE_CANCELLED, cancelled_by="patient").exists()
    ahead = Appointment.objects.filter(starts_at__gte=now)
    assert set(ahead.values_list("status", flat=True)) >= {"requested", "confirmed", "cancelled"}
    assert not ahead.filter(status__in=("completed", "no_show")).exists()
    checked_in = Appointment.objects.filter(status=Status.CHECKED_IN)
    today = clinic_today()
    assert all(clinic_today(a.clinic) == today for a in checked_in)


def test_the_next_two_weeks_are_booked_at_both_clinics(demo):
    now = timezone.now()
    ahead = Appointment.objects.filter(starts_at__gte=now, status__in=ACTIVE)
    assert set(ahead.values_list("clinic__slug", flat=True)) == {"stoughton", "foxboro"}
    assert ahead.filter(type__needs_certification=True).count() >= 10
    assert not Appointment.objects.filter(starts_at__gte=now + dt.timedelta(days=15)).exists()
    by_therapist = set(ahead.values_list("therapist__user__email", flat=True))
    assert len(by_therapist) == 3


def test_scores_tell_how_patients_changed(demo):
    series = defaultdict(list)
    for m in MeasureResponse.objects.order_by("completed_at", "id"):
        series[(m.patient_id, m.instrument)].append(m.value)
    changed = [values for values in series.values() if len(values) >= 2 and values[0] != values[-1]]
    assert len(changed) >= 15
    better = [values for values in changed if values[-1] < values[0]]
    assert len(better) >= len(changed) * 0.8  # pain and disability mostly eased
    assert {i for _, i in series} == {"nprs", "ndi", "odi"}
    assert PlanOfCare.objects.count() >= 20


def test_every_kind_of_screening_decision(demo):
    decisions = set(Screening.objects.values_list("overall", flat=True))
    assert decisions == {
        "eligible",
        "proceed_with_precautions",
        "physician_clearance_required",
        "contraindicated",
    }


def test_a_clearance_recorded_and_one_awaited(demo):
    recorded = PhysicianClearance.objects.select_related("patient").first()
    assert recorded is not None and recorded.physician_name.startswith("Dr. ")
    redecided = Screening.objects.filter(patient=recorded.patient, based_on__isnull=False).first()
    assert redecided is not None and redecided.decision.clears(redecided.answers.planned_regions[0])
    worklist = clearance_worklist(Patient.objects.values_list("preferred_clinic", flat=True))
    waiting = [s.patient for s in worklist if s.overall == "physician_clearance_required"]
    assert waiting
    assert not PhysicianClearance.objects.filter(patient__in=waiting).exists()
    # The physician has been asked, in a letter.
    assert Letter.objects.filter(patient__in=waiting, kind="clearance_request").exists()
    assert Letter.objects.filter(kind="progress").exists()


def test_consents_adverse_events_and_the_first_patients(demo):
    assert Consent.objects.filter(countersigned_by__isnull=False).count() >= 20
    events = AdverseEvent.objects.all()
    assert events.filter(severity="mild").count() >= 2
    assert events.filter(severity="significant").count() == 1
    # Maria and Priya, who signed up online, are new: the browser tests start them afresh.
    for email in ("maria.lopez@demo.needlecare.test", "priya.shah@demo.needlecare.test"):
        patient = Patient.objects.get(email=email)
        assert not patient.appointments.exists() and screening_current(patient) is None


def test_nothing_is_dated_in_the_future_that_happened_in_the_past(demo):
    now = timezone.now()
    for model, field in (
        (Screening, "entered_at"),
        (Consent, "signed_at"),
        (MeasureResponse, "completed_at"),
        (AdverseEvent, "recorded_at"),
        (PlanOfCare, "created_at"),
        (Appointment, "created_at"),
        (Patient, "created_at"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), (model, field)
    for a in Appointment.objects.select_related("patient"):
        assert a.patient.created_at <= a.created_at <= max(a.starts_at, now)


def test_a_sender_started_now_sends_nothing_about_the_past(demo):
    now = timezone.now()
    queued = Message.objects.filter(state=Message.State.QUEUED)
    assert queued.exists()
    assert not queued.filter(send_after__lte=now).exists()
    for message in queued:
        assert message.kind == REMINDER
        visit = Appointment.objects.get(pk=message.target_id)
        assert visit.starts_at > message.send_after > now and visit.status in ACTIVE
    sent = Message.objects.filter(state=Message.State.SENT)
    assert sent.count() > 100 and not sent.filter(sent_at__gt=now).exists()


def test_the_summary_says_what_the_practice_holds(demo):
    assert "signed dry needling sessions" in demo
    assert "the next 14 days" in demo
    assert "jennifer.russo@demo.needlecare.test" in demo  # a patient with a history signs in
