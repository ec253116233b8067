"""The screening pages: the questionnaire, results, clearances, the worklist and policy."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from needlecare.screening import services
from needlecare.screening.models import PhysicianClearance, PublishedPolicy, Screening
from needlecare.screening.policy import CONDITIONS, parse_intake
from needlecare.web.tests.charting_helpers import text

pytestmark = pytest.mark.django_db


def answered(*yes: str, **more: object) -> dict[str, object]:
    """The questionnaire with every health question answered: yes to these, no to the rest."""
    return {**{f"has_{c.code}": "yes" if c.code in yes else "no" for c in CONDITIONS}, **more}


ANSWERS = answered(
    "rash",
    "blood_thinners",
    regions=["neck", "low_back"],
    indications=["neck_pain"],
    where_rash=["neck"],
    confirm="on",
)


def screen(practice, patient=None, *codes):
    body = {"planned_regions": ["neck"], "conditions": [{"code": c} for c in codes]}
    return services.screening_record(
        patient=patient or practice.patient, intake=parse_intake(body), by=practice.front_desk
    )


def test_the_questionnaire_asks_every_condition_in_plain_words(client, practice):
    client.force_login(practice.patient.user)
    html = client.get("/screening/").content.decode()
    for info in CONDITIONS:
        assert info.question.replace("'", "&#x27;") in html, info.code
        assert f'name="has_{info.code}"' in html
        assert (f'name="where_{info.code}"' in html) == info.where_present


def test_a_patient_screens_themself_and_sees_what_to_do_next(client, practice):
    client.force_login(practice.patient.user)
    response = client.post("/screening/", ANSWERS)
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/screening/{screening.pk}/"
    assert screening.patient == practice.patient
    assert screening.entered_by == practice.patient.user
    assert screening.indications == ["neck_pain"]
    assert screening.result["regions"] == {
        "neck": "contraindicated",
        "low_back": "proceed_with_precautions",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Neck: Dry needling cannot be offered here" in page
    assert "Low back: Dry needling can be offered here, with extra care" in page
    assert "until the rash has cleared" in page
    assert practice.stoughton.phone in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"regions": []}, "regions", "at least one area"),
        ({"confirm": ""}, "confirm", "confirm your answers"),
        ({"has_rash": "no"}, "has_rash", "answer yes, or clear those areas"),
        ({"has_pregnancy": ""}, "has_pregnancy", "Answer yes or no"),
        ({"regions": ["elbow"]}, "regions", "valid choice"),
    ],
)
def test_incomplete_answers_are_explained_and_nothing_is_stored(
    client, practice, changes, field, message
):
    client.force_login(practice.patient.user)
    response = client.post("/screening/", {**ANSWERS, **changes})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Screening.objects.exists()


def test_a_where_present_condition_without_a_place_is_taken_as_everywhere(client, practice):
    client.force_login(practice.patient.user)
    client.post("/screening/", {**ANSWERS, "where_rash": []})
    screening = Screening.objects.get()
    assert screening.result["regions"]["low_back"] == "contraindicated"
    assert "not sure where" in screening.result["reasons"][0]["message"].lower() or (
        "location" in screening.result["reasons"][0]["message"].lower()
    )


def test_a_patient_never_sees_another_patients_result(client, practice):
    theirs = screen(practice, practice.other_patient, "pregnancy")
    client.force_login(practice.patient.user)
    response = client.get(f"/screening/{theirs.pk}/")
    assert response.status_code == 404
    assert practice.other_patient.last_name not in response.content.decode()
    assert client.post(f"/screening/{theirs.pk}/confirm/").status_code == 404


def test_staff_cannot_open_a_patients_result_page_meant_for_patients(client, practice):
    mine = screen(practice)
    client.force_login(practice.front_desk)
    assert client.get(f"/screening/{mine.pk}/").status_code == 403
    assert client.get(f"/staff/screenings/{mine.pk}/").status_code == 200


def test_a_patient_confirms_nothing_has_changed(client, practice):
    mine = screen(practice)
    client.force_login(practice.patient.user)
    assert client.post(f"/screening/{mine.pk}/confirm/").status_code == 302
    assert mine.confirmations.count() == 1


def test_front_desk_screens_a_patient_on_the_phone(client, practice):
    client.force_login(practice.front_desk)
    url = f"/staff/patients/{practice.patient.pk}/screening/"
    response = client.post(url, ANSWERS)
    screening = Screening.objects.get()
    assert response["Location"] == f"/staff/screenings/{screening.pk}/"
    assert screening.entered_by == practice.front_desk
    page = client.get(response["Location"]).content.decode()
    assert "Replayed under that version, it gives the same decision" in page


def test_staff_read_the_decision_in_clinicians_words_not_codes(client, practice):
    screening = screen(practice, None, "cancer")
    client.force_login(practice.front_desk)
    page = text(client.get(f"/staff/screenings/{screening.pk}/"))
    day = screening.entered_at.date()
    assert "Decision: Physician clearance required" in page
    assert f"Physician clearance required: cancer (reported {day:%B} {day.day}, {day.year})" in page
    assert "Policy default, version" in page
    assert "physician_clearance_required" not in page and "Ask your physician" not in page
    assert "Record a physician's clearance" in page


def test_reasons_for_the_whole_patient_are_stated_once(client, practice):
    client.force_login(practice.patient.user)
    client.post("/screening/", ANSWERS)  # blood thinners reach both the neck and the low back
    page = client.get(f"/screening/{Screening.objects.get().pk}/").content.decode()
    assert page.count("You reported taking blood thinners.") == 1
    assert "What you told us that applies to every area" in page


def test_a_patient_blocked_everywhere_is_not_offered_booking(client, practice):
    blocked = screen(practice, None, "pregnancy")
    client.force_login(practice.patient.user)
    page = client.get(f"/screening/{blocked.pk}/").content.decode()
    assert "Book a visit" not in page
    assert practice.stoughton.phone in page and "Read about dry needling" in page


def test_a_patient_who_needs_a_clearance_downloads_the_letter_for_their_physician(client, practice):
    waiting = screen(practice, None, "cancer")
    client.force_login(practice.patient.user)
    page = client.get(f"/screening/{waiting.pk}/").content.decode()
    assert "Get the letter for your physician" in page
    letter = client.post(f"/screening/{waiting.pk}/letter-for-my-physician/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    stored = practice.patient.letters.get()
    assert stored.kind == "clearance_request" and stored.created_by == practice.patient.user
    theirs = screen(practice, practice.other_patient, "cancer")
    assert client.post(f"/screening/{theirs.pk}/letter-for-my-physician/").status_code == 404


def test_confirming_nothing_has_changed_speaks_of_a_visit_only_on_a_visit_day(client, practice):
    mine = screen(practice)
    client.force_login(practice.patient.user)
    done = client.post(f"/screening/{mine.pk}/confirm/", follow=True).content.decode()
    assert "we have noted that nothing has changed" in done
    assert "today&#x27;s visit" not in done


def test_staff_cannot_screen_or_read_another_clinics_patient(client, practice):
    theirs = screen(practice, practice.other_patient)
    client.force_login(practice.front_desk)
    assert client.get(f"/staff/patients/{practice.other_patient.pk}/screening/").status_code == 404
    assert client.get(f"/staff/screenings/{theirs.pk}/").status_code == 404


def test_staff_record_a_clearance_with_a_letter_and_the_screening_is_redecided(client, practice):
    before = screen(practice, None, "cancer")
    client.force_login(practice.therapist.user)
    response = client.post(
        f"/staff/patients/{practice.patient.pk}/clearances/new/",
        {
            "condition": "cancer",
            "physician_name": "Dr. Laura Chen",
            "cleared_on": dt.date.today().isoformat(),
            "note": "Cleared for dry needling",
            "letter": SimpleUploadedFile("chen.pdf", b"%PDF-1.7\nletter\n%%EOF"),
        },
    )
    after = Screening.objects.exclude(pk=before.pk).get()
    assert response["Location"] == f"/staff/screenings/{after.pk}/"
    assert after.overall == "proceed_with_precautions"
    clearance = PhysicianClearance.objects.get()
    letter = client.get(f"/staff/clearances/{clearance.pk}/letter/")
    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF")


def test_a_bad_letter_is_refused_next_to_the_field(client, practice):
    client.force_login(practice.front_desk)
    response = client.post(
        f"/staff/patients/{practice.patient.pk}/clearances/new/",
        {
            "condition": "cancer",
            "physician_name": "Dr. Laura Chen",
            "cleared_on": dt.date.today().isoformat(),
            "letter": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00"),
        },
    )
    assert response.status_code == 400
    assert "PDF, PNG or JPEG" in " ".join(response.context["form"].errors["letter"])
    assert not PhysicianClearance.objects.exists()


def test_clearances_and_letters_are_for_staff_of_the_patients_clinic(client, practice):
    clearance, _ = services.clearance_record(
        patient=practice.patient,
        condition="cancer",
        physician_name="Dr. X",
        cleared_on=dt.date.today(),
        by=practice.front_desk,
        letter=SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000"),
    )
    client.force_login(practice.outsider)
    assert client.get(f"/staff/clearances/{clearance.pk}/letter/").status_code == 404
    assert client.get(f"/staff/patients/{practice.patient.pk}/clearances/new/").status_code == 404
    client.force_login(practice.patient.user)
    assert client.get(f"/staff/clearances/{clearance.pk}/letter/").status_code == 403


def test_the_worklist_lists_this_clinics_patients_needing_attention(client, practice):
    screen(practice, None, "cancer")
    screen(practice, practice.other_patient, "pregnancy")
    client.force_login(practice.front_desk)
    page = client.get("/staff/clinics/stoughton/screening/").content.decode()
    assert practice.patient.full_name in page
    assert practice.other_patient.full_name not in page
    assert client.get("/staff/clinics/foxboro/screening/").status_code == 404


def test_a_clinic_admin_publishes_a_policy_change(client, practice):
    client.force_login(practice.admin)
    response = client.post(
        "/staff/clinics/stoughton/policy/",
        {
            "condition": "implant",
            "effect": "precaution",
            "scope": "where_present",
            "effective_from": dt.date.today().isoformat(),
            "reason": "Implants are judged by the therapist at this clinic.",
        },
    )
    assert response.status_code == 302
    published = PublishedPolicy.objects.get()
    assert published.policy.content["rules"]["implant"]["effect"] == "precaution"
    assert screen(practice, None, "implant").overall == "proceed_with_precautions"
    page = client.get("/staff/clinics/stoughton/policy/").content.decode()
    assert published.policy.version in page


def test_the_policy_page_names_areas_and_effects_in_words_not_codes(client, practice):
    client.force_login(practice.admin)
    page = client.get("/staff/clinics/stoughton/policy/").content.decode()
    assert "In force today: default, version" in page
    spina_bifida = re.search(r"<tr><td>Spina bifida</td>.*?</tr>", page, re.S)
    assert spina_bifida and "Low back" in spina_bifida.group(0)
    assert "low_back" not in re.sub(r"<[^>]+>", " ", page)  # (form values may be codes)
    cancer = re.search(r"<tr><td>Cancer</td>.*?</tr>", page, re.S)
    assert cancer and "Becomes: suitable with extra care" in cancer.group(0)


def test_publishing_an_unchanged_rule_or_a_bad_one_is_explained(client, practice):
    client.force_login(practice.admin)
    base = {"condition": "implant", "effective_from": dt.date.today().isoformat(), "reason": "x"}
    same = client.post(
        "/staff/clinics/stoughton/policy/",
        {**base, "effect": "contraindicated", "scope": "where_present"},
    )
    assert same.status_code == 400 and "already in force" in same.content.decode()
    no_regions = client.post(
        "/staff/clinics/stoughton/policy/", {**base, "effect": "precaution", "scope": "regions"}
    )
    assert no_regions.status_code == 400 and "at least one region" in no_regions.content.decode()
    assert not PublishedPolicy.objects.exists()


def test_only_clinic_admins_of_the_clinic_manage_its_policy(client, practice):
    client.force_login(practice.front_desk)
    assert client.get("/staff/clinics/stoughton/policy/").status_code == 403
    client.force_login(practice.admin)
    assert client.get("/staff/clinics/foxboro/policy/").status_code == 404


@pytest.mark.parametrize(("ticked", "stored"), [("on", True), ("", False)])
def test_an_implant_is_asked_whether_it_is_electronic(client, practice, ticked, stored):
    client.force_login(practice.patient.user)
    answers = {
        **ANSWERS,
        "has_implant": "yes",
        "where_implant": ["knee_left"],
        "implant_electronic": ticked,
    }
    client.post("/screening/", answers)
    assert Screening.objects.get().details == {"electronic_implant": stored}


def test_a_question_left_unanswered_is_asked_again_never_taken_as_no(client, practice):
    client.force_login(practice.patient.user)
    unanswered = {k: v for k, v in ANSWERS.items() if k != "has_diabetes"}
    response = client.post("/screening/", unanswered)
    assert response.status_code == 400
    assert response.context["form"].errors["has_diabetes"] == ["Answer yes or no."]
    assert not Screening.objects.exists()


def test_nothing_is_answered_beforehand(client, practice):
    client.force_login(practice.patient.user)
    html = client.get("/screening/").content.decode()
    assert 'type="radio" name="has_pregnancy" value="no"' in html
    assert " checked" not in html


def test_without_an_implant_the_question_is_not_recorded(client, practice):
    client.force_login(practice.patient.user)
    client.post("/screening/", {**ANSWERS, "implant_electronic": "on"})
    assert Screening.objects.get().details == {}
