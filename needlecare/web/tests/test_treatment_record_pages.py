"""Charting pages for the treatment record: the gate, the session, addenda, adverse events and
the adverse event report, through the test client as a therapist would use it.
"""

import datetime as dt

import pytest
from django.utils import timezone

from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    Consent,
    Notification,
    TreatmentSession,
)
from needlecare.charting.selectors import adverse_event_facts
from needlecare.charting.services import adverse_event_record, session_open
from needlecare.scheduling.services import appointment_book, appointment_transition
from needlecare.screening.models import Screening
from needlecare.web.tests.charting_helpers import as_, open_session, signed_session, text

pytestmark = pytest.mark.django_db


def another_visit(visit, hour):
    p = visit.schedule.practice
    appointment = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=visit.schedule.dry_needling,
        therapist=p.therapist,
        starts_at=visit.schedule.at(hour),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    appointment_transition(appointment=appointment, action="check_in", by=p.front_desk)
    return appointment


DETAILS = {
    "position": "prone",
    "skin_preparation": "Alcohol swab",
    "pain_before": "6",
    "impairment": "Cervical rotation left 50 degrees",
    "pain_after": "3",
    "immediate_response": "Rotation 70 degrees",
    "needles_in": "4",
    "needles_out": "3",
    "haemostasis": "on",
    "advice": "Heat and gentle movement",
    "plan": "Review in a week",
}
ROW = {
    "muscle": "upper_trapezius",
    "side": "left",
    "needle_diameter_mm": "0.25",
    "needle_length_mm": "40",
    "depth_mm": "20",
    "technique": "pistoning",
    "insertions": "3",
    "minutes_in_place": "10",
    "twitch_response": "on",
}


# --- The treatment record -----------------------------------------------------------------------


def test_a_therapist_charts_a_session_from_the_gate_to_an_addendum(client, visit):
    p = visit.schedule.practice
    Screening.objects.update(entered_at=timezone.now() - dt.timedelta(days=3))
    as_(client, p.therapist.user)
    appointment = client.get(f"/staff/appointments/{visit.appointment.pk}/")
    assert "Open treatment record" in text(appointment)

    gate = f"/staff/appointments/{visit.appointment.pk}/session/"
    page = client.get(gate)
    assert page.status_code == 200
    assert page.context["form"]["regions"].initial == ["neck"]
    assert "The patient confirms nothing has changed since the screening on" in text(page)
    unconfirmed = client.post(gate, {"regions": ["neck"]})
    assert unconfirmed.status_code == 400
    assert "anything has changed" in text(unconfirmed)
    opened = client.post(gate, {"regions": ["neck"], "no_changes_confirmed": "on"})
    session = TreatmentSession.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/staff/sessions/{session.pk}/"
    page = client.get(opened["Location"])
    assert "Diabetes" in text(page)  # the screening's precaution, up front

    url = f"/staff/sessions/{session.pk}/"
    assert client.post(url + "details/", DETAILS).status_code == 302
    added = client.post(url + "needling/", ROW)
    assert added.status_code == 302
    bad_row = client.post(url + "needling/", {**ROW, "depth_mm": "60"})
    assert bad_row.status_code == 400
    assert "The depth cannot exceed the needle's length." in text(bad_row)
    page = client.get(url)
    assert "Upper trapezius" in text(page) and "CPT 20560" in text(page)

    refused = client.post(url + "sign/")
    assert refused.status_code == 400
    assert "Needles in (4) and needles out (3) must match" in text(refused)
    session.refresh_from_db()
    assert not session.is_signed
    assert client.post(url + "details/", {**DETAILS, "needles_out": "4"}).status_code == 302
    assert client.post(url + "sign/").status_code == 302
    session.refresh_from_db()
    assert session.is_signed and session.needles_out == 4

    locked = client.post(url + "details/", {**DETAILS, "needles_out": "4", "plan": "Changed"})
    assert locked.status_code == 400
    assert "add an addendum" in text(locked)
    assert client.post(url + "addenda/", {"text": ""}).status_code == 400
    assert client.post(url + "addenda/", {"text": "Also advised ice."}).status_code == 302
    assert Addendum.objects.get().text == "Also advised ice."
    assert "Also advised ice." in text(client.get(url))


def test_an_admin_reads_the_record_but_does_not_chart_it(client, visit):
    session = open_session(visit)
    as_(client, visit.schedule.practice.admin)
    page = client.get(f"/staff/sessions/{session.pk}/")
    assert page.status_code == 200
    assert page.context["can_chart"] is False
    assert "Add the muscle" not in text(page)
    refused = client.post(f"/staff/sessions/{session.pk}/needling/", ROW)
    assert refused.status_code == 400
    assert "Only the treating therapist" in text(refused)


