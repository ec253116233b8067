"""Attendance by month as an accessible SVG line chart. Pure: no Django, no I/O.

Drawn as the progress charts are (reports.charts): a `Figure` on its own Agg canvas, never
pyplot, with the same settings under the same lock, since rcParams are process-wide.
"""

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, PercentFormatter

from needlecare.reports.charts import _LOCK, _RC, GRID, INK, NEEDLING, SIZE_INCHES, _accessible

RC = {**_RC, "svg.hashsalt": "needlecare-attendance-chart"}
MISSED = "#b3261e"


@dataclass(frozen=True)
class MonthRates:
    """One month's rates, each a share of the month's booked visits (None: nothing booked)."""

    month: dt.date
    attended: Fraction | None
    no_show: Fraction | None
    late_cancelled: Fraction | None


# (attribute, label, colour, line style, marker): told apart by shape as well as by colour.
SERIES = (
    ("attended", "Attended", INK, "-", "o"),
    ("no_show", "No-shows", MISSED, "--", "s"),
    ("late_cancelled", "Late cancellations", NEEDLING, ":", "^"),
)


def _percent(rate: Fraction | None) -> float:
    return math.nan if rate is None else float(rate) * 100


def _month(month: dt.date) -> str:
    return f"{month:%b} {month.year}"


def month_labels(months: Sequence[dt.date]) -> list[str]:
    """'Mar' under each month, with the year under the first and wherever it changes."""
    labels, year = [], None
    for month in months:
        labels.append(f"{month:%b}" + (f"\n{month.year}" if month.year != year else ""))
        year = month.year
    return labels


def attendance_description(where: str, rates: Sequence[MonthRates]) -> str:
    """What the chart shows, in words, for screen readers and for anyone who cannot see it."""
    span = f"{_month(rates[0].month)} to {_month(rates[-1].month)}"
    if len(rates) == 1:
        span = _month(rates[0].month)
    empty = [r for r in rates if r.attended is None]
    parts = [
        f"Attendance at {where} by month, {span}: the share of each month's booked visits "
        "that were attended, missed (no-shows) and cancelled late, in percent.",
    ]
    if len(empty) == len(rates):
        parts.append("No visit was booked in these months.")
    elif empty:
        parts.append(f"No visit was booked in {len(empty)} of the {len(rates)} months.")
    parts.append("The table by month gives each figure.")
    return " ".join(parts)


def attendance_chart_svg(*, where: str, rates: Sequence[MonthRates]) -> str:
    """The monthly attendance, no-show and late-cancellation rates, as an SVG string."""
    if not rates:
        raise ValueError("An attendance chart needs at least one month.")
    buffer = io.StringIO()
    with _LOCK, matplotlib.rc_context(RC):
        fig = _draw(where, rates)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(
        buffer.getvalue(),
        ident="chart-attendance",
        title=f"Attendance at {where} by month",
        desc=attendance_description(where, rates),
    )


def _draw(where: str, rates: Sequence[MonthRates]) -> Figure:
    fig = Figure(figsize=SIZE_INCHES, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas, explicitly: never a GUI backend, never pyplot
    ax = fig.add_subplot()
    xs = list(range(len(rates)))
    for attribute, label, colour, style, marker in SERIES:
        (line,) = ax.plot(
            xs,
            [_percent(getattr(r, attribute)) for r in rates],
            color=colour,
            linestyle=style,
            linewidth=2,
            marker=marker,
            markersize=5,
            clip_on=False,
            label=label,
        )
        line.set_gid(f"series-{attribute.replace('_', '-')}")
    # Every month named while they fit; every second or third one beyond a year.
    step = 1 if len(rates) <= 12 else math.ceil(len(rates) / 12)
    shown = xs[::step]
    ax.xaxis.set_major_locator(FixedLocator(shown))
    ax.set_xticklabels(month_labels([rates[n].month for n in shown]))
    ax.set_xlim(-0.5, len(rates) - 0.5)
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_title(f"Attendance at {where}", loc="left")
    ax.set_ylabel("Share of booked visits")
    ax.set_xlabel("Month of the visit")
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="outside lower center", ncols=len(SERIES), frameon=False, fontsize=8)
    return fig
