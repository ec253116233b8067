"""Properties that must hold for every intake (and every valid policy), checked by hypothesis."""

import json

from hypothesis import assume, given
from hypothesis import strategies as st

from needlecare.screening.policy import (
    CONDITION_CODES,
    CONDITION_INFO,
    DEFAULT_POLICY,
    EFFECTS,
    REGION_DECISIONS,
    REGIONS,
    Intake,
    Policy,
    ReportedCondition,
    Rule,
    evaluate,
    parse_intake,
)

RANK = {d: i for i, d in enumerate(REGION_DECISIONS)}
EFFECT_RANK = {e: i for i, e in enumerate(EFFECTS)}

region = st.sampled_from(REGIONS)
plans = st.lists(region, min_size=1, max_size=8, unique=True).map(tuple)
conditions = st.builds(
    ReportedCondition,
    code=st.sampled_from(CONDITION_CODES),
    regions=st.lists(region, max_size=4).map(tuple),
)
clearances = st.frozensets(st.sampled_from(CONDITION_CODES), max_size=4)
intakes = st.builds(
    Intake,
    planned_regions=plans,
    conditions=st.lists(conditions, max_size=6).map(tuple),
    physician_clearances=clearances,
)


@st.composite
def rules(draw):
    effect = draw(st.sampled_from(EFFECTS))
    scope = draw(st.sampled_from(("whole_patient", "where_present", "regions")))
    regions = draw(st.lists(region, min_size=1, max_size=3)) if scope == "regions" else []
    weaker = [e for e in EFFECTS if EFFECT_RANK[e] <= EFFECT_RANK[effect]]
    cleared = draw(st.one_of(st.none(), st.sampled_from(weaker)))
    return Rule(effect=effect, scope=scope, regions=tuple(regions), cleared_effect=cleared)


@st.composite
def policies(draw):
    name = draw(st.sampled_from(["default", "stoughton", "foxboro-2025.1", "variant_b"]))
    return Policy(name=name, rules={code: draw(rules()) for code in CONDITION_CODES})


def ranks(decision):
    return {r: RANK[d] for r, d in decision.regions.items()}


@given(intakes, conditions, policies())
def test_reporting_one_more_condition_never_makes_any_region_less_strict(intake, extra, policy):
    before = ranks(evaluate(intake, policy))
    more = Intake(
        planned_regions=intake.planned_regions,
        conditions=(*intake.conditions, extra),
        physician_clearances=intake.physician_clearances,
    )
    after = ranks(evaluate(more, policy))
    assert all(after[r] >= before[r] for r in before)


@given(intakes, st.sampled_from(CONDITION_CODES), policies())
def test_a_physician_clearance_never_makes_any_region_stricter(intake, code, policy):
    before = ranks(evaluate(intake, policy))
    cleared = Intake(
        planned_regions=intake.planned_regions,
        conditions=intake.conditions,
        physician_clearances=intake.physician_clearances | {code},
    )
    after = ranks(evaluate(cleared, policy))
    assert all(after[r] <= before[r] for r in before)


@given(intakes, region, policies())
def test_planning_one_more_region_never_changes_another_regions_decision(intake, extra, policy):
    before = evaluate(intake, policy)
    wider = Intake(
        planned_regions=(*intake.planned_regions, extra),
        conditions=intake.conditions,
        physician_clearances=intake.physician_clearances,
    )
    after = evaluate(wider, policy)
    assert {r: after.regions[r] for r in before.regions} == before.regions


@given(intakes, st.data())
def test_a_where_present_condition_located_outside_the_plan_changes_nothing(intake, data):
    where_present = [c for c in CONDITION_CODES if CONDITION_INFO[c].where_present]
    code = data.draw(st.sampled_from(where_present))
    outside = [r for r in REGIONS if r not in intake.planned_regions]
    assume(outside)
    located = tuple(data.draw(st.lists(st.sampled_from(outside), min_size=1, max_size=3)))
    more = Intake(
        planned_regions=intake.planned_regions,
        conditions=(*intake.conditions, ReportedCondition(code, located)),
        physician_clearances=intake.physician_clearances,
    )
    assert evaluate(more) == evaluate(intake)


@given(intakes, st.randoms(use_true_random=False))
def test_screening_is_deterministic_and_ignores_the_order_of_reports(intake, rnd):
    shuffled = list(intake.conditions)
    rnd.shuffle(shuffled)
    again = Intake(
        planned_regions=intake.planned_regions,
        conditions=tuple(shuffled),
        physician_clearances=intake.physician_clearances,
    )
    first = evaluate(intake)
    assert evaluate(intake) == first
    assert evaluate(again) == first
    assert json.dumps(evaluate(again).to_dict()) == json.dumps(first.to_dict())


@given(intakes, policies())
def test_every_decision_has_the_contracts_shape(intake, policy):
    out = json.loads(json.dumps(evaluate(intake, policy).to_dict()))
    assert list(out["regions"]) == list(intake.planned_regions)
    assert out["decision"] == max(out["regions"].values(), key=RANK.__getitem__)
    assert out["policy_version"] == policy.version
    for reason in out["reasons"]:
        assert reason["effect"] in EFFECTS
        assert reason["regions"]
        assert all(
            RANK[out["regions"][r]] >= EFFECT_RANK[reason["effect"]] + 1 for r in reason["regions"]
        )
    codes = [reason["code"] for reason in out["reasons"]]
    assert len(codes) == len(set(codes))


@given(intakes)
def test_an_intake_survives_the_trip_through_its_json(intake):
    assert parse_intake(json.loads(json.dumps(intake.to_dict()))) == intake


@given(policies())
def test_a_policy_survives_the_trip_through_its_json(policy):
    stored = json.loads(json.dumps(policy.to_dict()))
    restored = Policy.from_dict(stored)
    assert restored == policy
    assert restored.version == policy.version
    assert restored.to_dict() == policy.to_dict()


@given(policies())
def test_the_same_rules_always_give_the_same_version(policy):
    rebuilt = Policy(name=policy.name, rules=dict(reversed(list(policy.rules.items()))))
    assert rebuilt.version == policy.version
    assert len(policy.version) == len(policy.name) + 13
    assert policy.version.startswith(policy.name + "-")


@given(policies(), st.sampled_from(CONDITION_CODES), rules())
def test_changing_any_rule_changes_the_version(policy, code, rule):
    changed = policy.with_rule(code, rule)
    if rule == policy.rules[code]:
        assert changed.version == policy.version
    else:
        assert changed.version != policy.version


def test_the_default_policy_round_trips_and_keeps_its_version():
    assert Policy.from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY
    assert DEFAULT_POLICY.version.startswith("default-")
