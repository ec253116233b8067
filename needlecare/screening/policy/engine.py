"""evaluate(intake, policy) -> Decision: the strongest effect reaching each planned region."""

from operator import itemgetter

from .decision import Decision, Reason
from .default import DEFAULT_POLICY
from .model import Intake, Policy
from .vocabulary import REGION_DECISIONS

_SORT_KEY = itemgetter(0, 1)


def evaluate(intake: Intake, policy: Policy = DEFAULT_POLICY) -> Decision:
    """Screen one intake under one policy.

    Each reported condition reaches the planned regions its rule's scope names; each region's
    decision is the strictest effect reaching it ("eligible" when none does), and the overall
    decision is the strictest region's. Reasons list every condition reaching at least one
    planned region, strictest effect first, then in the order of the condition table.
    """
    planned = intake.planned_regions
    ranks = dict.fromkeys(planned, 0)
    clearances = intake.physician_clearances
    compiled = policy._compiled
    found = []
    for condition in intake.conditions:
        code = condition.code
        rule = compiled[code]
        cleared = rule.cleared_effect is not None and code in clearances
        unknown = False
        if rule.scope == "whole_patient":
            reached = planned
        elif rule.scope == "regions":
            reached = tuple(r for r in planned if r in rule.regions)
        elif condition.regions:
            located = condition.regions
            reached = tuple(r for r in planned if r in located)
        else:
            reached, unknown = planned, True  # location unknown: everywhere, the safe reading
        if not reached:
            continue
        if cleared:
            effect, rank = rule.cleared_to, rule.cleared_rank
        else:
            effect, rank = rule.effect, rule.rank
        for region in reached:
            if ranks[region] < rank:
                ranks[region] = rank
        found.append(
            (-rank, rule.order, Reason(code, effect, reached, rule.messages[cleared, unknown]))
        )
    found.sort(key=_SORT_KEY)
    return Decision(
        decision=REGION_DECISIONS[max(ranks.values())],
        regions={region: REGION_DECISIONS[rank] for region, rank in ranks.items()},
        reasons=tuple(item[2] for item in found),
        policy_version=policy.version,
    )