def test_a_gate_refusal_says_why_and_what_to_do_next(client, visit):
    p = visit.schedule.practice
    # A new screening rules out the neck (a skin lesion there).
    visit.schedule.screen(None, {"code": "skin_lesion", "regions": ["neck"]}, regions=("neck",))
    as_(client, p.therapist.user)
    gate = f"/staff/appointments/{visit.appointment.pk}/session/"
    response = client.post(gate, {"regions": ["neck"]})
    assert response.status_code == 409
    assert "The safety screening rules out dry needling of the neck." in text(response)
    assert f"/staff/patients/{p.patient.pk}/screening/" in response.content.decode()
    # An area the screening does not clear is not offered at all.
    other = client.post(gate, {"regions": ["chest"]})
    assert other.status_code == 400
    assert "does not clear that area" in text(other)
    assert not TreatmentSession.objects.exists()


def test_no_consent_is_refused_with_a_link_to_the_consent_form(client, visit):
    p = visit.schedule.practice
    Consent.objects.all().delete()
    as_(client, p.therapist.user)
    response = client.post(
        f"/staff/appointments/{visit.appointment.pk}/session/", {"regions": ["neck"]}
    )
    assert response.status_code == 409
    assert "has not signed the consent" in text(response)
    assert f"/staff/patients/{p.patient.pk}/consent/" in response.content.decode()


def test_a_serious_adverse_event_alerts_the_admins(client, visit):
    p = visit.schedule.practice
    session = signed_session(visit)
    as_(client, p.therapist.user)
    url = f"/staff/sessions/{session.pk}/adverse-events/"
    assert client.post(url, {"category": "bruising"}).status_code == 400
    response = client.post(
        url,
        {
            "category": "pneumothorax",
            "severity": "serious",
            "onset": "under_24h",
            "reported_by": "The patient",
            "action_taken": "Sent to the emergency department",
        },
    )
    assert response.status_code == 302
    assert AdverseEvent.objects.get().severity == "serious"
    assert Notification.objects.filter(user=p.admin).count() == 1
    page = client.get(f"/staff/sessions/{session.pk}/")
    assert "Pneumothorax" in text(page)


# --- The adverse event report -------------------------------------------------------------------


def test_the_adverse_event_report_counts_signed_sessions_only(
    client, visit, django_assert_num_queries
):
    p = visit.schedule.practice
    by = visit.therapist_user
    first = signed_session(visit)
    second = signed_session(
        visit, another_visit(visit, 11), regions=("low_back",), muscle="quadratus_lumborum"
    )
    third = session_open(
        appointment=another_visit(visit, 13), regions=["neck"], by=by, no_changes_confirmed=True
    )
    event = {"onset": "during", "reported_by": "The therapist"}
    adverse_event_record(session=first, by=by, category="bruising", severity="mild", **event)
    adverse_event_record(session=first, by=by, category="bleeding", severity="mild", **event)
    adverse_event_record(
        session=second, by=by, category="vasovagal", severity="significant", **event
    )
    # An event after a session still open is not in the report (only signed sessions are).
    adverse_event_record(session=third, by=by, category="bruising", severity="mild", **event)

    with django_assert_num_queries(2):
        sessions, events = adverse_event_facts(p.stoughton)
    assert len(sessions) == 2 and len(events) == 3

    as_(client, p.admin)
    page = client.get("/staff/clinics/stoughton/adverse-events/")
    assert page.status_code == 200
    rows = {row.label: row for row in page.context["categories"]}
    # 2 signed sessions: bruising 1 -> 50 per 100; bleeding 1 -> 50; mild events in 1 session
    # -> 50; one significant event -> 50; vasovagal (not in the studies) 1 -> 50.
    assert rows["Bruising"].rate.per_100 == 50.0
    assert rows["Bleeding"].rate.per_100 == 50.0
    assert rows["Any mild event"].rate.per_100 == 50.0
    assert rows["Significant or serious"].rate.per_100 == 50.0
    assert rows["Headache"].rate.per_100 == 0.0
    assert rows["Bruising"].brady == 7.55 and rows["Bleeding"].boyce == 16.0
    assert rows["Vasovagal (faint, dizziness, sweating, nausea)"].rate.events == 1
    # Dana: 3 events over 2 sessions; neck: 2 events in 1 session; low back: 1 in 1.
    assert dict(page.context["therapists"])["Dana Reyes"].per_100 == 150.0
    regions = dict(page.context["regions"])
    assert regions["Neck"].per_100 == 200.0
    assert regions["Low back"].per_100 == 100.0
    assert "7.55" in text(page) and "150.00" in text(page)
