"""The treatment record: every gate, the needle count, signing, addenda and adverse events."""

import datetime as dt

import pytest
from django.utils import timezone

from needlecare.audit.selectors import audit_events_for_target
from needlecare.charting.models import Consent, Notification, TreatmentSession
from needlecare.charting.selectors import NotConsented
from needlecare.charting.services import (
    addendum_add,
    adverse_event_record,
    billing_code,
    consent_document_publish,
    needling_add,
    session_billing_code,
    session_open,
    session_sign,
    session_update,
)
from needlecare.charting.tests.conftest import NEEDLE, sign
from needlecare.clinics.models import Credential
from needlecare.common.errors import DomainError
from needlecare.scheduling.services import appointment_transition
from needlecare.screening.models import Screening
from needlecare.screening.services import NotCleared

pytestmark = pytest.mark.django_db


def open_session(visit, regions=("neck",), confirmed=True):
    return session_open(
        appointment=visit.appointment,
        regions=list(regions),
        by=visit.therapist_user,
        no_changes_confirmed=confirmed,
    )


def complete(session, visit, muscles=(("upper_trapezius", "left"),)):
    for muscle, side in muscles:
        needling_add(session=session, by=visit.therapist_user, muscle=muscle, side=side, **NEEDLE)
    return session_update(
        session=session,
        by=visit.therapist_user,
        position="prone",
        skin_preparation="Alcohol swab",
        pain_before=6,
        pain_after=3,
        needles_in=4,
        needles_out=4,
        haemostasis=True,
        advice="Heat and gentle movement",
        plan="Review in a week",
    )


def test_a_session_opens_for_a_checked_in_screened_consented_patient(visit):
    Screening.objects.update(entered_at=timezone.now() - dt.timedelta(days=3))
    session = open_session(visit)
    assert session.consent == visit.consent
    assert session.regions == ["neck"]
    assert not session.rescreened
    assert session.screening.confirmations.count() == 1  # "no changes since last visit"
    assert (
        audit_events_for_target("charting.treatmentsession", session.pk).get().action
        == "session.opened"
    )


def test_the_therapist_must_ask_about_changes_or_rescreen(visit):
    Screening.objects.update(entered_at=timezone.now() - dt.timedelta(days=3))
    with pytest.raises(DomainError, match="anything has changed"):
        open_session(visit, confirmed=False)
    visit.schedule.screen(None, regions=("neck",))
    assert open_session(visit, confirmed=False).rescreened


def test_no_consent_no_session(visit):
    Consent.objects.all().delete()
    with pytest.raises(NotConsented, match="has not signed"):
        open_session(visit)
    assert not TreatmentSession.objects.exists()


def test_an_outdated_consent_must_be_signed_again(visit):
    p = visit.schedule.practice
    consent_document_publish(clinic=p.stoughton, title="Consent v2", body="New text", by=p.admin)
    with pytest.raises(NotConsented, match="version 2"):
        open_session(visit)


def test_an_expired_consent_must_be_signed_again(visit):
    Consent.objects.update(signed_at=timezone.now() - dt.timedelta(days=366))
    with pytest.raises(NotConsented, match="expired"):
        open_session(visit)


def test_a_consent_not_yet_countersigned_does_not_hold(visit):
    Consent.objects.all().delete()
    sign(visit.schedule, visit.document, countersign=False)
    with pytest.raises(NotConsented, match="countersigned"):
        open_session(visit)


def test_a_first_thoracic_session_needs_a_renewed_consent(visit):
    with pytest.raises(NotConsented, match="pneumothorax"):
        open_session(visit, regions=("upper_back",))
    sign(visit.schedule, visit.document, thorax=True)
    assert open_session(visit, regions=("upper_back",)).regions == ["upper_back"]


def test_a_region_the_screening_does_not_clear_is_refused(visit):
    visit.schedule.screen(None, "spina_bifida", regions=("neck", "low_back"))
    with pytest.raises(NotCleared, match="low back"):
        open_session(visit, regions=("low_back",))
    session = open_session(visit, regions=("neck",))
    with pytest.raises(NotCleared):
        needling_add(
            session=session,
            by=visit.therapist_user,
            muscle="quadratus_lumborum",
            side="left",
            **NEEDLE,
        )
    assert not session.needling.exists()


