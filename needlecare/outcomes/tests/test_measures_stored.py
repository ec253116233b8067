"""Stored outcome measures and plans of care."""

import pytest

from needlecare.audit.selectors import audit_events_for_target
from needlecare.charting.models import TreatmentSession
from needlecare.common.errors import DomainError
from needlecare.outcomes.models import MeasureResponse
from needlecare.outcomes.selectors import measure_progress, measures_due
from needlecare.outcomes.services import measure_record, plan_of_care_set

pytestmark = pytest.mark.django_db


def ndi_keys():
    from needlecare.outcomes.instruments import INSTRUMENTS

    return [item.key for item in INSTRUMENTS["ndi"].items]


def ndi(values):
    return dict(zip(ndi_keys(), values, strict=True))


def test_a_plan_of_care_defaults_its_measures_from_the_regions(practice):
    plan = plan_of_care_set(
        patient=practice.patient, regions=["neck", "low_back"], by=practice.therapist.user
    )
    assert plan.measures == ["nprs", "ndi", "odi"]
    assert audit_events_for_target("outcomes.planofcare", plan.pk).exists()


def test_a_plan_refuses_unknown_measures(practice):
    with pytest.raises(DomainError, match="Unknown measure"):
        plan_of_care_set(
            patient=practice.patient, regions=[], measures=["vas"], by=practice.therapist.user
        )


def test_a_measure_is_stored_with_raw_answers_score_and_version(practice):
    response = measure_record(
        patient=practice.patient,
        instrument="ndi",
        answers=ndi([3, 2, 2, 3, 2, 2, 2, 2, 2, 2]),
        by=practice.patient.user,
    )
    assert response.value == 44.0  # 22 / 50
    assert response.raw == 22
    assert response.version.startswith("ndi-")
    assert response.online
    assert response.answers[ndi_keys()[0]] == 3


def test_an_unscorable_measure_is_refused_and_nothing_is_stored(practice):
    with pytest.raises(DomainError):
        measure_record(
            patient=practice.patient,
            instrument="ndi",
            answers=ndi([9] * 10),
            by=practice.front_desk,
        )
    assert not MeasureResponse.objects.exists()


def test_measures_fall_due_again_every_few_visits(visit):
    patient = visit.schedule.practice.patient
    therapist = visit.therapist_user
    plan_of_care_set(patient=patient, regions=["neck"], by=therapist, every_visits=2)
    assert measures_due(patient) == ["nprs", "ndi"]
    measure_record(patient=patient, instrument="nprs", answers={"pain": 6}, by=therapist)
    assert measures_due(patient) == ["ndi"]
    from django.utils import timezone

    session = TreatmentSession.objects.create(
        appointment=visit.appointment,
        patient=patient,
        therapist=visit.schedule.practice.therapist,
        clinic=visit.appointment.clinic,
        regions=["neck"],
        screening=patient.screenings.first(),
        consent=visit.consent,
    )
    for _ in range(2):
        TreatmentSession.objects.filter(pk=session.pk).update(
            state="signed", signed_at=timezone.now()
        )
    # One signed session since the NPRS: not due yet with every_visits=2.
    assert "nprs" not in measures_due(patient)


def test_progress_states_the_change_from_the_first_score(practice):
    by = practice.therapist.user
    measure_record(patient=practice.patient, instrument="nprs", answers={"pain": 7}, by=by)
    measure_record(patient=practice.patient, instrument="nprs", answers={"pain": 3}, by=by)
    [progress] = measure_progress(practice.patient)
    assert [p.value for p in progress.points] == [7, 3]
    assert progress.change.improved and progress.change.meaningful
