"""score(), change() and default_instruments(): the instruments' rules, applied.

Arithmetic is exact (fractions) and rounded once, half up, to one decimal place, so a score
does not depend on float noise (6.25 shows as 6.3, as on paper).
"""

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

from .catalogue import INSTRUMENTS
from .model import Change, Instrument, Item, Score, ScoringError

# Instruments picked by default_instruments(): NPRS for everyone, then these by region (the
# clinical reference names defaults only for them; LEFS and QuickDASH carry region hints for
# pages to suggest, but are not defaults).
ALWAYS = ("nprs",)
BY_REGION = ("ndi", "odi", "hit6")
# Tolerance for comparing changes with thresholds: scores carry at most two decimals, so
# anything closer than this is float noise (e.g. 33.3 - 23.3 = 9.999999999999998).
_EPS = 1e-6


def score(code: str, answers: Mapping[str, int | None]) -> Score:
    """Score one completed questionnaire; a missing answer is an absent key or None.

    Raises ScoringError, with one plain line, for an unknown instrument or item, an answer
    that is not one of the item's allowed values, or more missing items than the instrument
    allows (see its `missing_rule`).
    """
    instrument = instrument_for(code)
    if not isinstance(answers, Mapping):
        raise ScoringError(f"{instrument.name}: answers must be a mapping of item to value")
    known = set(instrument.item_keys)
    unknown = sorted((key for key in answers if key not in known), key=str)
    if unknown:
        raise ScoringError(
            f"{instrument.name}: unknown item {_quote(unknown[0])} "
            f"(expected: {', '.join(instrument.item_keys)})"
        )
    values: list[int] = []
    most = 0  # the largest total the answered items could reach
    missing: list[str] = []
    for item in instrument.items:
        value = answers.get(item.key)
        if value is None:
            missing.append(item.key)
            continue
        _check_answer(instrument, item, value)
        values.append(value)
        most += max(item.values)
    _check_missing(instrument, missing)

    answered = len(values)
    total = sum(values)
    rounded = _round(_formula(instrument, total, answered, most))
    return Score(
        instrument=instrument.code,
        version=instrument.version,
        value=rounded,
        answered=answered,
        total_items=len(instrument.items),
        band=_band(instrument, rounded),
        raw=None if instrument.method == "mean" else float(total),
    )


def change(code: str, before: float, after: float) -> Change:
    """Compare two scores of one instrument with its direction and meaningful change.

    Meaningful: the change is at least the MCID's points in either direction, or (for an
    improvement only) at least its percent of the first score. The percent thresholds (NPRS
    30%, ODI 30%) are defined by their sources as improvements from baseline; a rise from a
    low score (1 to 2 is +100%) is not read as a meaningful worsening, only a rise of the
    MCID's points is.
    """
    instrument = instrument_for(code)
    first = _check_score(instrument, "before", before)
    last = _check_score(instrument, "after", after)
    exact = last - first
    gain = -exact if instrument.better == "lower" else exact  # > 0: better
    improved = gain > _EPS
    mcid = instrument.mcid
    meaningful = mcid.points is not None and abs(exact) >= mcid.points - _EPS
    if mcid.percent is not None and first > 0:  # gain is signed: only an improvement counts
        meaningful = meaningful or gain / first * 100 >= mcid.percent - _EPS
    return Change(
        delta=round(exact, 2) + 0.0,  # + 0.0 turns -0.0 into 0.0
        percent=None if first == 0 else round(exact / first * 100, 1) + 0.0,
        improved=improved,
        meaningful=meaningful,
        threshold_text=mcid.describe(instrument.unit),
    )


def default_instruments(regions: Iterable[str]) -> list[str]:
    """Instrument codes to offer for the body regions treated: NPRS, then any region defaults.

    NDI for "neck", ODI for "low_back", HIT-6 for "head", in that order, each once; regions
    with no instrument of their own (and unknown codes) add nothing.
    """
    if isinstance(regions, str | bytes):
        raise TypeError("regions must be a collection of region codes, not one string")
    wanted = set(regions)
    chosen = list(ALWAYS)
    chosen += [code for code in BY_REGION if wanted.intersection(INSTRUMENTS[code].regions)]
    return chosen


def band(code: str, value: float) -> str | None:
    """The band a score of this instrument falls in (ODI); None for instruments without."""
    instrument = instrument_for(code)
    return _band(instrument, _check_score(instrument, "value", value))


def instrument_for(code: str) -> Instrument:
    """The instrument with this code, or ScoringError naming the known codes."""
    instrument = INSTRUMENTS.get(code) if isinstance(code, str) else None
    if instrument is None:
        raise ScoringError(
            f"unknown instrument {_quote(code)} (expected one of: {', '.join(INSTRUMENTS)})"
        )
    return instrument


# --- the rules -----------------------------------------------------------------------------


def _check_answer(instrument: Instrument, item: Item, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoringError(
            f"{instrument.name}: the answer to {item.key!r} must be a whole number, "
            f"not {_quote(value)}"
        )
    if value not in item.values:
        raise ScoringError(
            f"{instrument.name}: the answer to {item.key!r} is {value}, "
            f"outside the allowed {_allowed(item.values)}"
        )


def _check_missing(instrument: Instrument, missing: list[str]) -> None:
    if len(missing) <= instrument.max_missing:
        return
    total = len(instrument.items)
    names = ", ".join(missing)
    if instrument.max_missing == 0:
        raise ScoringError(f"{instrument.name}: every item must be answered; unanswered: {names}")
    raise ScoringError(
        f"{instrument.name}: {total - len(missing)} of {total} items answered, at least "
        f"{total - instrument.max_missing} are needed; unanswered: {names}"
    )


def _formula(instrument: Instrument, total: int, answered: int, most: int) -> Fraction:
    method = instrument.method
    if method == "sum":
        # Scaled to all items when an allowed item is missing (mean imputation).
        return Fraction(total * len(instrument.items), answered)
    if method == "mean":
        return Fraction(total, answered)
    if method == "percent":
        return Fraction(total * 100, most)
    if method == "dash":
        return (Fraction(total, answered) - 1) * 25
    raise AssertionError(f"unhandled scoring method {method!r}")  # Instrument refuses others


def _band(instrument: Instrument, value: float) -> str | None:
    for upper, label in instrument.bands:
        if value <= upper:
            return label
    return None


def _check_score(instrument: Instrument, what: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScoringError(f"{instrument.name}: {what} must be a number, not {_quote(value)}")
    low, high = instrument.score_range
    if not low <= value <= high:
        raise ScoringError(f"{instrument.name}: {what} score {value:g} is outside {low:g}-{high:g}")
    return float(value)


def _round(value: Fraction) -> float:
    """Half up to one decimal place (every score is >= 0)."""
    return math.floor(value * 10 + Fraction(1, 2)) / 10


def _allowed(values: tuple[int, ...]) -> str:
    low, high = min(values), max(values)
    if values == tuple(range(low, high + 1)):
        return f"range {low}-{high}"
    return "values " + ", ".join(str(v) for v in values)


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
