"""Loaded on a working day, the demo's today is under way: visits done, a patient checked in,
visits still to come."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone

from needlecare.demo.tests import checks
from needlecare.outbox.models import Message
from needlecare.scheduling.models import Appointment, Status

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/New_York")


def _next(weekday: int, hour: int, minute: int) -> dt.datetime:
    day = timezone.now().astimezone(ZONE).date() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _load() -> None:
    call_command("load_demo", stdout=io.StringIO())


def _today(now: dt.datetime) -> QuerySet[Appointment]:
    start = dt.datetime.combine(now.astimezone(ZONE).date(), dt.time(0), tzinfo=ZONE)
    return Appointment.objects.filter(
        starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
    )


def test_on_a_wednesday_morning_the_day_is_under_way():
    with time_machine.travel(_next(2, 10, 20), tick=True):
        _load()
        now = timezone.now()
        today = _today(now)
        assert today.filter(status=Status.COMPLETED, blocked_until__lte=now).exists()
        [arrived] = today.filter(status=Status.CHECKED_IN)
        assert now < arrived.starts_at
        assert today.filter(status=Status.CONFIRMED, starts_at__gt=now).exists()
        assert checks.overlaps() == checks.outside_hours() == checks.sessions_out_of_line() == []
        assert not Message.objects.filter(state="queued", send_after__lte=now).exists()


def test_after_hours_on_a_friday_the_day_is_done():
    with time_machine.travel(_next(4, 18, 30), tick=True):
        _load()
        today = _today(timezone.now())
        assert today.exists()
        assert set(today.values_list("status", flat=True)) <= {
            "completed",
            "no_show",
            "cancelled",
            "late_cancelled",
        }
        assert checks.overlaps() == checks.outside_hours() == checks.sessions_out_of_line() == []
