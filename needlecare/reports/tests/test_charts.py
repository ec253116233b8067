"""The progress chart is an accessible SVG, and the sentence reads the change correctly."""

import datetime as dt
import xml.etree.ElementTree as ET
import zoneinfo

import pytest

from needlecare.reports.charts import improvement_target, progress_chart_svg, progress_statement

SVG = "{http://www.w3.org/2000/svg}"
ZONE = zoneinfo.ZoneInfo("America/New_York")
START = dt.datetime(2026, 3, 2, 9, tzinfo=ZONE)
WEEK = dt.timedelta(days=7)
NDI = [(START, 44.0), (START + WEEK, 36.0), (START + 3 * WEEK, 26.0)]
SESSIONS = [START + n * WEEK + dt.timedelta(minutes=15) for n in range(4)]


def chart(code="ndi", points=NDI, sessions=SESSIONS):
    return progress_chart_svg(instrument_code=code, points=points, sessions=sessions)


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def by_id(root):
    return {el.get("id"): el for el in root.iter() if el.get("id")}


def test_the_chart_is_svg_with_a_title_and_a_description_a_screen_reader_reads():
    root = parse(chart())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-ndi-title chart-ndi-desc"
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG}title"
    assert title.text == "Neck Disability Index: progress chart"
    assert desc.tag == f"{SVG}desc"
    assert "3 scores from Mar 2, 2026 to Mar 23, 2026" in desc.text
    assert "4 dry needling sessions" in desc.text
    assert "improved from 44% to 26%" in desc.text
    assert "that is a meaningful change" in desc.text


def test_each_series_is_drawn_as_a_path():
    ids = by_id(parse(chart()))
    assert ids["scores"].findall(f".//{SVG}path")  # the line and its markers
    for n in range(1, 5):
        assert ids[f"session-{n}"].findall(f".//{SVG}path")
    assert ids["meaningful-band"].findall(f".//{SVG}path")
    assert ids["meaningful-threshold"].findall(f".//{SVG}path")
    assert "session-5" not in ids


def test_the_chart_is_labelled_with_the_instrument_and_its_units():
    texts = " ".join(t.text or "" for t in parse(chart()).iter(f"{SVG}text"))
    assert "Neck Disability Index" in texts
    assert "Score (%; lower is better)" in texts
    assert "Date" in texts
    assert "Meaningful improvement (29% or lower)" in texts
    assert "Dry needling session" in texts
    for tick in ("0", "100"):  # the y axis spans the instrument's score range
        assert tick in texts.split()


def test_the_same_data_gives_the_same_svg():
    assert chart() == chart()
    assert "<dc:date>" not in chart()


def test_one_score_and_no_sessions_still_make_a_chart():
    root = parse(chart("nprs", [(START, 7.0)], []))
    desc = root[1].text
    assert "one score, on Mar 2, 2026" in desc
    assert "First score 7; no change to report yet." in desc
    assert "session-1" not in by_id(root)


def test_a_chart_needs_a_score():
    with pytest.raises(ValueError, match="at least one score"):
        chart(points=[])


def test_the_meaningful_change_is_drawn_from_the_first_score_towards_better():
    assert improvement_target("ndi", 44) == 29  # lower is better: 15 points
    assert improvement_target("psfs", 3) == 5  # higher is better: 2 points
    assert improvement_target("nprs", 5) == 3.5  # 30% of 5 comes before 2 points
    assert improvement_target("nprs", 8) == 6  # 2 points come before 30% of 8
    assert improvement_target("ndi", 10) is None  # no room left to improve that far


@pytest.mark.parametrize(
    ("code", "first", "last", "expected"),
    [
        (
            "ndi",
            44,
            26,
            "Neck Disability Index improved from 44% to 26% (18 points); that is a meaningful "
            "change (at least 15 points, Young 2009).",
        ),
        ("ndi", 44, 29, "(15 points); that is a meaningful change"),
        ("ndi", 44, 29.1, "(14.9 points); that is not yet a meaningful change"),
        ("nprs", 5, 3.5, "(1.5 points, 30% of the first score); that is a meaningful change"),
        ("nprs", 5, 3.6, "that is not yet a meaningful change (at least 2 points or 30%"),
        ("nprs", 3, 5, "worsened from 3 to 5 (2 points); that is a meaningful worsening"),
        ("nprs", 3, 4, "worsened from 3 to 4 (1 point); that is not a meaningful change"),
        ("psfs", 3, 5, "improved from 3 to 5 (2 points); that is a meaningful change"),
        ("odi", 40, 40, "Oswestry Disability Index is unchanged at 40%"),
    ],
)
def test_the_statement_says_whether_the_change_is_meaningful(code, first, last, expected):
    assert expected in progress_statement(code, first, last)