def test_needling_a_new_cleared_region_passes_the_gates_and_is_added(visit):
    session = open_session(visit)
    needling_add(
        session=session, by=visit.therapist_user, muscle="infraspinatus", side="left", **NEEDLE
    )
    session.refresh_from_db()
    assert session.regions == ["neck", "shoulder_left"]
    with pytest.raises(NotCleared, match="did not cover"):
        needling_add(
            session=session, by=visit.therapist_user, muscle="infraspinatus", side="right", **NEEDLE
        )


def test_an_expired_certification_stops_the_session(visit):
    Credential.objects.filter(kind=Credential.Kind.DRY_NEEDLING).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="certification is not valid today"):
        open_session(visit)


def test_only_a_checked_in_dry_needling_appointment_opens_a_record(visit):
    appointment_transition(
        appointment=visit.appointment, action="complete", by=visit.therapist_user
    )
    with pytest.raises(DomainError, match="Check the patient in"):
        open_session(visit)


def test_only_the_treating_therapist_charts(visit):
    with pytest.raises(DomainError, match="treating therapist"):
        session_open(
            appointment=visit.appointment,
            regions=["neck"],
            by=visit.schedule.practice.front_desk,
            no_changes_confirmed=True,
        )


def test_needles_in_must_equal_needles_out_before_signing(visit):
    session = complete(open_session(visit), visit)
    session_update(session=session, by=visit.therapist_user, needles_out=3)
    with pytest.raises(DomainError, match=r"needles in \(4\) and needles out \(3\) must match"):
        session_sign(session=session, by=visit.therapist_user)
    session_update(session=session, by=visit.therapist_user, needles_out=4)
    assert session_sign(session=session, by=visit.therapist_user).is_signed


def test_estim_is_refused_with_a_possibly_electronic_implant(visit):
    visit.schedule.screen(None, {"code": "implant", "regions": ["knee_left"]}, regions=("neck",))
    session = open_session(visit)
    with pytest.raises(DomainError, match="Electrical stimulation is not used"):
        session_update(session=session, by=visit.therapist_user, estim_used=True)
    Screening.objects.filter(pk=session.screening_id).update(details={"electronic_implant": False})
    session.refresh_from_db()
    session = TreatmentSession.objects.get(pk=session.pk)
    assert session_update(
        session=session,
        by=visit.therapist_user,
        estim_used=True,
        estim_pairs=2,
        estim_frequency_hz=2,
    ).estim_used


def test_both_sides_of_the_thorax_are_not_needled_in_one_session(visit):
    sign(visit.schedule, visit.document, thorax=True)
    session = open_session(visit, regions=("upper_back",))
    needling_add(
        session=session, by=visit.therapist_user, muscle="rhomboids", side="left", **NEEDLE
    )
    with pytest.raises(DomainError, match="Both sides of the thorax"):
        needling_add(
            session=session, by=visit.therapist_user, muscle="rhomboids", side="right", **NEEDLE
        )


def test_a_signed_record_is_locked_and_corrections_are_audited_addenda(visit):
    session = complete(open_session(visit), visit)
    session_sign(session=session, by=visit.therapist_user)
    with pytest.raises(DomainError, match="signed"):
        session_update(session=session, by=visit.therapist_user, plan="changed")
    with pytest.raises(DomainError, match="signed"):
        needling_add(
            session=session, by=visit.therapist_user, muscle="scalenes", side="left", **NEEDLE
        )
    addendum = addendum_add(
        session=session, text="Pain 2/10 by phone next day.", by=visit.therapist_user
    )
    with pytest.raises(ValueError, match="never edited"):
        addendum.save()
    actions = set(
        audit_events_for_target("charting.treatmentsession", session.pk).values_list(
            "action", flat=True
        )
    )
    assert {"session.signed", "session.addendum_added"} <= actions
    assert TreatmentSession.objects.get(pk=session.pk).plan == "Review in a week"


