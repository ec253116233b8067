"""FHIR search parameters, read from a query string into plain values. Pure: no Django.

Common to every type: `_id`, `_count` (1 to 200, default 50), `_offset` (the paging links
use it), `_include` (`{Type}:patient` on a patient's records), `_format` (JSON only). Patient
records add `patient` (or `subject`) and `date`; clinic records add `clinic` (an
Organization id). A parameter the type does not support, or a value of the wrong shape, is a
SearchError: the server answers 400 with an OperationOutcome.
"""

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DEFAULT_COUNT = 50
MAX_COUNT = 200
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
COMMON = frozenset({"_id", "_count", "_offset", "_include", "_format"})
PREFIXES = ("eq", "gt", "ge", "lt", "le")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class SearchError(ValueError):
    """A search the server will not run: says which parameter and why."""


@dataclass(frozen=True)
class Bound:
    """One side of a date range: moments at or after `start` (or before `end`)."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None  # exclusive


@dataclass
class Search:
    ids: list[str] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    include_patient: bool = False
    patient_ids: list[int] = field(default_factory=list)
    clinic_ids: list[int] = field(default_factory=list)
    dates: list[Bound] = field(default_factory=list)
    other: dict[str, list[str]] = field(default_factory=dict)  # type-specific, checked later


def _number(name: str, value: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise SearchError(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def reference_id(name: str, value: str, type: str) -> int:
    """`12` or `Patient/12` (of the expected type) -> 12."""
    kind, _, number = value.rpartition("/")
    if kind not in ("", type) or not number.isdigit() or len(number) > 17:
        raise SearchError(f"{name} must be a {type} id, like {type}/12.")
    return int(number)


def _period(text: str, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A date (YYYY, YYYY-MM, YYYY-MM-DD, in the clinics' zone) or an instant with its offset,
    as [start, end)."""
    match = DATE.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            first = dt.date(year or 1, month or 1, day or 1)
        except ValueError as exc:
            raise SearchError(f"date: {text} is not a date.") from exc
        if day is not None:
            last = first + dt.timedelta(days=1)
        elif month is not None:
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            last = first.replace(year=first.year + 1)
        start = dt.datetime.combine(first, dt.time(), zone)
        return start, dt.datetime.combine(last, dt.time(), zone)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise SearchError(f"date: {text} is neither a date nor a time with its offset.") from exc
    if moment.tzinfo is None:
        raise SearchError(f"date: {text} needs a time zone offset (e.g. -05:00 or Z).")
    return moment, moment + dt.timedelta(microseconds=1)


def date_bound(value: str, zone: zoneinfo.ZoneInfo) -> Bound:
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    text = value[2:] if value[:2] in PREFIXES else value
    try:
        start, end = _period(text, zone)
    except SearchError:
        raise
    except (ValueError, OverflowError) as exc:  # the ends of the calendar: 9999-12-31 + 1 day
        raise SearchError(f"date: {text} is out of range.") from exc
    return {
        "eq": Bound(start, end),
        "ge": Bound(start=start),
        "gt": Bound(start=end),
        "lt": Bound(end=start),
        "le": Bound(end=end),
    }[prefix]


def parse(
    query: Mapping[str, Sequence[str]],
    *,
    type: str,
    allowed: Iterable[str],
    zone: zoneinfo.ZoneInfo,
) -> Search:
    """The search a query string asks for; SearchError for anything unsupported."""
    allowed = frozenset(allowed) | COMMON
    search = Search()
    for name, values in query.items():
        if name not in allowed:
            raise SearchError(f"{type} has no search parameter {name!r}.")
        for value in values:
            if len(value) > 200:
                raise SearchError(f"{name}: the value is too long.")
            _one(search, name, value, type=type, zone=zone)
    return search


def _one(search: Search, name: str, value: str, *, type: str, zone: zoneinfo.ZoneInfo) -> None:
    if name == "_id":
        search.ids += [v for v in value.split(",") if v]
    elif name == "_count":
        search.count = _number(name, value, 1, MAX_COUNT)
    elif name == "_offset":
        search.offset = _number(name, value, 0, 10**9)
    elif name == "_include":
        if value != f"{type}:patient" or type == "Patient":
            raise SearchError(f"_include supports {type}:patient on a patient's records only.")
        search.include_patient = True
    elif name == "_format":
        if value not in JSON_FORMATS:
            raise SearchError("_format: this server speaks JSON only (application/fhir+json).")
    elif name in ("patient", "subject"):
        search.patient_ids += [reference_id(name, v, "Patient") for v in value.split(",")]
    elif name in ("clinic", "organization"):
        search.clinic_ids += [reference_id(name, v, "Organization") for v in value.split(",")]
    elif name in ("date", "start"):  # start: a Slot's
        search.dates.append(date_bound(value, zone))
    else:
        search.other.setdefault(name, []).append(value)


def page_query(query: Mapping[str, Sequence[str]], offset: int) -> list[tuple[str, str]]:
    """The same search at another offset, for the Bundle's links."""
    pairs = [(k, v) for k, values in query.items() if k != "_offset" for v in values]
    return [*pairs, ("_offset", str(offset))] if offset else pairs
