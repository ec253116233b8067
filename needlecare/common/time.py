"""Time helpers: every clinic-facing date is the clinic's local date, never the server's."""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone

DEFAULT_TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def clinic_zone(clinic: Any | None = None) -> zoneinfo.ZoneInfo:
    name = getattr(clinic, "time_zone", None)
    return zoneinfo.ZoneInfo(name) if name else DEFAULT_TZ


def clinic_now(clinic: Any | None = None) -> dt.datetime:
    return timezone.now().astimezone(clinic_zone(clinic))


def clinic_today(clinic: Any | None = None) -> dt.date:
    return clinic_now(clinic).date()
