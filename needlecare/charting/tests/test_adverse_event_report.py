"""The adverse event report against rates computed by hand."""

from needlecare.charting.report import EventFacts, SessionFacts, adverse_event_report


def test_rates_per_100_sessions_by_category_therapist_clinic_and_region():
    sessions = [
        SessionFacts(1, "Dana", "Stoughton", ("neck",)),
        SessionFacts(2, "Dana", "Foxboro", ("neck", "low_back")),
        SessionFacts(3, "Sam", "Stoughton", ("low_back",)),
        SessionFacts(4, "Sam", "Stoughton", ("shoulder_left",)),
    ]
    events = [
        EventFacts(1, "bruising", "mild"),
        EventFacts(1, "bleeding", "mild"),  # same session: counts once for "any mild"
        EventFacts(3, "bruising", "mild"),
        EventFacts(4, "vasovagal", "significant"),
        EventFacts(99, "bruising", "mild"),  # a session outside the report: ignored
    ]
    report = adverse_event_report(sessions, events)
    assert report.sessions == 4
    # bruising: 2 events / 4 sessions = 50 per 100; bleeding 1/4 = 25
    assert report.by_category["bruising"].per_100 == 50.0
    assert report.by_category["bleeding"].per_100 == 25.0
    # mild events happened in sessions 1 and 3: 2/4
    assert report.by_category["any_mild"].per_100 == 50.0
    assert report.by_category["significant_or_serious"].per_100 == 25.0
    # Dana: sessions 1, 2 with 2 events -> 100 per 100; Sam: sessions 3, 4 with 2 events
    assert report.by_therapist["Dana"].per_100 == 100.0
    assert report.by_therapist["Sam"].per_100 == 100.0
    # Stoughton: sessions 1, 3, 4 with 4 events -> 133.33; Foxboro: session 2, none
    assert report.by_clinic["Stoughton"].per_100 == 133.33
    assert report.by_clinic["Foxboro"].per_100 == 0.0
    # neck: sessions 1, 2 -> 2 events / 2; low back: sessions 2, 3 -> 1 / 2
    assert report.by_region["neck"].per_100 == 100.0
    assert report.by_region["low_back"].per_100 == 50.0


def test_no_sessions_gives_no_rate_rather_than_a_division_by_zero():
    report = adverse_event_report([], [])
    assert report.sessions == 0
    assert report.by_category["any_mild"].per_100 is None
