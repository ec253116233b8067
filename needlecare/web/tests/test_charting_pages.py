"""Charting pages: consent, the treatment record, adverse events, outcome measures and letters.

Who may open what (the patient, another patient, the front desk, clinicians, the other clinic),
then each flow through the test client as a person would use it.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from needlecare.charting.consent import consent_document_publish
from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    Consent,
    ConsentDocument,
    Notification,
    TreatmentSession,
)
from needlecare.charting.selectors import adverse_event_facts
from needlecare.charting.services import (
    adverse_event_record,
    needling_add,
    session_open,
    session_sign,
    session_update,
)
from needlecare.common.testing.charting import NEEDLE
from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.reports.models import Letter
from needlecare.scheduling.services import appointment_book, appointment_transition
from needlecare.screening.models import Screening

pytestmark = pytest.mark.django_db

CONSENT = "/me/consent/"
MEASURES = "/me/measures/"
LETTERS = "/me/letters/"
BODY = "## What dry needling is\n\nA fine, solid, sterile needle.\n\n## Risks\n\nBruising."


def as_(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's words without tags, spaces collapsed, for reading like a person."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(words.replace("&#x27;", "'").replace("&quot;", '"').split())


def open_session(visit, regions=("neck",)):
    return session_open(
        appointment=visit.appointment,
        regions=list(regions),
        by=visit.therapist_user,
        no_changes_confirmed=True,
    )


def signed_session(visit, appointment=None, regions=("neck",), muscle="upper_trapezius"):
    by = visit.therapist_user
    session = session_open(
        appointment=appointment or visit.appointment,
        regions=list(regions),
        by=by,
        no_changes_confirmed=True,
    )
    needling_add(session=session, by=by, muscle=muscle, side="left", **NEEDLE)
    session_update(
        session=session,
        by=by,
        position="prone",
        pain_before=6,
        pain_after=3,
        needles_in=2,
        needles_out=2,
        plan="Review in a week",
    )
    return session_sign(session=session, by=by)


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


# --- Who may open what --------------------------------------------------------------------------


def test_a_patient_sees_only_their_own_consents_measures_and_letters(client, visit):
    p = visit.schedule.practice
    other = consent_document_publish(clinic=p.foxboro, title="Consent", body=BODY, by=None)
    theirs = Consent.objects.create(
        patient=p.other_patient,
        document=other,
        signed_name=p.other_patient.full_name,
        agreed=True,
        recorded_by=p.other_patient.user,
        signed_online=True,
    )
    letter = Letter.objects.create(
        patient=p.other_patient,
        kind="progress",
        pdf="letters/x.pdf",
        recipient="Dr",
        created_by=p.admin,
    )
    as_(client, p.patient.user)
    assert client.get(CONSENT).status_code == 200
    assert client.get(f"/me/consent/{visit.consent.pk}.pdf").status_code == 200
    assert client.get(f"/me/consent/{theirs.pk}.pdf").status_code == 404
    assert client.get(f"/me/consent/{theirs.pk + 100}.pdf").status_code == 404
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 404
    assert client.get(MEASURES).status_code == 200
    assert client.get(LETTERS).status_code == 200
    # Staff pages are not for patients, their own record included.
    for path in (
        f"/staff/patients/{p.patient.pk}/consent/",
        f"/staff/patients/{p.patient.pk}/measures/",
        f"/staff/appointments/{visit.appointment.pk}/session/",
    ):
        assert client.get(path).status_code == 403, path


def test_staff_pages_by_role_and_clinic(client, visit):
    p = visit.schedule.practice
    session = signed_session(visit)
    patient = p.patient.pk
    pages = {
        f"/staff/patients/{patient}/consent/": {"front_desk": 200, "therapist": 200, "admin": 200},
        f"/staff/consents/{visit.consent.pk}.pdf": {
            "front_desk": 200,
            "therapist": 200,
            "admin": 200,
        },
        "/staff/clinics/stoughton/consent/": {"front_desk": 403, "therapist": 403, "admin": 200},
        f"/staff/appointments/{visit.appointment.pk}/session/": {
            "front_desk": 403,
            "therapist": 302,  # the record is open: on to it
            "admin": 302,
        },
        f"/staff/sessions/{session.pk}/": {"front_desk": 403, "therapist": 200, "admin": 200},
        "/staff/clinics/stoughton/adverse-events/": {
            "front_desk": 403,
            "therapist": 403,
            "admin": 200,
        },
        f"/staff/patients/{patient}/measures/": {"front_desk": 403, "therapist": 200, "admin": 200},
        f"/staff/patients/{patient}/measures/ndi/": {
            "front_desk": 403,
            "therapist": 200,
            "admin": 403,
        },
        f"/staff/patients/{patient}/letters/": {"front_desk": 403, "therapist": 200, "admin": 200},
    }
    people = {"front_desk": p.front_desk, "therapist": p.therapist.user, "admin": p.admin}
    for path, expected in pages.items():
        for role, status in expected.items():
            as_(client, people[role])
            assert client.get(path).status_code == status, (path, role)
        # The other clinic's staff find nothing there.
        as_(client, p.outsider_admin)
        assert client.get(path).status_code in (403, 404), path
        if "stoughton" not in path and expected["admin"] != 403:
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "suffix", ["", "details/", "needling/", "sign/", "addenda/", "adverse-events/"]
)
def test_the_front_desk_never_reaches_a_treatment_record(client, visit, suffix):
    session = open_session(visit)
    as_(client, visit.schedule.practice.front_desk)
    assert client.get(f"/staff/sessions/{session.pk}/{suffix}").status_code == 403
    assert client.post(f"/staff/sessions/{session.pk}/{suffix}", {}).status_code == 403
    assert client.post(f"/staff/appointments/{visit.appointment.pk}/session/").status_code == 403


def test_other_clinic_clinicians_find_no_session(client, visit):
    session = open_session(visit)
    as_(client, visit.schedule.practice.outsider_admin)
    assert client.get(f"/staff/sessions/{session.pk}/").status_code == 404
    assert client.post(f"/staff/sessions/{session.pk}/addenda/", {"text": "x"}).status_code == 404
    assert client.get("/staff/sessions/99999/").status_code == 404


# --- Consent ------------------------------------------------------------------------------------


def test_a_patient_signs_online_and_the_therapist_countersigns(client, practice):
    p = practice
    document = consent_document_publish(
        clinic=p.stoughton, title="Consent to dry needling", body=BODY, by=p.admin
    )
    as_(client, p.patient.user)
    page = client.get(CONSENT)
    assert page.status_code == 200
    assert "<h3>What dry needling is</h3>" in page.content.decode()
    assert "has not signed the consent" in text(page)

    form = {"document": document.pk, "signed_name": "Somebody Else", "agreed": "on"}
    wrong = client.post(CONSENT, form)
    assert wrong.status_code == 400
    assert f"Type your full name exactly as registered ({p.patient.full_name})" in text(wrong)
    unticked = client.post(CONSENT, {**form, "signed_name": p.patient.full_name, "agreed": ""})
    assert unticked.status_code == 400
    assert "Tick the box to say you agree" in text(unticked)
    assert not Consent.objects.exists()

    signed = client.post(
        CONSENT, {**form, "signed_name": f"  {p.patient.full_name.upper()} ", "covers_thorax": "on"}
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_online and consent.covers_thorax and consent.witnessed_by is None
    page = client.get(CONSENT)
    assert "The therapist has not countersigned the consent yet." in text(page)
    pdf = client.get(f"/me/consent/{consent.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")

    # The front desk cannot countersign; the therapist can, once.
    as_(client, p.front_desk)
    assert client.post(f"/staff/consents/{consent.pk}/countersign/").status_code == 403
    as_(client, p.therapist.user)
    staff_page = client.get(f"/staff/patients/{p.patient.pk}/consent/")
    assert "Countersign" in text(staff_page)
    done = client.post(f"/staff/consents/{consent.pk}/countersign/")
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.countersigned_by == p.therapist
    again = client.post(f"/staff/consents/{consent.pk}/countersign/")
    assert again.status_code == 400
    assert "already countersigned" in text(again)
    as_(client, p.patient.user)
    assert "Consent in force" in text(client.get(CONSENT))


def test_staff_record_a_signature_at_the_clinic_as_its_witness(client, practice):
    p = practice
    document = consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY, by=None)
    as_(client, p.front_desk)
    url = f"/staff/patients/{p.patient.pk}/consent/"
    response = client.post(
        url,
        {
            "document": document.pk,
            "signed_name": "Pat Guardian",
            "guardian_name": "Pat Guardian",
            "interpreter_name": "Ana Silva",
            "agreed": "on",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert not consent.signed_online
    assert consent.witnessed_by == p.front_desk
    assert consent.guardian_name == "Pat Guardian"
    assert "witnessed by" in text(client.get(url))


def test_a_replaced_document_is_not_signed(client, practice):
    p = practice
    first = consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY, by=None)
    consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY + " More.", by=None)
    as_(client, p.patient.user)
    response = client.post(
        CONSENT, {"document": first.pk, "signed_name": p.patient.full_name, "agreed": "on"}
    )
    assert response.status_code == 400
    assert "has been replaced" in text(response)
    assert not Consent.objects.exists()


def test_no_published_document_says_so(client, practice):
    as_(client, practice.patient.user)
    response = client.get(CONSENT)
    assert "has not published its consent form yet" in text(response)


def test_a_clinic_admin_publishes_a_new_version(client, visit):
    p = visit.schedule.practice
    url = "/staff/clinics/stoughton/consent/"
    as_(client, p.admin)
    page = client.get(url)
    assert page.context["form"].initial["body"] == visit.document.body
    as_a_browser_sends_it = visit.document.body.replace("\n", "\r\n")
    same = client.post(
        url, {"title": visit.document.title, "body": as_a_browser_sends_it, "valid_days": 365}
    )
    assert same.status_code == 400
    assert "already in force" in text(same)
    response = client.post(url, {"title": "Consent v2", "body": BODY, "valid_days": 180})
    assert response.status_code == 302
    assert ConsentDocument.objects.filter(clinic=p.stoughton).first().version == 2
    # Every patient signs afresh: the old consent no longer holds.
    as_(client, p.patient.user)
    assert "must read and sign it again" in text(client.get(CONSENT))


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


# --- Outcome measures ---------------------------------------------------------------------------

NDI_ANSWERS = {
    "pain_intensity": 3,
    "personal_care": 1,
    "lifting": 2,
    "reading": 2,
    "headaches": 3,
    "concentration": 1,
    "work": 2,
    "driving": 2,
    "sleeping": 3,
    "recreation": 3,
}


def test_a_therapist_sets_the_plan_and_the_patient_completes_the_ndi(client, visit):
    p = visit.schedule.practice
    as_(client, p.therapist.user)
    staff_url = f"/staff/patients/{p.patient.pk}/measures/"
    page = client.get(staff_url)
    assert set(page.context["form"].initial["measures"]) == {"nprs", "ndi", "odi"}
    saved = client.post(staff_url, {"regions": ["neck"], "every_visits": "4"})
    assert saved.status_code == 302
    plan = PlanOfCare.objects.get()
    assert plan.measures == ["nprs", "ndi"]  # the defaults for the neck

    as_(client, p.patient.user)
    page = client.get(MEASURES)
    assert "Neck Disability Index" in text(page)
    assert client.get("/me/measures/odi/").status_code == 404  # not in the plan
    form = client.get("/me/measures/ndi/")
    assert form.status_code == 200
    assert form.content.decode().count('type="radio"') == 60
    bad = client.post("/me/measures/ndi/", {**NDI_ANSWERS, "lifting": "9"})
    assert bad.status_code == 400
    assert "Choose one of the answers offered." in text(bad)
    too_few = client.post("/me/measures/ndi/", {"pain_intensity": "3", "lifting": "2"})
    assert too_few.status_code == 400
    assert "at least 9 are needed" in text(too_few)
    assert not MeasureResponse.objects.exists()
    done = client.post("/me/measures/ndi/", NDI_ANSWERS)
    assert done.status_code == 302
    response = MeasureResponse.objects.get()
    assert response.instrument == "ndi" and response.online
    assert response.value == 44.0  # 22 of 50

    # A second score: the chart and the statement show on both pages.
    measure_record(
        patient=p.patient,
        instrument="ndi",
        answers={**NDI_ANSWERS, "pain_intensity": 0, "headaches": 0},
        by=p.therapist.user,
    )
    mine = client.get(MEASURES)
    assert 'src="data:image/svg+xml;base64,' in mine.content.decode()
    assert "Neck Disability Index improved from 44% to 32%" in text(mine)
    as_(client, p.therapist.user)
    assert "improved from 44% to 32%" in text(client.get(staff_url))


def test_a_therapist_enters_a_psfs_at_the_clinic(client, visit):
    p = visit.schedule.practice
    as_(client, p.therapist.user)
    url = f"/staff/patients/{p.patient.pk}/measures/psfs/"
    two = client.post(
        url, {"label_activity_1": "Stairs", "activity_1": "4", "label_activity_2": "Driving"}
    )
    assert two.status_code == 400
    assert "Rate this activity from 0 to 10." in text(two)
    unnamed = client.post(url, {"activity_1": "4"})
    assert "Name the activity you rated." in text(unnamed)
    ok = client.post(
        url,
        {
            "label_activity_1": "Stairs",
            "activity_1": "4",
            "label_activity_2": "Driving",
            "activity_2": "6",
            "label_activity_3": "Lifting my child",
            "activity_3": "2",
        },
    )
    assert ok.status_code == 302
    response = MeasureResponse.objects.get()
    assert response.value == 4.0 and not response.online
    assert response.labels == {
        "activity_1": "Stairs",
        "activity_2": "Driving",
        "activity_3": "Lifting my child",
    }


def test_only_a_therapist_sets_the_plan(client, visit):
    p = visit.schedule.practice
    as_(client, p.admin)
    response = client.post(
        f"/staff/patients/{p.patient.pk}/measures/", {"measures": ["nprs"], "every_visits": "4"}
    )
    assert response.status_code == 403
    assert "Only a therapist sets the plan of care." in text(response)
    assert not PlanOfCare.objects.exists()


# --- Letters ------------------------------------------------------------------------------------


def test_letters_are_written_by_clinicians_and_read_by_their_patient(client, visit):
    p = visit.schedule.practice
    url = f"/staff/patients/{p.patient.pk}/letters/"
    as_(client, p.therapist.user)
    none_yet = client.post(url, {"kind": "progress"})
    assert none_yet.status_code == 400
    assert "has no signed dry needling sessions" in text(none_yet)
    signed_session(visit)
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    assert client.post(url, {"kind": "progress"}).status_code == 302
    letter = Letter.objects.get()
    assert letter.kind == "progress"
    page = client.get(url)
    assert f"/staff/letters/{letter.pk}.pdf" in page.content.decode()
    pdf = client.get(f"/staff/letters/{letter.pk}.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # The screening needs no physician's recommendation: the request is refused, plainly.
    refused = client.post(url, {"kind": "clearance_request"})
    assert refused.status_code == 400
    assert "needs no physician's recommendation" in text(refused)

    as_(client, p.patient.user)
    assert "Progress letter" in text(client.get(LETTERS))
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 200
    as_(client, p.other_patient.user)
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 404
    assert "No letters yet." in text(client.get(LETTERS))


# --- The demo -----------------------------------------------------------------------------------


def test_the_demo_publishes_one_consent_form_per_clinic_once():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    documents = ConsentDocument.objects.order_by("clinic__name")
    assert [(d.clinic.name, d.version) for d in documents] == [("Foxboro", 1), ("Stoughton", 1)]
    body = documents[0].body
    for words in ("Nothing is injected", "not acupuncture", "pneumothorax", "shortness of breath"):
        assert words in body, words
