"""The pure iCalendar mapper: what a calendar app will read back, with no database."""

import datetime as dt
import zoneinfo
from dataclasses import replace

import pytest
from icalendar import Calendar

from needlecare.interop import ical

UTC = dt.UTC
NOW = dt.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
VISIT = ical.Visit(
    id=41,
    starts_at=dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC),  # 10:00 EST, the day after DST ends
    ends_at=dt.datetime(2026, 11, 2, 15, 45, tzinfo=UTC),
    time_zone="America/New_York",
    status="confirmed",
    sequence=0,
    type_name="Dry needling treatment",
    therapist_name="Dana Reyes",
    clinic_name="Stoughton",
    clinic_address="12 Washington St, Stoughton, MA 02072",
    clinic_phone="781-436-0391",
    room_name="Room 2",
    needs_screening=True,
    patient_initials="JS",
)
BEFORE_DST_ENDS = replace(
    VISIT,
    id=42,
    starts_at=dt.datetime(2026, 10, 30, 14, 0, tzinfo=UTC),  # 10:00 EDT
    ends_at=dt.datetime(2026, 10, 30, 14, 45, tzinfo=UTC),
)


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def test_the_patients_file_is_a_publishable_calendar_with_one_event():
    calendar = parse(ical.appointment_file(VISIT, now=NOW))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ical.PRODID
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.events
    assert str(event["UID"]) == "appointment-41@needlecare"
    assert event.stamp == NOW
    assert event.sequence == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Dry needling treatment with Dana Reyes"
    assert str(event["LOCATION"]) == "Stoughton, 12 Washington St, Stoughton, MA 02072, Room 2"


def test_the_file_tells_the_patient_whom_to_call_and_to_reconfirm_their_screening():
    raw = ical.appointment_file(VISIT, now=NOW, screening_url="https://example.org/screening/")
    description = str(parse(raw).events[0]["DESCRIPTION"])
    assert "781-436-0391" in description
    assert "re-confirm your safety screening answers" in description
    assert "https://example.org/screening/" in description


def test_the_patients_file_reminds_them_the_day_before_and_two_hours_before():
    [event] = parse(ical.appointment_file(VISIT, now=NOW)).events
    alarms = event.walk("VALARM")
    assert sorted(a.decoded("TRIGGER") for a in alarms) == [
        -dt.timedelta(days=1),
        -dt.timedelta(hours=2),
    ]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert all("Stoughton" in str(a["DESCRIPTION"]) for a in alarms)
    # A therapist's feed carries no alarms: their calendar is theirs to set up.
    feed = parse(ical.therapist_feed([VISIT], now=NOW, name="Dana Reyes"))
    assert feed.events[0].walk("VALARM") == []


def test_times_carry_the_clinic_zone_with_a_matching_vtimezone():
    calendar = parse(ical.appointment_file(VISIT, now=NOW))
    [event] = calendar.events
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTEND"].params["TZID"] == "America/New_York"
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]
    assert calendar.get_missing_tzids() == set()
    assert event.start == VISIT.starts_at
    assert event.end == VISIT.ends_at
    assert event.start.utcoffset() == dt.timedelta(hours=-5)


def test_both_sides_of_the_end_of_daylight_saving_keep_their_instants():
    raw = ical.therapist_feed([BEFORE_DST_ENDS, VISIT], now=NOW, name="Dana Reyes")
    assert b"DTSTART;TZID=America/New_York:20261030T100000" in raw
    assert b"DTSTART;TZID=America/New_York:20261102T100000" in raw
    calendar = parse(raw)
    starts = {str(e["UID"]): e.start for e in calendar.events}
    assert starts["appointment-42@needlecare"] == dt.datetime(2026, 10, 30, 14, 0, tzinfo=UTC)
    assert starts["appointment-41@needlecare"] == dt.datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    # The VTIMEZONE's own rules agree, for calendar apps that do not know the zone by name.
    own_rules = calendar.timezones[0].to_tz(lookup_tzid=False)
    assert (
        dt.datetime(2026, 10, 30, 10, 0, tzinfo=own_rules).astimezone(UTC)
        == starts["appointment-42@needlecare"]
    )
    assert (
        dt.datetime(2026, 11, 2, 10, 0, tzinfo=own_rules).astimezone(UTC)
        == starts["appointment-41@needlecare"]
    )


def test_a_clinic_in_another_zone_gets_its_own_vtimezone():
    chicago = replace(VISIT, id=43, time_zone="America/Chicago")
    calendar = parse(ical.therapist_feed([VISIT, chicago], now=NOW, name="Dana Reyes"))
    assert {tz.tz_name for tz in calendar.timezones} == {"America/New_York", "America/Chicago"}
    event = next(e for e in calendar.events if str(e["UID"]) == "appointment-43@needlecare")
    assert event.start == VISIT.starts_at
    assert event.start.tzinfo == zoneinfo.ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("requested", "TENTATIVE"),
        ("confirmed", "CONFIRMED"),
        ("checked_in", "CONFIRMED"),
        ("cancelled", "CANCELLED"),
        ("no_show", "CANCELLED"),
    ],
)
def test_the_appointment_status_becomes_the_event_status(status, expected):
    raw = ical.appointment_file(replace(VISIT, status=status, sequence=2), now=NOW)
    [event] = parse(raw).events
    assert str(event["STATUS"]) == expected
    assert event.sequence == 2


def test_the_feed_names_the_calendar_and_shows_initials_on_private_events():
    calendar = parse(ical.therapist_feed([VISIT], now=NOW, name="Dana Reyes · needlecare"))
    assert str(calendar["X-WR-CALNAME"]) == "Dana Reyes · needlecare"
    assert "METHOD" not in calendar
    [event] = calendar.events
    assert str(event["SUMMARY"]) == "Dry needling treatment: JS"
    assert str(event["CLASS"]) == "PRIVATE"
    assert "DESCRIPTION" not in event


def test_an_empty_feed_is_still_a_valid_calendar():
    calendar = parse(ical.therapist_feed([], now=NOW, name="Dana Reyes"))
    assert calendar.events == []
    assert str(calendar["VERSION"]) == "2.0"


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        ical.appointment_file(replace(VISIT, starts_at=dt.datetime(2026, 11, 2, 10)), now=NOW)
