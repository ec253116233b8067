"""After a session: aftercare (with the pneumothorax warning after thoracic needling), the
next-day check-in through its link, draft adverse events a therapist reviews, and an alert at
once for a red flag. Links are read from the messages a real SMTP server received."""

import datetime as dt
import re

import pytest

from needlecare.charting.models import AdverseEvent, CheckIn, Notification
from needlecare.charting.selectors import adverse_event_report_for
from needlecare.common.testing.charting import sign
from needlecare.common.testing.smtp import text_of
from needlecare.outbox.models import LinkUse
from needlecare.outbox.services import messages_send_due
from needlecare.web.tests.charting_helpers import as_, signed_session, text

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+/links/check-in/\S+/")


def _next_day(session):
    messages_send_due(now=session.signed_at + dt.timedelta(days=2))


def _check_in_link(smtp, email) -> str:
    [message] = [m for m in smtp.to(email) if str(m["Subject"]).startswith("How are you")]
    return LINK.search(text_of(message)).group(0).split("://", 1)[1].split("/", 1)[1]


def test_signing_sends_aftercare_now_and_the_check_in_the_next_day(visit, smtp):
    session = signed_session(visit)
    messages_send_due()
    email = visit.patient.email
    [aftercare] = smtp.to(email)
    assert str(aftercare["Subject"]) == "After your visit at Stoughton today"
    body = text_of(aftercare)
    assert "usually passes within one to two days" in body and "781-436-0391" in body
    assert "911" not in body  # the neck is not the thorax
    _next_day(session)
    assert _check_in_link(smtp, email).startswith("links/check-in/")


def test_aftercare_after_thoracic_needling_warns_of_a_pneumothorax(visit, smtp):
    # A first thoracic session needs a renewed consent that covers it.
    sign(visit.schedule, visit.document, thorax=True)
    signed_session(visit, regions=("upper_back",), muscle="rhomboids")
    messages_send_due()
    [aftercare] = smtp.to(visit.patient.email)
    body = text_of(aftercare)
    assert "pneumothorax" in body and "call 911 or go to the nearest emergency department" in body
    assert "lung" not in str(aftercare["Subject"]).lower()


def test_a_check_in_with_effects_creates_drafts_that_count_only_once_confirmed(client, visit, smtp):
    session = signed_session(visit)
    _next_day(session)
    url = "/" + _check_in_link(smtp, visit.patient.email)
    assert client.get(url).status_code == 200
    done = client.post(url, {"soreness": "4", "bruising": "on"})
    assert done.status_code == 200 and "Thank you" in text(done)
    drafts = AdverseEvent.objects.filter(session=session, review=AdverseEvent.Review.DRAFT)
    assert sorted(d.category for d in drafts) == ["bruising", "soreness_after"]
    before = adverse_event_report_for(visit.practice.stoughton)
    assert "bruising" not in before.by_category and before.by_category["any_mild"].events == 0
    bruise = drafts.get(category="bruising")
    as_(client, visit.therapist_user)
    page = client.get(f"/staff/sessions/{session.pk}/")
    assert "To review" in text(page) and "soreness 4 of 10" in text(page)
    client.post(f"/staff/adverse-events/{bruise.pk}/review/", {"decision": "confirm"})
    report = adverse_event_report_for(visit.practice.stoughton)
    assert report.by_category["bruising"].events == 1
    assert "soreness_after" not in report.by_category


def test_a_red_flag_shows_emergency_instructions_and_alerts_the_clinic_at_once(client, visit, smtp):
    session = signed_session(visit)
    _next_day(session)
    url = "/" + _check_in_link(smtp, visit.patient.email)
    done = client.post(url, {"soreness": "2", "breathing": "on"})
    page = text(done)
    assert "Get help now" in page and "Call 911 or go to the nearest emergency department" in page
    therapist = visit.therapist_user
    assert Notification.objects.filter(user=therapist, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=visit.practice.admin).exists()
    messages_send_due()
    for person in (therapist, visit.practice.admin):
        [alert] = smtp.to(person.email)
        assert str(alert["Subject"]).startswith("Urgent: a patient's check-in needs a call")
    assert AdverseEvent.objects.get(session=session, category="pneumothorax").review == "draft"


def test_a_check_in_link_works_once_and_a_tampered_one_not_at_all(client, visit, smtp):
    session = signed_session(visit)
    _next_day(session)
    url = "/" + _check_in_link(smtp, visit.patient.email)
    client.post(url, {"soreness": "0"})
    again = client.post(url, {"soreness": "9", "breathing": "on"})
    assert again.status_code == 400 and "cannot be used" in text(again)
    assert CheckIn.objects.get(session=session).soreness == 0
    tampered = client.get(url[:-6] + "AAAAA/")
    assert tampered.status_code == 400 and "not valid" in text(tampered)
    assert LinkUse.objects.count() == 1


def test_a_check_in_answer_out_of_range_is_a_form_error(client, visit, smtp):
    session = signed_session(visit)
    _next_day(session)
    url = "/" + _check_in_link(smtp, visit.patient.email)
    refused = client.post(url, {"soreness": "11"})
    assert refused.status_code == 400
    assert not CheckIn.objects.exists() and not LinkUse.objects.exists()
