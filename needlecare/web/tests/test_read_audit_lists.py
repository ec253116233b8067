"""Pages that list patients' records (the working day, the schedule, the patient list, the
screening worklist, the adverse event report, a patient's own appointments) record a read for
each record shown: who looked at which patients' records is answerable for them too."""

import pytest

from needlecare.audit.models import ReadEvent
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import PatientFactory
from needlecare.screening.selectors import clearance_worklist
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _reads(user: object, what: str) -> list[ReadEvent]:
    return list(ReadEvent.objects.filter(actor=user, what=what).order_by("id"))


def _get(chart: Chart, user: object, url: str) -> None:
    with on_the_day(chart.visit.schedule):
        response = signed_in(user).get(url, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200, response.content[:300]


def test_the_front_desks_day_and_schedule_record_each_visit_shown(chart: Chart) -> None:
    desk, appointment = chart.visit.practice.front_desk, chart.visit.appointment
    day = appointment.starts_at.date().isoformat()
    shown = ("scheduling.appointment", str(appointment.pk), chart.visit.patient.pk)
    for url, what in (
        ("/staff/", "working day"),
        (f"/staff/clinics/stoughton/schedule/?day={day}", "day schedule"),
        (f"/staff/clinics/stoughton/schedule/?day={day}&view=week", "week schedule"),
    ):
        _get(chart, desk, url)
        reads = _reads(desk, what)
        assert [(r.record_type, r.record_id, r.patient_id) for r in reads] == [shown], url
        assert reads[0].address == "203.0.113.7"


def test_the_therapists_day_records_their_visits(chart: Chart) -> None:
    therapist = chart.visit.therapist_user
    _get(chart, therapist, "/staff/")
    [read] = _reads(therapist, "working day")
    assert (read.record_id, read.patient_id) == (
        str(chart.visit.appointment.pk),
        chart.visit.patient.pk,
    )


def test_the_patient_list_records_each_patient_on_the_page(chart: Chart) -> None:
    p = chart.visit.practice
    _get(chart, p.front_desk, "/staff/clinics/stoughton/patients/")
    reads = _reads(p.front_desk, "patient list")
    assert {r.patient_id for r in reads} == {p.patient.pk}  # Stoughton's; not Foxboro's
    assert {r.record_type for r in reads} == {"patients.patient"}
    _get(chart, p.front_desk, "/staff/clinics/stoughton/patients/?q=nobody-by-this-name")
    assert len(_reads(p.front_desk, "patient list")) == 1  # a page listing nobody: no read


def test_the_worklist_records_each_screening_listed(chart: Chart) -> None:
    p = chart.visit.practice
    waiting = PatientFactory(preferred_clinic=p.stoughton)
    with on_the_day(chart.visit.schedule):
        screening = chart.visit.schedule.screen(waiting, "cancer")
    assert [s.pk for s in clearance_worklist([p.stoughton.pk])] == [screening.pk]
    _get(chart, p.front_desk, "/staff/clinics/stoughton/screening/")
    [read] = _reads(p.front_desk, "screening worklist")
    assert (read.record_type, read.record_id) == ("screening.screening", str(screening.pk))
    assert read.patient_id == waiting.pk


def test_the_adverse_event_report_records_each_event_listed(chart: Chart) -> None:
    admin = chart.visit.practice.admin
    _get(chart, admin, "/staff/clinics/stoughton/adverse-events/")
    [read] = _reads(admin, "adverse event report")
    assert (read.record_type, read.record_id) == ("charting.adverseevent", str(chart.event.pk))
    assert read.patient_id == chart.visit.patient.pk  # the event's patient, through its session


def test_a_patients_appointments_page_records_the_read(chart: Chart) -> None:
    patient = chart.visit.patient
    _get(chart, patient.user, "/me/appointments/")
    [read] = _reads(patient.user, "appointments")
    assert (read.record_type, read.record_id, read.patient_id) == (
        "scheduling.appointment",
        "",
        patient.pk,
    )
