"""Instruments, scores and changes: small frozen values; an invalid instrument cannot be built."""

from dataclasses import dataclass

BETTER = ("lower", "higher")
UNITS = ("points", "%")
# How the answered items become the score (see scoring.py):
#   "sum"      the sum, scaled up to all items when an allowed item is missing
#   "mean"     the mean of the answered items
#   "percent"  sum / (maximum of the answered items) x 100
#   "dash"     ((sum / answered) - 1) x 25, the DASH family's 0-100 transform
METHODS = ("sum", "mean", "percent", "dash")


class ScoringError(ValueError):
    """Answers (or scores) that cannot be scored; the message is one plain line naming why."""


@dataclass(frozen=True, slots=True)
class Item:
    """One question: a stable key, a plain title, and the answers allowed as (value, label)."""

    key: str
    text: str
    choices: tuple[tuple[int, str], ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(value for value, _ in self.choices)


@dataclass(frozen=True, slots=True)
class Mcid:
    """The smallest change that matters to patients, in the instrument's own score units.

    points: an absolute change on the score's scale (for a "%" score, percentage points).
    percent: an improvement relative to the first score, e.g. 30 for "30% better"; None when
    the source gives none. A change is meaningful when it reaches either threshold.
    """

    points: float | None
    percent: float | None
    source: str

    def __post_init__(self) -> None:
        if self.points is None and self.percent is None:
            raise ValueError("an MCID needs points, percent or both")

    def describe(self, unit: str = "points") -> str:
        """One line for people, e.g. "Meaningful change: 2 points or ... (Farrar 2001)"."""
        parts = []
        if self.points is not None:
            name = "percentage points" if unit == "%" else "points"
            parts.append(f"{_number(self.points)} {name}")
        if self.percent is not None:
            parts.append(f"a {_number(self.percent)}% improvement on the first score")
        return f"Meaningful change: {' or '.join(parts)} ({self.source})"


@dataclass(frozen=True, slots=True)
class Instrument:
    """A questionnaire and how it is scored; `version` is stored with every score it makes.

    Bump `version` whenever anything that changes a score or its reading changes (items,
    allowed values, formula, missing-item rule, rounding, bands, MCID), so a stored score can
    always be traced to the rules that made it.

    regions: screening region codes this instrument suits; () means it suits everyone.
    bands: (upper bound, label) pairs in rising order; a score takes the first band whose
    upper bound it does not exceed. () means the instrument has no bands.
    verified: False while some of its facts still await a clinician's sign-off (see `note`).
    max_missing: how many items may be left unanswered and the score still made;
    missing_rule says why, in plain words.
    """

    code: str
    name: str
    version: str
    items: tuple[Item, ...]
    better: str
    score_range: tuple[float, float]
    unit: str
    mcid: Mcid
    regions: tuple[str, ...]
    verified: bool = True
    method: str = "sum"
    max_missing: int = 0
    missing_rule: str = "Every item must be answered."
    bands: tuple[tuple[float, str], ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        problems = []
        if self.better not in BETTER:
            problems.append(f"better must be one of {BETTER}")
        if self.unit not in UNITS:
            problems.append(f"unit must be one of {UNITS}")
        if self.method not in METHODS:
            problems.append(f"method must be one of {METHODS}")
        keys = [item.key for item in self.items]
        if not keys or len(set(keys)) != len(keys):
            problems.append("items must be present and have distinct keys")
        if not 0 <= self.max_missing < len(keys):
            problems.append("max_missing must leave at least one item to answer")
        low, high = self.score_range
        if not low < high:
            problems.append("score_range must run from low to high")
        uppers = [upper for upper, _ in self.bands]
        if self.bands and (uppers != sorted(set(uppers)) or uppers[-1] < high):
            problems.append("bands must rise and cover the top of the score range")
        if problems:
            raise ValueError(f"instrument {self.code!r}: " + "; ".join(problems))

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass(frozen=True, slots=True)
class Score:
    """One scored questionnaire: the value, what it was made from, and the version that made it.

    raw: the plain sum of the answered items (before any scaling or transform); None for the
    PSFS, whose activities are chosen by the patient and so have no meaningful sum.
    band: the instrument's band for the value (the ODI's disability band); None for
    instruments without bands.
    """

    instrument: str
    version: str
    value: float
    answered: int
    total_items: int
    band: str | None
    raw: float | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """Change between two scores of one instrument, read against its meaningful change.

    delta: after - before, in score units. percent: delta relative to `before` (signed);
    None when `before` is 0. improved: moved in the better direction. meaningful: moved at
    least the MCID in either direction (so improved and meaningful is a meaningful
    improvement, meaningful and not improved a meaningful worsening).
    """

    delta: float
    percent: float | None
    improved: bool
    meaningful: bool
    threshold_text: str


def _number(value: float) -> str:
    return f"{value:g}"
