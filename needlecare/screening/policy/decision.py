"""A screening's decision as a value: overall, per planned region, and the reasons why.

`Decision.from_dict` reads a stored decision back, so the rest of needlecare asks a decision
its questions (`cleared_regions()`, `precautions_for(regions)`, ...) instead of reading JSON.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .checks import known_regions, quote
from .errors import PolicyError
from .vocabulary import CLEARING_DECISIONS, CONDITION_SET, EFFECTS, REGION_DECISIONS


@dataclass(frozen=True, slots=True)
class Reason:
    """One reported condition that reaches the plan: its effect, where, and why in words."""

    code: str
    effect: str
    regions: tuple[str, ...]  # the planned regions it reaches, in planned order
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "effect": self.effect,
            "regions": list(self.regions),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: object) -> "Reason":
        """A reason as the contract writes it; anything else is a PolicyError."""
        if not isinstance(data, Mapping) or set(data) != {"code", "effect", "regions", "message"}:
            raise PolicyError(f"a reason needs code, effect, regions and message: {quote(data)}")
        if data["code"] not in CONDITION_SET or data["effect"] not in EFFECTS:
            raise PolicyError(f"unknown reason {quote(data['code'])}/{quote(data['effect'])}")
        return cls(
            code=data["code"],
            effect=data["effect"],
            regions=known_regions(data["regions"], PolicyError, "reason regions"),
            message=str(data["message"]),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The screening result: overall, per planned region (in planned order), and why."""

    decision: str
    regions: dict[str, str]
    reasons: tuple[Reason, ...]
    policy_version: str

    def to_dict(self) -> dict[str, Any]:
        """The contract's output JSON."""
        return {
            "decision": self.decision,
            "regions": dict(self.regions),
            "reasons": [reason.to_dict() for reason in self.reasons],
            "policy_version": self.policy_version,
        }

    @classmethod
    def from_dict(cls, data: object) -> "Decision":
        """The inverse of to_dict: a stored decision read back as the engine's own value."""
        if not isinstance(data, Mapping):
            raise PolicyError(f"a decision must be an object, not {quote(data)}")
        missing = {"decision", "regions", "reasons", "policy_version"} - set(data)
        if missing:
            raise PolicyError(f"a decision needs {sorted(missing)[0]!r}")
        regions = data["regions"]
        if not isinstance(regions, Mapping) or data["decision"] not in REGION_DECISIONS:
            raise PolicyError(f"not a decision: {quote(data['decision'])}")
        known_regions(list(regions), PolicyError, "decision regions")
        if any(d not in REGION_DECISIONS for d in regions.values()):
            raise PolicyError("unknown region decision in a stored decision")
        return cls(
            decision=data["decision"],
            regions=dict(regions),
            reasons=tuple(Reason.from_dict(r) for r in data["reasons"]),
            policy_version=str(data["policy_version"]),
        )

    @property
    def planned_regions(self) -> tuple[str, ...]:
        """The regions decided, in the order they were planned."""
        return tuple(self.regions)

    def clears(self, region: str) -> bool:
        """Whether this region may be needled (with care, under a precaution)."""
        return self.regions.get(region) in CLEARING_DECISIONS

    def cleared_regions(self) -> tuple[str, ...]:
        """The planned regions that may be needled, in planned order."""
        return tuple(r for r, d in self.regions.items() if d in CLEARING_DECISIONS)

    def not_cleared(self) -> dict[str, str]:
        """The planned regions that may not be needled (yet), with each one's decision."""
        return {r: d for r, d in self.regions.items() if d not in CLEARING_DECISIONS}

    def reasons_for(self, region: str) -> tuple[Reason, ...]:
        """The reasons that reach one planned region."""
        return tuple(r for r in self.reasons if region in r.regions)

    def with_effect(self, effect: str) -> tuple[Reason, ...]:
        """The reasons with one effect, e.g. the conditions a physician must clear."""
        return tuple(r for r in self.reasons if r.effect == effect)

    def precautions_for(self, regions: Iterable[str]) -> tuple[Reason, ...]:
        """The precautions that reach any of these regions."""
        wanted = set(regions)
        return tuple(r for r in self.with_effect("precaution") if wanted & set(r.regions))