def test_the_billing_code_follows_the_number_of_muscles(visit):
    assert [billing_code(n) for n in (0, 1, 2, 3, 7)] == [None, "20560", "20560", "20561", "20561"]
    session = complete(
        open_session(visit),
        visit,
        muscles=[("upper_trapezius", "left"), ("levator_scapulae", "left")],
    )
    assert session_billing_code(session) == "20560"
    needling_add(session=session, by=visit.therapist_user, muscle="scalenes", side="left", **NEEDLE)
    assert session_billing_code(session) == "20561"


def test_a_serious_adverse_event_alerts_the_clinic_admins(visit):
    session = open_session(visit)
    p = visit.schedule.practice
    adverse_event_record(
        session=session,
        by=visit.therapist_user,
        category="bruising",
        severity="mild",
        onset="during",
        reported_by="therapist",
    )
    assert not Notification.objects.exists()
    adverse_event_record(
        session=session,
        by=visit.therapist_user,
        category="pneumothorax",
        severity="serious",
        onset="under_24h",
        reported_by="patient",
        action_taken="Sent to the emergency department",
    )
    [note] = Notification.objects.all()
    assert note.user == p.admin
    assert "Pneumothorax" in note.message
    assert not Notification.objects.filter(user=p.outsider_admin).exists()


def test_front_desk_cannot_record_adverse_events(visit):
    session = open_session(visit)
    with pytest.raises(DomainError, match="clinical staff"):
        adverse_event_record(
            session=session,
            by=visit.schedule.practice.front_desk,
            category="bruising",
            severity="mild",
            onset="during",
            reported_by="x",
        )


def test_estim_needs_its_settings_before_signing(visit):
    session = complete(open_session(visit), visit)
    session_update(session=session, by=visit.therapist_user, estim_used=True, estim_pairs=2)
    with pytest.raises(DomainError, match="electrical stimulation settings"):
        session_sign(session=session, by=visit.therapist_user)


def test_a_pain_score_that_is_not_a_number_is_refused_and_nothing_changes(visit):
    session = open_session(visit)
    with pytest.raises(DomainError, match="0 to 10"):
        session_update(session=session, by=visit.therapist_user, pain_before="severe")
    with pytest.raises(DomainError):
        session_update(session=session, by=visit.therapist_user, position="upside down")
    assert session.position == ""  # the caller's object is back to what is stored


def test_only_a_therapist_of_the_clinic_countersigns_the_latest_consent(visit):
    from needlecare.charting.services import consent_countersign
    from needlecare.common.testing.factories import CredentialFactory, TherapistFactory

    p = visit.schedule.practice
    elsewhere = TherapistFactory(user__clinics=[p.foxboro])
    for kind in ("dry_needling", "pt_license"):
        CredentialFactory(therapist=elsewhere, kind=kind)
    newer = sign(visit.schedule, visit.document, countersign=False)
    with pytest.raises(DomainError, match="Only a therapist of Stoughton"):
        consent_countersign(consent=newer, therapist=elsewhere, by=elsewhere.user)
    older = Consent.objects.exclude(pk=newer.pk).get()
    older.countersigned_by = None
    with pytest.raises(DomainError, match="newer consent"):
        consent_countersign(
            consent=Consent(pk=older.pk, patient=older.patient, document=older.document),
            therapist=p.therapist,
            by=p.therapist.user,
        )
    assert consent_countersign(
        consent=newer, therapist=p.therapist, by=p.therapist.user
    ).countersigned_at


def test_admins_see_the_alert_on_their_staff_page_and_can_mark_it_read(client, visit):
    session = open_session(visit)
    adverse_event_record(
        session=session,
        by=visit.therapist_user,
        category="needle",
        severity="serious",
        onset="during",
        reported_by="therapist",
    )
    p = visit.schedule.practice
    client.force_login(p.admin)
    page = client.get("/staff/").content.decode()
    assert "Broken or retained needle" in page
    note = Notification.objects.get()
    client.force_login(p.outsider_admin)
    assert client.post(f"/staff/notifications/{note.pk}/read/").status_code == 404
    client.force_login(p.admin)
    assert client.post(f"/staff/notifications/{note.pk}/read/").status_code == 302
    assert "Broken or retained needle" not in client.get("/staff/").content.decode()
