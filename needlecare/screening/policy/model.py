"""Rules, policies and intakes: small frozen values that validate themselves.

An invalid rule, policy or intake cannot be constructed, so the engine never meets one.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from .checks import known_regions, quote
from .errors import IntakeError, PolicyError
from .messages import reason_message
from .vocabulary import (
    CONDITION_CODES,
    CONDITION_INFO,
    CONDITION_SET,
    EFFECT_RANK,
    EFFECTS,
    SCOPES,
    region_order,
)

# Part of the hashed content: bump it if the meaning of a stored rule ever changes, so that
# policies written under the old meaning get new versions.
RULES_FORMAT = 1
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


# --- Policy --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """What one reported condition does to a plan.

    effect: "contraindicated", "physician_clearance_required" or "precaution".
    scope: "whole_patient" (every planned region), "where_present" (the regions where the
    patient has it; all of them when the patient did not say where) or "regions" (the fixed
    `regions`, e.g. ("low_back",)).
    cleared_effect: the effect once a physician's clearance for the condition is on record;
    None means a clearance changes nothing. It may not be stricter than `effect`.
    """

    effect: str
    scope: str
    regions: tuple[str, ...] = ()
    cleared_effect: str | None = None

    def __post_init__(self) -> None:
        if self.effect not in EFFECTS:
            raise PolicyError(
                f"unknown effect {quote(self.effect)} (expected one of: {', '.join(EFFECTS)})"
            )
        if self.scope not in SCOPES:
            raise PolicyError(
                f"unknown scope {quote(self.scope)} (expected one of: {', '.join(SCOPES)})"
            )
        regions = region_order(known_regions(self.regions, PolicyError, "regions"))
        if self.scope == "regions" and not regions:
            raise PolicyError('scope "regions" needs at least one region')
        if self.scope != "regions" and regions:
            raise PolicyError(f'regions are only used with scope "regions", not {self.scope!r}')
        object.__setattr__(self, "regions", regions)
        if self.cleared_effect is not None:
            if self.cleared_effect not in EFFECTS:
                raise PolicyError(
                    f"unknown cleared_effect {quote(self.cleared_effect)} (expected null or one"
                    f" of: {', '.join(EFFECTS)})"
                )
            if EFFECT_RANK[self.cleared_effect] > EFFECT_RANK[self.effect]:
                raise PolicyError(
                    f"cleared_effect {self.cleared_effect!r} is stricter than effect"
                    f" {self.effect!r}; a physician's clearance cannot make screening stricter"
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "effect": self.effect,
            "scope": self.scope,
            "regions": list(self.regions),
            "cleared_effect": self.cleared_effect,
        }

    @classmethod
    def from_dict(cls, data: object) -> "Rule":
        if not isinstance(data, Mapping):
            raise PolicyError(f"a rule must be an object, not {quote(data)}")
        unknown = set(data) - {"effect", "scope", "regions", "cleared_effect"}
        if unknown:
            raise PolicyError(f"unknown rule field {quote(sorted(map(str, unknown))[0])}")
        for key in ("effect", "scope"):
            if key not in data:
                raise PolicyError(f"a rule needs {key!r}")
        return cls(
            effect=data["effect"],
            scope=data["scope"],
            regions=data.get("regions", ()),
            cleared_effect=data.get("cleared_effect"),
        )


class _Compiled(NamedTuple):
    """A rule prepared for the engine: everything it needs, looked up once per policy."""

    order: int  # position in the condition table, for a stable order of reasons
    effect: str
    rank: int
    scope: str
    regions: frozenset[str]
    cleared_effect: str | None
    cleared_to: str  # the effect once cleared: cleared_effect, or effect when that is None
    cleared_rank: int
    # (cleared, location_unknown) -> message
    messages: dict[tuple[bool, bool], str]


def _compile(code: str, index: int, rule: Rule) -> _Compiled:
    info = CONDITION_INFO[code]
    messages = {}
    for cleared in (False, True):
        effect = rule.cleared_effect if cleared and rule.cleared_effect else rule.effect
        for unknown in (False, True):
            messages[cleared, unknown] = reason_message(
                info,
                effect=effect,
                scope=rule.scope,
                rule_regions=rule.regions,
                cleared_effect=rule.cleared_effect,
                cleared=cleared and rule.cleared_effect is not None,
                location_unknown=unknown,
            )
    cleared_effect = rule.cleared_effect
    return _Compiled(
        order=index,
        effect=rule.effect,
        rank=EFFECT_RANK[rule.effect],
        scope=rule.scope,
        regions=frozenset(rule.regions),
        cleared_effect=cleared_effect,
        cleared_to=cleared_effect or rule.effect,
        cleared_rank=EFFECT_RANK[cleared_effect or rule.effect],
        messages=messages,
    )


@dataclass(frozen=True, eq=False)
class Policy:
    """A named, complete set of rules (one per condition code) with a content-derived version.

    `version` is the name and the first 12 hex digits of the SHA-256 of the canonical rules,
    e.g. "default-3f9a1c2b7d4e": the same rules always give the same version, and any change to
    any rule gives a new one, so a stored decision names exactly the rules that made it.
    """

    name: str
    rules: Mapping[str, Rule]
    _version: str = field(init=False, repr=False)
    _compiled: Mapping[str, _Compiled] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not name or len(name) > 64 or set(name) - _NAME_CHARS:
            raise PolicyError(
                f"policy name {quote(name)} must be 1 to 64 letters, digits, '-', '_' or '.'"
            )
        if not isinstance(self.rules, Mapping):
            raise PolicyError(
                f"rules must be a mapping of condition code to rule, not {self.rules!r}"
            )
        unknown = [c for c in self.rules if not isinstance(c, str) or c not in CONDITION_SET]
        if unknown:
            raise PolicyError(f"rules: unknown condition code {quote(unknown[0])}")
        missing = [code for code in CONDITION_CODES if code not in self.rules]
        if missing:
            raise PolicyError(f"rules: no rule for condition {missing[0]!r}")
        for code in CONDITION_CODES:
            if not isinstance(self.rules[code], Rule):
                raise PolicyError(f"rules: the rule for {code!r} is not a Rule")
        rules = {code: self.rules[code] for code in CONDITION_CODES}
        object.__setattr__(self, "rules", MappingProxyType(rules))
        canonical = json.dumps(
            {"format": RULES_FORMAT, "rules": {code: r.to_dict() for code, r in rules.items()}},
            sort_keys=True,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()[:12]
        object.__setattr__(self, "_version", f"{name}-{digest}")
        compiled = {code: _compile(code, i, rules[code]) for i, code in enumerate(CONDITION_CODES)}
        object.__setattr__(self, "_compiled", MappingProxyType(compiled))

    @property
    def version(self) -> str:
        return self._version

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return self._version == other._version and dict(self.rules) == dict(other.rules)

    def __hash__(self) -> int:
        return hash(self._version)

    def __repr__(self) -> str:
        return f"Policy(name={self.name!r}, version={self._version!r})"

    def with_rule(self, code: str, rule: Rule, name: str | None = None) -> "Policy":
        """A new policy with `code`'s rule replaced (and, optionally, a new name)."""
        if not isinstance(code, str) or code not in CONDITION_SET:
            raise PolicyError(f"unknown condition code {quote(code)}")
        return Policy(name=self.name if name is None else name, rules={**self.rules, code: rule})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: {"name", "version", "rules": {code: {effect, scope, regions,
        cleared_effect}}}."""
        return {
            "name": self.name,
            "version": self._version,
            "rules": {code: rule.to_dict() for code, rule in self.rules.items()},
        }

    @classmethod
    def from_dict(cls, data: object) -> "Policy":
        """The inverse of to_dict; a "version" that does not match the rules is refused."""
        if not isinstance(data, Mapping):
            raise PolicyError(f"a policy must be an object, not {quote(data)}")
        unknown = set(data) - {"name", "version", "rules"}
        if unknown:
            raise PolicyError(f"unknown policy field {quote(sorted(map(str, unknown))[0])}")
        if "name" not in data or "rules" not in data:
            raise PolicyError('a policy needs "name" and "rules"')
        raw_rules = data["rules"]
        if not isinstance(raw_rules, Mapping):
            raise PolicyError(f"rules must be an object, not {quote(raw_rules)}")
        rules = {}
        for code, raw in raw_rules.items():
            if not isinstance(code, str) or code not in CONDITION_SET:
                raise PolicyError(f"rules: unknown condition code {quote(code)}")
            try:
                rules[code] = Rule.from_dict(raw)
            except PolicyError as exc:
                raise PolicyError(f"rules.{code}: {exc}") from None
        policy = cls(name=data["name"], rules=rules)
        stated = data.get("version")
        if stated is not None and stated != policy.version:
            raise PolicyError(
                f"version {quote(stated)} does not match the rules (they give"
                f" {policy.version!r}); the stored policy was changed or damaged"
            )
        return policy


# --- Intake --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportedCondition:
    """A condition the patient reports; `regions` empty means the location is unknown."""

    code: str
    regions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or self.code not in CONDITION_SET:
            raise IntakeError(f"unknown condition code {quote(self.code)}")
        regions = known_regions(self.regions, IntakeError, f"regions of {self.code}")
        object.__setattr__(self, "regions", region_order(regions))


@dataclass(frozen=True, slots=True)
class Intake:
    """What screening looks at: the plan, the reported conditions and the clearances on record.

    Normalised on construction, so equal meaning gives equal intakes: planned regions keep
    their order without repeats; conditions are one per code, in table order (the same code
    reported twice merges its regions, and anywhere unknown wins, the safe reading); regions
    are in vocabulary order.
    """

    planned_regions: tuple[str, ...]
    conditions: tuple[ReportedCondition, ...] = ()
    physician_clearances: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        planned = known_regions(self.planned_regions, IntakeError, "planned_regions")
        if not planned:
            raise IntakeError("planned_regions must name at least one region")
        object.__setattr__(self, "planned_regions", tuple(dict.fromkeys(planned)))

        if isinstance(self.conditions, str | bytes) or not isinstance(self.conditions, Iterable):
            raise IntakeError("conditions must be a list of reported conditions")
        merged: dict[str, set[str] | None] = {}
        for condition in self.conditions:
            if not isinstance(condition, ReportedCondition):
                raise IntakeError(f"conditions must hold ReportedCondition, not {condition!r}")
            seen = merged.get(condition.code, set())
            if seen is None or not condition.regions:
                merged[condition.code] = None  # somewhere unknown: everywhere
            else:
                merged[condition.code] = seen | set(condition.regions)
        object.__setattr__(
            self,
            "conditions",
            tuple(
                ReportedCondition(code, tuple(merged[code] or ()))
                for code in CONDITION_CODES
                if code in merged
            ),
        )

        clearances = self.physician_clearances
        if isinstance(clearances, str | bytes) or not isinstance(clearances, Iterable):
            raise IntakeError("physician_clearances must be a list of condition codes")
        for code in clearances:
            if not isinstance(code, str) or code not in CONDITION_SET:
                raise IntakeError(f"physician_clearances: unknown condition code {quote(code)}")
        object.__setattr__(self, "physician_clearances", frozenset(clearances))

    def to_dict(self) -> dict[str, Any]:
        """The contract's input JSON; parse_intake(intake.to_dict()) == intake."""
        return {
            "planned_regions": list(self.planned_regions),
            "conditions": [
                {"code": c.code, "regions": list(c.regions)} if c.regions else {"code": c.code}
                for c in self.conditions
            ],
            "physician_clearances": [c for c in CONDITION_CODES if c in self.physician_clearances],
        }
