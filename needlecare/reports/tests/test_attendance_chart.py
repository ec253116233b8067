"""The attendance chart is an accessible SVG with a line a rate and each month named."""

import datetime as dt
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from needlecare.reports.attendance import months_between
from needlecare.reports.attendance_chart import (
    MonthRates,
    attendance_chart_svg,
    attendance_description,
    month_labels,
)

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = months_between(dt.date(2025, 10, 1), dt.date(2026, 3, 1))


def rates(months=MONTHS, empty=(2,)):
    return [
        MonthRates(m, None, None, None)
        if n in empty
        else MonthRates(m, Fraction(8, 10), Fraction(1, 10), Fraction(1, 20))
        for n, m in enumerate(months)
    ]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def texts(root):
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_the_chart_is_svg_with_a_title_and_a_description():
    root = parse(attendance_chart_svg(where="Stoughton", rates=rates()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-attendance-title chart-attendance-desc"
    title, desc = root[0], root[1]
    assert title.text == "Attendance at Stoughton by month"
    assert desc.text.startswith("Attendance at Stoughton by month, Oct 2025 to Mar 2026:")
    assert "No visit was booked in 1 of the 6 months." in desc.text


def test_each_month_is_named_with_the_year_where_it_changes():
    shown = texts(parse(attendance_chart_svg(where="Stoughton", rates=rates())))
    for label in ("Oct\n2025", "Nov", "Dec", "Jan\n2026", "Feb", "Mar"):
        # Matplotlib writes a two-line label as one <text> per line.
        for part in label.split("\n"):
            assert part in shown, part
    assert month_labels(MONTHS) == ["Oct\n2025", "Nov", "Dec", "Jan\n2026", "Feb", "Mar"]


def test_each_rate_is_a_line_with_its_legend():
    root = parse(attendance_chart_svg(where="Foxboro", rates=rates()))
    ids = {el.get("id"): el for el in root.iter() if el.get("id")}
    for series in ("series-attended", "series-no-show", "series-late-cancelled"):
        assert ids[series].findall(f".//{SVG}path"), series
    shown = " ".join(texts(root))
    for words in ("Attended", "No-shows", "Late cancellations", "Share of booked visits"):
        assert words in shown
    assert "100%" in shown and "0%" in shown


def test_the_same_figures_give_the_same_svg():
    assert attendance_chart_svg(where="S", rates=rates()) == attendance_chart_svg(
        where="S", rates=rates()
    )


def test_three_years_name_every_third_month():
    months = months_between(dt.date(2023, 4, 1), dt.date(2026, 3, 1))
    shown = texts(parse(attendance_chart_svg(where="S", rates=rates(months, empty=()))))
    assert "Apr" in shown and "Jul" in shown and "May" not in shown


def test_months_without_bookings_are_said_so():
    assert "No visit was booked in these months." in attendance_description(
        "Foxboro", rates(MONTHS[:1], empty=(0,))
    )
    assert "Attendance at Foxboro by month, Oct 2025:" in attendance_description(
        "Foxboro", rates(MONTHS[:1])
    )


def test_a_chart_needs_a_month():
    with pytest.raises(ValueError, match="at least one month"):
        attendance_chart_svg(where="Stoughton", rates=[])
