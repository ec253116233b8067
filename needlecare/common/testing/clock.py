"""Travelling in time for the date rules: a patient is checked in, and a session opened, on the
visit's own day (clinic time), so tests go to that day rather than bend the rules."""

import time_machine


def on_the_day(schedule, *, days: int = 0, hour: int = 8, minute: int = 0):  # type: ignore[no-untyped-def]
    """To a day of the schedule's week at a clinic-local time; the clock keeps ticking."""
    return time_machine.travel(schedule.at(hour, minute, days=days), tick=True)
