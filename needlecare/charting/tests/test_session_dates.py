"""A treatment record opens on the day of its visit (clinic time); after that day only when the
therapist says why it is recorded late (audited); never before; and never while the patient's
newer screening no longer clears the areas planned for the visit."""

import pytest

from needlecare.audit.selectors import audit_events_for_target
from needlecare.charting.models import TreatmentSession
from needlecare.charting.services import session_open
from needlecare.common.errors import Conflict, DomainError
from needlecare.common.testing.clock import on_the_day
from needlecare.scheduling.services import appointment_book

pytestmark = pytest.mark.django_db


def open_record(visit, appointment=None, **extra):
    return session_open(
        appointment=appointment or visit.appointment,
        regions=["neck"],
        by=visit.therapist_user,
        no_changes_confirmed=True,
        **extra,
    )


def test_the_record_opens_on_the_day_of_the_visit(visit):
    assert open_record(visit).late_reason == ""


def test_the_day_after_it_opens_only_with_the_reason_it_is_late(visit):
    with on_the_day(visit.schedule, days=1):
        with pytest.raises(DomainError, match="say why it is recorded late") as refused:
            open_record(visit)
        assert refused.value.field == "late_reason"
        assert not TreatmentSession.objects.exists()
        session = open_record(visit, late_reason="Power cut at the clinic; charted next morning.")
    assert session.late_reason.startswith("Power cut")
    [opened] = audit_events_for_target("charting.treatmentsession", session.pk)
    assert opened.data["late"] == "Power cut at the clinic; charted next morning."


def test_a_record_cannot_open_before_its_visits_day(visit):
    p = visit.schedule.practice
    tomorrow = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=visit.schedule.dry_needling,
        therapist=p.therapist,
        starts_at=visit.schedule.at(11, days=1),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    tomorrow.status = "checked_in"
    tomorrow.save(update_fields=["status"])  # as if checked in: the day rule still holds
    with pytest.raises(Conflict, match="opens on the day of the visit"):
        open_record(visit, tomorrow, late_reason="trying early")


def test_a_newer_screening_that_no_longer_clears_the_plan_stops_the_record_opening(visit):
    # The neck was planned; the patient now reports a pregnancy: nowhere is cleared.
    visit.schedule.screen(None, "pregnancy", regions=("neck",))
    with pytest.raises(Conflict):
        open_record(visit)
    # Screened again for another area only: the neck, still planned, is not cleared.
    visit.schedule.screen(None, regions=("low_back",))
    with pytest.raises(Conflict) as refused:
        session_open(
            appointment=visit.appointment,
            regions=["low_back"],
            by=visit.therapist_user,
            no_changes_confirmed=True,
        )
    assert refused.value.code == "session.screening_changed"
    assert not TreatmentSession.objects.exists()
