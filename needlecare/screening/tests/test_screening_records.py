"""Stored screenings: decisions, clearances, currency, published policies and replays."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.errors import Conflict, DomainError
from needlecare.screening import selectors, services
from needlecare.screening.models import (
    PhysicianClearance,
    PolicyContent,
    PublishedPolicy,
    Screening,
)
from needlecare.screening.policy import DEFAULT_POLICY, Rule, parse_intake

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def intake(*conditions, regions=("neck", "low_back"), clearances=()):
    return parse_intake(
        {
            "planned_regions": list(regions),
            "conditions": [c if isinstance(c, dict) else {"code": c} for c in conditions],
            "physician_clearances": list(clearances),
        }
    )


def record(practice, *conditions, by=None, **kw):
    return services.screening_record(
        patient=practice.patient, intake=intake(*conditions, **kw), by=by or practice.front_desk
    )


def clear(practice, condition, **kw):
    return services.clearance_record(
        patient=practice.patient,
        condition=condition,
        physician_name="Dr. Laura Chen",
        cleared_on=dt.date.today() - dt.timedelta(days=1),
        by=practice.front_desk,
        **kw,
    )


def test_a_screening_is_stored_with_its_decision_version_and_who_entered_it(practice):
    screening = record(practice, "blood_thinners", {"code": "rash", "regions": ["neck"]})
    assert screening.overall == "contraindicated"
    assert screening.result["regions"] == {
        "neck": "contraindicated",
        "low_back": "proceed_with_precautions",
    }
    assert screening.policy_version == DEFAULT_POLICY.version == screening.policy.version
    assert screening.entered_by == practice.front_desk
    assert screening.clinic == practice.stoughton
    [event] = audit_events_for_target("screening.screening", screening.pk)
    assert event.action == "screening.recorded"


def test_a_clearance_claimed_in_the_answers_counts_for_nothing(practice):
    screening = record(practice, "cancer", clearances=["cancer"])
    assert screening.overall == "physician_clearance_required"
    assert screening.intake["physician_clearances"] == []


def test_a_cancer_clearance_on_record_makes_cancer_a_precaution_and_redecides(practice):
    before = record(practice, "cancer")
    clearance, after = clear(practice, "cancer", note="In remission since 2024")
    assert after is not None and after.based_on == before
    assert after.overall == "proceed_with_precautions"
    assert after.intake["physician_clearances"] == ["cancer"]
    assert [r["effect"] for r in after.result["reasons"]] == ["precaution"]
    assert audit_events_for_target("screening.physicianclearance", clearance.pk).exists()
    assert audit_events_for_target("screening.screening", after.pk).get().action == (
        "screening.reevaluated"
    )
    # The next screening the patient answers is decided with the clearance too.
    assert record(practice, "cancer").overall == "proceed_with_precautions"


def test_clearing_a_condition_the_patient_did_not_report_changes_nothing(practice):
    before = record(practice, "blood_thinners")
    _, after = clear(practice, "cancer")
    assert after.result["regions"] == before.result["regions"]
    assert after.overall == before.overall == "proceed_with_precautions"


def test_under_the_default_policy_only_cancer_can_be_cleared(practice):
    before = record(practice, "pregnancy")
    _, after = clear(practice, "pregnancy")
    assert after.overall == before.overall == "contraindicated"


def test_a_clearance_without_a_current_screening_is_kept_for_the_next(practice):
    clearance, redecided = clear(practice, "cancer")
    assert redecided is None
    assert PhysicianClearance.objects.get() == clearance


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.pdf", PDF, None),
        ("scan.png", PNG, None),
        ("letter.txt", b"just some text", "PDF, PNG or JPEG"),
        ("letter.pdf", b"MZ\x90\x00 not a pdf", "PDF, PNG or JPEG"),
        ("letter.png", PDF, "does not match"),
        ("empty.pdf", b"", "empty"),
        ("huge.pdf", PDF + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_clearance_letters_are_type_checked_and_size_limited(practice, name, content, message):
    letter = SimpleUploadedFile(name, content)
    if message is None:
        clearance, _ = clear(practice, "cancer", letter=letter)
        assert clearance.letter.read() == content
        return
    with pytest.raises(DomainError, match=message):
        clear(practice, "cancer", letter=letter)
    assert not PhysicianClearance.objects.exists()


def test_a_clearance_needs_a_known_condition_a_physician_and_a_past_date(practice):
    with pytest.raises(DomainError, match="Unknown condition"):
        clear(practice, "flu")
    with pytest.raises(DomainError, match="Name the physician"):
        services.clearance_record(
            patient=practice.patient,
            condition="cancer",
            physician_name=" ",
            cleared_on=dt.date.today(),
            by=practice.front_desk,
        )
    with pytest.raises(DomainError, match="future"):
        services.clearance_record(
            patient=practice.patient,
            condition="cancer",
            physician_name="Dr. X",
            cleared_on=dt.date.today() + dt.timedelta(days=2),
            by=practice.front_desk,
        )
    assert not PhysicianClearance.objects.exists()


def test_a_screening_is_current_for_the_clinics_number_of_days(practice):
    screening = record(practice, "diabetes")
    now = timezone.now()
    assert selectors.screening_current(practice.patient, at=now) == screening
    assert (
        selectors.screening_current(practice.patient, at=now + dt.timedelta(days=29)) == screening
    )
    assert selectors.screening_current(practice.patient, at=now + dt.timedelta(days=31)) is None
    practice.stoughton.screening_valid_days = 7
    practice.stoughton.save()
    assert selectors.screening_current(practice.patient, at=now + dt.timedelta(days=8)) is None


def test_an_older_screening_never_stands_in_for_an_expired_latest_one(practice):
    old = record(practice)
    Screening.objects.filter(pk=old.pk).update(entered_at=timezone.now() - dt.timedelta(days=40))
    assert selectors.screening_current(practice.patient) is None


def test_confirming_at_a_visit_is_recorded_and_audited(practice):
    screening = record(practice)
    services.screening_confirm(screening=screening, by=practice.patient.user)
    assert screening.confirmations.count() == 1
    assert (
        audit_events_for_target("screening.screening", screening.pk)
        .filter(action="screening.confirmed")
        .exists()
    )


def _implant_as_precaution():
    return DEFAULT_POLICY.with_rule(
        "implant", Rule(effect="precaution", scope="where_present"), name="stoughton"
    )


def test_a_published_policy_decides_new_screenings_but_old_ones_replay_as_they_were(practice):
    old = record(practice, {"code": "implant", "regions": ["neck"]})
    assert old.result["regions"]["neck"] == "contraindicated"
    published = services.policy_publish(
        clinic=practice.stoughton,
        policy=_implant_as_precaution(),
        effective_from=dt.date.today(),
        reason="Our physicians asked for implants to be judged by the therapist.",
        by=practice.admin,
    )
    new = record(practice, {"code": "implant", "regions": ["neck"]})
    assert new.result["regions"]["neck"] == "proceed_with_precautions"
    assert new.policy_version == published.policy.version != old.policy_version
    assert services.screening_replay(old).to_dict() == old.result
    assert services.screening_replay(new).to_dict() == new.result
    # The other clinic still uses the default.
    assert selectors.policy_in_force(practice.foxboro, on=dt.date.today()) == DEFAULT_POLICY


def test_a_policy_published_for_a_later_date_waits_for_it(practice):
    services.policy_publish(
        clinic=practice.stoughton,
        policy=_implant_as_precaution(),
        effective_from=dt.date.today() + dt.timedelta(days=7),
        reason="From next week",
        by=practice.admin,
    )
    assert record(practice, "implant").overall == "contraindicated"


def test_publishing_needs_a_reason_a_date_not_in_the_past_and_a_free_day(practice):
    policy = _implant_as_precaution()
    kw = {"clinic": practice.stoughton, "policy": policy, "by": practice.admin}
    with pytest.raises(DomainError, match="reason"):
        services.policy_publish(**kw, effective_from=dt.date.today(), reason="  ")
    with pytest.raises(DomainError, match="past"):
        services.policy_publish(
            **kw, effective_from=dt.date.today() - dt.timedelta(days=1), reason="x"
        )
    services.policy_publish(**kw, effective_from=dt.date.today(), reason="first")
    with pytest.raises(Conflict, match="already published"):
        services.policy_publish(**kw, effective_from=dt.date.today(), reason="second")
    assert PublishedPolicy.objects.count() == 1


def test_published_policies_are_never_edited(practice):
    published = services.policy_publish(
        clinic=practice.stoughton,
        policy=_implant_as_precaution(),
        effective_from=dt.date.today(),
        reason="x",
        by=practice.admin,
    )
    published.reason = "rewritten"
    with pytest.raises(ValueError, match="never edited"):
        published.save()
    content = PolicyContent.objects.get(pk=published.policy_id)
    content.content = {}
    with pytest.raises(ValueError, match="never edited"):
        content.save()


def test_the_worklist_shows_this_clinics_patients_needing_a_clearance_or_ruled_out(practice):
    needs = record(practice, "cancer")
    other = services.screening_record(
        patient=practice.other_patient, intake=intake("pregnancy"), by=practice.outsider
    )
    assert selectors.clearance_worklist([practice.stoughton.pk]) == [needs]
    assert selectors.clearance_worklist([practice.foxboro.pk]) == [other]
    clear(practice, "cancer")
    assert selectors.clearance_worklist([practice.stoughton.pk]) == []


def test_unknown_indications_are_refused(practice):
    with pytest.raises(DomainError, match="indication"):
        services.screening_record(
            patient=practice.patient,
            intake=intake(),
            by=practice.front_desk,
            indications=["hiccups"],
        )
    assert not Screening.objects.exists()


def test_a_refused_clearance_leaves_no_letter_on_disk(practice, settings):
    from pathlib import Path

    from needlecare.patients.models import Patient

    # A patient who was never saved: the row cannot be written after the letter file is.
    ghost = Patient(first_name="No", last_name="Record", preferred_clinic=practice.stoughton)
    with pytest.raises(ValueError):
        services.clearance_record(
            patient=ghost,
            condition="cancer",
            physician_name="Dr. Laura Chen",
            cleared_on=dt.date.today() - dt.timedelta(days=1),
            by=practice.front_desk,
            letter=SimpleUploadedFile("letter.pdf", PDF),
        )
    assert not PhysicianClearance.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
