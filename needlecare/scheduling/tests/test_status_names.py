"""Clinics cannot import scheduling, so it names the statuses of a visit that is over as
strings; this holds those strings to the real statuses."""

from needlecare.clinics.services import VISIT_OVER
from needlecare.scheduling.models import Status


def test_clinics_names_the_statuses_of_a_visit_that_is_over() -> None:
    assert set(VISIT_OVER) == {
        Status.CANCELLED,
        Status.LATE_CANCELLED,
        Status.NO_SHOW,
        Status.COMPLETED,
    }
