"""Adverse events per 100 sessions, beside the published rates. Pure: counts in, rates out."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Events per 100 treatments (Brady 2014, 7,629 treatments) and per 100 sessions (Boyce 2020,
# about 20,500 sessions), from the clinical reference. None where a study gives no figure.
PUBLISHED: dict[str, tuple[str, float | None, float | None]] = {
    "any_mild": ("Any mild event", 19.18, 36.7),
    "bruising": ("Bruising", 7.55, 7.7),
    "bleeding": ("Bleeding", 4.65, 16.0),
    "pain_during": ("Pain during treatment", 3.01, 5.9),
    "soreness_after": ("Pain after treatment", 2.19, None),
    "aggravation": ("Aggravation of symptoms", 0.88, None),
    "drowsiness": ("Drowsiness", 0.26, None),
    "headache": ("Headache", 0.14, None),
    "significant_or_serious": ("Significant or serious", 0.04, 0.1),
}
# Brady saw no significant or serious event: 0.04 is the upper bound of its confidence
# interval; Boyce reports under 0.1.


@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    therapist: str
    clinic: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class EventFacts:
    session_id: int
    category: str
    severity: str


@dataclass(frozen=True)
class Rate:
    events: int
    sessions: int

    @property
    def per_100(self) -> float | None:
        return round(100 * self.events / self.sessions, 2) if self.sessions else None


@dataclass
class Report:
    sessions: int
    by_category: dict[str, Rate] = field(default_factory=dict)
    by_therapist: dict[str, Rate] = field(default_factory=dict)
    by_clinic: dict[str, Rate] = field(default_factory=dict)
    by_region: dict[str, Rate] = field(default_factory=dict)


def _rates(groups: dict[str, set[int]], events: list[EventFacts]) -> dict[str, Rate]:
    per_session = Counter(e.session_id for e in events)
    return {
        key: Rate(events=sum(per_session[s] for s in ids), sessions=len(ids))
        for key, ids in sorted(groups.items())
    }


def adverse_event_report(sessions: Iterable[SessionFacts], events: Iterable[EventFacts]) -> Report:
    """Events per 100 sessions by category, and all events per 100 sessions by therapist,
    clinic and needled region. 'any_mild' counts sessions with at least one mild event."""
    sessions = list(sessions)
    known = {s.session_id for s in sessions}
    events = [e for e in events if e.session_id in known]
    total = len(sessions)
    report = Report(sessions=total)
    categories = Counter(e.category for e in events)
    report.by_category = {c: Rate(n, total) for c, n in sorted(categories.items())}
    mild_sessions = {e.session_id for e in events if e.severity == "mild"}
    report.by_category["any_mild"] = Rate(len(mild_sessions), total)
    report.by_category["significant_or_serious"] = Rate(
        sum(1 for e in events if e.severity in ("significant", "serious")), total
    )
    by_therapist: dict[str, set[int]] = defaultdict(set)
    by_clinic: dict[str, set[int]] = defaultdict(set)
    by_region: dict[str, set[int]] = defaultdict(set)
    for s in sessions:
        by_therapist[s.therapist].add(s.session_id)
        by_clinic[s.clinic].add(s.session_id)
        for region in s.regions:
            by_region[region].add(s.session_id)
    report.by_therapist = _rates(by_therapist, events)
    report.by_clinic = _rates(by_clinic, events)
    report.by_region = _rates(by_region, events)
    return report
