"""When a visit's reminder goes out: a set time before the visit, moved into the quiet hours.

Pure: times in, a time out. Messages go out between 08:00 and 21:00 clinic time only; a
reminder that would fall outside goes out earlier instead, at 20:00 the evening before (or the
same evening), so the patient never gets less notice than the clinic promises. A booking made
too late for that gets its reminder now, or at the next 08:00, or none at all when the visit
is less than two hours away by then (the confirmation has just told them).
"""

import datetime as dt
from zoneinfo import ZoneInfo

QUIET_FROM = dt.time(21, 0)  # no messages from here ...
QUIET_UNTIL = dt.time(8, 0)  # ... until here, clinic time
EVENING = dt.time(20, 0)
SHORTEST_NOTICE = dt.timedelta(hours=2)


def in_waking_hours(at: dt.datetime, zone: ZoneInfo) -> bool:
    return QUIET_UNTIL <= at.astimezone(zone).time() < QUIET_FROM


def _at(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=zone)


def earlier_waking(at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """`at`, or the last waking moment before it (20:00 that evening or the evening before)."""
    local = at.astimezone(zone)
    if in_waking_hours(at, zone):
        return at
    day = local.date() if local.time() >= QUIET_FROM else local.date() - dt.timedelta(days=1)
    return _at(day, EVENING, zone)


def later_waking(at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """`at`, or the next 08:00."""
    local = at.astimezone(zone)
    if in_waking_hours(at, zone):
        return at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return _at(day, QUIET_UNTIL, zone)


def reminder_at(
    starts_at: dt.datetime, *, hours: int, zone: ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """When to remind a patient of a visit starting at `starts_at`; None for no reminder."""
    if hours <= 0:
        return None
    # Hours of elapsed time (in UTC), not of wall clock: a night with a clock change counts true.
    starts_at = starts_at.astimezone(dt.UTC)
    at = earlier_waking(starts_at - dt.timedelta(hours=hours), zone)
    if at < now:
        at = later_waking(now, zone)
    if starts_at - at < SHORTEST_NOTICE:
        return None
    return at
