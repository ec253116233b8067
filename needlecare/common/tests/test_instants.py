"""Instants read as text come back exactly as stored, to the microsecond, on either database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from needlecare.common.instants import instant_text_sql, parse_instant
from needlecare.scheduling.models import TimeOff

pytestmark = pytest.mark.django_db

ZONES = [dt.UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Apia")]
instants = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from(ZONES),
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(moments=st.lists(instants, min_size=1, max_size=20))
def test_instants_read_as_text_equal_what_was_stored(practice, moments):
    rows = TimeOff.objects.bulk_create(
        TimeOff(
            therapist=practice.therapist,
            starts_at=moment,
            # In UTC: aware arithmetic is wall-clock, and would drop a fold=1 hour.
            ends_at=moment.astimezone(dt.UTC) + dt.timedelta(microseconds=1),
            reason="x",
        )
        for moment in moments
    )
    ids = [row.pk for row in rows]
    table = connection.ops.quote_name(TimeOff._meta.db_table)
    column = instant_text_sql("starts_at", connection.vendor)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        sql = f"SELECT id, {column} FROM {table} WHERE id IN ({placeholders})"  # noqa: S608
        cursor.execute(sql, ids)
        read = dict(cursor.fetchall())
    for row, moment in zip(rows, moments, strict=True):
        back = parse_instant(read[row.pk])
        # Compared in UTC: PEP 495 makes a time in a gap or fold unequal to any other zone's.
        assert back == moment.astimezone(dt.UTC)
        assert back.tzinfo is dt.UTC
        assert back == TimeOff.objects.get(pk=row.pk).starts_at  # what Django itself reads


def test_an_unknown_database_is_refused_plainly():
    from django.db import NotSupportedError

    with pytest.raises(NotSupportedError, match="oracle"):
        instant_text_sql("starts_at", "oracle")
