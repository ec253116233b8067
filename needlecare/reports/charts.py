"""Outcome progress as an accessible SVG chart and a plain sentence. Pure: no Django, no I/O.

Matplotlib is driven without pyplot: each chart is a `Figure` on its own Agg canvas, so no
global figure state is created or shared, and no GUI backend is ever chosen. The chart's
settings (fonts, fixed SVG ids) are rcParams, read as artists are made and as the SVG is
written; both happen inside `rc_context` under a lock, because rcParams are process-wide and
the server is multi-threaded.
"""

import datetime as dt
import io
import re
import threading
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import matplotlib
import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter
from matplotlib.typing import RcKeyType

from needlecare.outcomes.instruments import INSTRUMENTS, Instrument, change

# ~640 x 320 px at 100 dpi; the SVG scales to whatever width the page gives it.
SIZE_INCHES = (6.4, 3.2)
MIN_SPAN = dt.timedelta(days=14)
# Fixed ids (clip paths, markers) and no creation date: the same data gives the same bytes.
_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "needlecare-progress-chart",
    "svg.fonttype": "none",  # real <text>, set in the document's font, not outlines
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
}
_LOCK = threading.Lock()

INK = "#1f3a5f"  # scores
NEEDLING = "#b5651d"  # sessions
BAND = "#2e7d32"  # meaningful improvement
GRID = "#d9dee5"


def _short_source(source: str) -> str:
    """'Young 2009' out of a long source note; the note's first phrase when it names none."""
    found = re.search(r"[A-Z][A-Za-z'-]+(?: et al\.?)? (?:19|20)\d{2}", source)
    if found:
        return found.group(0)
    return re.split(r"[:;,]", source, maxsplit=1)[0].strip()


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def _score(instrument: Instrument, value: float) -> str:
    return f"{_number(value)}%" if instrument.unit == "%" else _number(value)


def _day(when: dt.datetime) -> str:
    return f"{when:%b} {when.day}, {when.year}"


def _points(value: float) -> str:
    return f"{_number(value)} point" + ("" if _number(value) == "1" else "s")


def threshold_phrase(code: str, *, worsening: bool = False) -> str:
    """The meaningful change in a few words, e.g. 'at least 2 points or 30%, Farrar 2001'.

    A percent threshold counts improvements only, so it is left out for a worsening.
    """
    mcid = INSTRUMENTS[code].mcid
    parts = []
    if mcid.points is not None:
        parts.append(_points(mcid.points))
    if mcid.percent is not None and not worsening:
        parts.append(f"{_number(mcid.percent)}%")
    return f"at least {' or '.join(parts)}, {_short_source(mcid.source)}"


def improvement_target(code: str, first: float) -> float | None:
    """The score that would be a meaningful improvement on `first`; None if out of range.

    With both a points and a percent threshold either one counts, so the nearer one is used.
    """
    instrument = INSTRUMENTS[code]
    mcid = instrument.mcid
    needed = [mcid.points] if mcid.points is not None else []
    if mcid.percent is not None and first > 0:
        needed.append(first * mcid.percent / 100)
    if not needed:
        return None
    step = min(needed)
    low, high = instrument.score_range
    target = first - step if instrument.better == "lower" else first + step
    return target if low <= target <= high else None


def progress_statement(code: str, first: float, last: float) -> str:
    """One plain sentence: how the score moved, and whether that is a meaningful change."""
    instrument = INSTRUMENTS[code]
    moved = change(code, first, last)
    if moved.delta == 0:
        threshold = threshold_phrase(code)
        return (
            f"{instrument.name} is unchanged at {_score(instrument, first)} "
            f"(a meaningful change is {threshold})."
        )
    size = _points(abs(moved.delta))
    # The percent thresholds count improvements from the first score only.
    if moved.improved and instrument.mcid.percent is not None and moved.percent is not None:
        size += f", {_number(abs(moved.percent))}% of the first score"
    verb = "improved" if moved.improved else "worsened"
    threshold = threshold_phrase(code, worsening=not moved.improved)
    if moved.meaningful:
        verdict = "a meaningful change" if moved.improved else "a meaningful worsening"
    else:
        verdict = "not yet a meaningful change" if moved.improved else "not a meaningful change"
    return (
        f"{instrument.name} {verb} from {_score(instrument, first)} to "
        f"{_score(instrument, last)} ({size}); that is {verdict} ({threshold})."
    )


def chart_description(code: str, points: list[tuple[dt.datetime, float]], sessions: int) -> str:
    """What the chart shows, in words, for screen readers and for anyone who cannot see it."""
    instrument = INSTRUMENTS[code]
    when = f"{len(points)} scores from {_day(points[0][0])} to {_day(points[-1][0])}"
    if len(points) == 1:
        when = f"one score, on {_day(points[0][0])}"
    lower = "lower" if instrument.better == "lower" else "higher"
    parts = [
        f"{instrument.name}, {when}; {lower} is better.",
        f"{sessions} dry needling session{'s' if sessions != 1 else ''} marked.",
    ]
    if len(points) > 1:
        parts.append(progress_statement(code, points[0][1], points[-1][1]))
    else:
        parts.append(f"First score {_score(instrument, points[0][1])}; no change to report yet.")
    return " ".join(parts)


