"""The progress sentences of reports.charts, in the page's language, for the measures pages.

reports.charts writes them in English for the physician letters, which stay English; these
functions say the same things in the active language, and in English give exactly the words of
`progress_statement` and `chart_description` (tested).
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from needlecare.outcomes.instruments import INSTRUMENTS, Instrument, change
from needlecare.reports.charts import _number, _score, _short_source

# The sources of the thresholds that are words, not an author and a year.
SOURCE_WORDS = [gettext_noop("unverified"), gettext_noop("clinical reference")]


def _points(value: float) -> str:
    shown = _number(value)
    return ngettext("%(points)s point", "%(points)s points", 1 if shown == "1" else 2) % {
        "points": shown
    }


def _day(when: dt.datetime) -> str:
    return date_format(when, pgettext("date format", "M j, Y"))


def threshold_words(code: str, *, worsening: bool = False) -> str:
    """reports.charts.threshold_phrase in the active language."""
    mcid = INSTRUMENTS[code].mcid
    parts = []
    if mcid.points is not None:
        parts.append(_points(mcid.points))
    if mcid.percent is not None and not worsening:
        parts.append(f"{_number(mcid.percent)}%")
    amount = parts[0]
    for more in parts[1:]:
        amount = gettext("%(one)s or %(other)s") % {"one": amount, "other": more}
    source = gettext(_short_source(mcid.source))
    return gettext("at least %(amount)s, %(source)s") % {"amount": amount, "source": source}


def progress_words(code: str, first: float, last: float) -> str:
    """reports.charts.progress_statement in the active language."""
    instrument = INSTRUMENTS[code]
    moved = change(code, first, last)
    if moved.delta == 0:
        return gettext(
            "%(name)s is unchanged at %(score)s (a meaningful change is %(threshold)s)."
        ) % {
            "name": instrument.name,
            "score": _score(instrument, first),
            "threshold": threshold_words(code),
        }
    size = _points(abs(moved.delta))
    if moved.improved and instrument.mcid.percent is not None and moved.percent is not None:
        size = gettext("%(points)s, %(percent)s of the first score") % {
            "points": size,
            "percent": f"{_number(abs(moved.percent))}%",
        }
    if moved.improved and moved.meaningful:
        sentence = gettext(
            "%(name)s improved from %(first)s to %(last)s (%(size)s); that is a meaningful "
            "change (%(threshold)s)."
        )
    elif moved.improved:
        sentence = gettext(
            "%(name)s improved from %(first)s to %(last)s (%(size)s); that is not yet a "
            "meaningful change (%(threshold)s)."
        )
    elif moved.meaningful:
        sentence = gettext(
            "%(name)s worsened from %(first)s to %(last)s (%(size)s); that is a meaningful "
            "worsening (%(threshold)s)."
        )
    else:
        sentence = gettext(
            "%(name)s worsened from %(first)s to %(last)s (%(size)s); that is not a meaningful "
            "change (%(threshold)s)."
        )
    return sentence % {
        "name": instrument.name,
        "first": _score(instrument, first),
        "last": _score(instrument, last),
        "size": size,
        "threshold": threshold_words(code, worsening=not moved.improved),
    }


def _better(instrument: Instrument, name: str, when: str) -> str:
    if instrument.better == "lower":
        return gettext("%(name)s, %(when)s; lower is better.") % {"name": name, "when": when}
    return gettext("%(name)s, %(when)s; higher is better.") % {"name": name, "when": when}


def chart_words(code: str, points: list[tuple[dt.datetime, float]], sessions: int) -> str:
    """reports.charts.chart_description in the active language."""
    instrument = INSTRUMENTS[code]
    if len(points) == 1:
        when = gettext("one score, on %(day)s") % {"day": _day(points[0][0])}
    else:
        when = gettext("%(count)s scores from %(first)s to %(last)s") % {
            "count": len(points),
            "first": _day(points[0][0]),
            "last": _day(points[-1][0]),
        }
    parts = [
        _better(instrument, instrument.name, when),
        ngettext(
            "%(count)s dry needling session marked.",
            "%(count)s dry needling sessions marked.",
            sessions,
        )
        % {"count": sessions},
    ]
    if len(points) > 1:
        parts.append(progress_words(code, points[0][1], points[-1][1]))
    else:
        parts.append(
            gettext("First score %(score)s; no change to report yet.")
            % {"score": _score(instrument, points[0][1])}
        )
    return " ".join(parts)