def progress_chart_svg(
    *, instrument_code: str, points: list[tuple[dt.datetime, float]], sessions: list[dt.datetime]
) -> str:
    """The scores over time with the sessions and the meaningful-change band, as an SVG string.

    Times are drawn as given: pass them in the clinic's local time.
    """
    instrument = INSTRUMENTS[instrument_code]
    if not points:
        raise ValueError("A progress chart needs at least one score.")
    points = sorted(points, key=lambda p: p[0])
    sessions = sorted(sessions)
    buffer = io.StringIO()
    # rcParams are read when artists are made as well as when saved: both happen inside.
    with _LOCK, matplotlib.rc_context(_RC):
        fig = _draw(instrument, points, sessions)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(
        buffer.getvalue(),
        ident=f"chart-{instrument_code}",
        title=f"{instrument.name}: progress chart",
        desc=chart_description(instrument_code, points, len(sessions)),
    )


def _draw(
    instrument: Instrument, points: list[tuple[dt.datetime, float]], sessions: list[dt.datetime]
) -> Figure:
    low, high = instrument.score_range
    target = improvement_target(instrument.code, points[0][1])
    times = [t for t, _ in points] + sessions
    start, end = min(times), max(times)
    zone = start.tzinfo

    fig = Figure(figsize=SIZE_INCHES, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas, explicitly: never a GUI backend, never pyplot
    ax = fig.add_subplot()

    (scores,) = ax.plot(
        [mdates.date2num(t) for t, _ in points],
        [v for _, v in points],
        color=INK,
        linewidth=2,
        marker="o",
        markersize=5,
        clip_on=False,
        zorder=3,
        label="Score",
    )
    scores.set_gid("scores")
    handles: list[Line2D | Patch] = [scores]
    for n in sorted({0, len(points) - 1}):
        when, value = points[n]
        label = ax.annotate(
            _score(instrument, value),
            (mdates.date2num(when), value),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            fontweight="bold",
            color=INK,
        )
        label.set_gid(f"score-label-{n + 1}")

    # At least two weeks across, so ticks fall on whole days.
    pad = max((end - start) * 0.05, (MIN_SPAN - (end - start)) / 2, dt.timedelta(days=1))
    ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(end + pad))
    ax.set_ylim(low, high)

    if target is not None:
        better_end = low if instrument.better == "lower" else high
        band = ax.axhspan(min(target, better_end), max(target, better_end), color=BAND, alpha=0.1)
        band.set_gid("meaningful-band")
        threshold = ax.axhline(target, color=BAND, linewidth=1, linestyle="--", zorder=2)
        threshold.set_gid("meaningful-threshold")
        beyond = "or lower" if instrument.better == "lower" else "or higher"
        handles.append(
            Line2D(
                [],
                [],
                color=BAND,
                linestyle="--",
                linewidth=1,
                label=f"Meaningful improvement ({_score(instrument, target)} {beyond})",
            )
        )

    for n, when in enumerate(sessions):
        line = ax.axvline(mdates.date2num(when), color=NEEDLING, linewidth=0.9, alpha=0.6, zorder=1)
        line.set_gid(f"session-{n + 1}")
    if sessions:
        handles.append(
            Line2D([], [], color=NEEDLING, linewidth=0.9, alpha=0.6, label="Dry needling session")
        )

    ax.set_title(instrument.name, loc="left")
    unit = "%" if instrument.unit == "%" else "points"
    direction = "lower" if instrument.better == "lower" else "higher"
    ax.set_ylabel(f"Score ({unit}; {direction} is better)")
    ax.set_xlabel("Date")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7, tz=zone))
    ax.xaxis.set_major_formatter(_DayFormatter(zone))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=8
    )
    return fig


class _DayFormatter(Formatter):
    """'Mar 2' under each tick, with the year under the first tick and wherever it changes."""

    def __init__(self, zone: dt.tzinfo | None) -> None:
        self.zone = zone

    def __call__(self, x: float, pos: int | None = None) -> str:
        d = mdates.num2date(x, tz=self.zone)
        return f"{d:%b} {d.day}, {d.year}"

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels, year = [], None
        for x in values:
            d = mdates.num2date(x, tz=self.zone)
            labels.append(f"{d:%b} {d.day}" + (f"\n{d.year}" if d.year != year else ""))
            year = d.year
        return labels


def _accessible(svg: str, *, ident: str, title: str, desc: str) -> str:
    """Give the root <svg> a role, a <title> and a <desc> that assistive technology reads."""
    start = svg.index("<svg")
    end = svg.index(">", start)
    labelled = quoteattr(f"{ident}-title {ident}-desc")
    opening = f'{svg[start:end]} role="img" aria-labelledby={labelled}>'
    head = (
        f'\n <title id="{ident}-title">{escape(title)}</title>'
        f'\n <desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return svg[:start] + opening + head + svg[end + 1 :]
