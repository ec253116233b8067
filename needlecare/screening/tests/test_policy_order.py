"""How effects combine: per region, overall, across conditions, and with clearances."""

import pytest

from needlecare.screening.policy import (
    CONDITION_CODES,
    DEFAULT_POLICY,
    REGION_DECISIONS,
    Intake,
    ReportedCondition,
    Rule,
    evaluate,
    parse_intake,
)


def screen(plan, *conditions, clearances=(), policy=DEFAULT_POLICY):
    intake = Intake(
        planned_regions=tuple(plan),
        conditions=tuple(ReportedCondition(*c) if isinstance(c, tuple) else c for c in conditions),
        physician_clearances=frozenset(clearances),
    )
    return evaluate(intake, policy)


def test_decisions_run_from_contraindicated_down_to_eligible():
    assert REGION_DECISIONS == (
        "eligible",
        "proceed_with_precautions",
        "physician_clearance_required",
        "contraindicated",
    )


def test_the_contracts_example_gives_the_contracts_decision():
    decision = evaluate(
        parse_intake(
            {
                "planned_regions": ["neck", "low_back"],
                "conditions": [{"code": "blood_thinners"}, {"code": "rash", "regions": ["neck"]}],
                "physician_clearances": [],
            }
        )
    )
    out = decision.to_dict()
    assert list(out) == ["decision", "regions", "reasons", "policy_version"]
    assert out["decision"] == "contraindicated"
    assert out["regions"] == {"neck": "contraindicated", "low_back": "proceed_with_precautions"}
    assert [(r["code"], r["effect"], r["regions"]) for r in out["reasons"]] == [
        ("rash", "contraindicated", ["neck"]),
        ("blood_thinners", "precaution", ["neck", "low_back"]),
    ]
    assert all(list(r) == ["code", "effect", "regions", "message"] for r in out["reasons"])
    assert out["policy_version"] == DEFAULT_POLICY.version


def test_each_region_takes_the_strictest_effect_that_reaches_it():
    decision = screen(
        ("neck", "low_back", "hand_left"),
        ("diabetes",),
        ("cancer",),
        ("rash", ("neck",)),
    )
    assert decision.regions == {
        "neck": "contraindicated",
        "low_back": "physician_clearance_required",
        "hand_left": "physician_clearance_required",
    }


def test_a_precaution_alone_means_proceed_with_precautions():
    decision = screen(("neck",), ("osteoporosis",))
    assert decision.decision == "proceed_with_precautions"
    assert decision.reasons[0].effect == "precaution"


@pytest.mark.parametrize(
    ("conditions", "overall"),
    [
        ((), "eligible"),
        ((("allodynia",),), "proceed_with_precautions"),
        ((("allodynia",), ("cancer",)), "physician_clearance_required"),
        ((("allodynia",), ("cancer",), ("implant", ("knee_left",))), "contraindicated"),
    ],
)
def test_the_overall_decision_is_the_strictest_region(conditions, overall):
    assert screen(("neck", "knee_left"), *conditions).decision == overall


def test_a_contraindication_in_one_region_does_not_hide_the_others_standing():
    decision = screen(
        ("neck", "shoulder_left", "low_back"), ("skin_lesion", ("neck",)), ("diabetes",)
    )
    assert decision.decision == "contraindicated"
    assert decision.regions == {
        "neck": "contraindicated",
        "shoulder_left": "proceed_with_precautions",
        "low_back": "proceed_with_precautions",
    }


def test_a_low_back_contraindication_leaves_the_neck_eligible():
    decision = screen(("neck", "low_back"), ("laminectomy",))
    assert decision.regions == {"neck": "eligible", "low_back": "contraindicated"}


def test_regions_are_reported_in_the_planned_order():
    plan = ("foot_right", "head", "low_back", "arm_left")
    assert list(screen(plan, ("diabetes",)).regions) == list(plan)
    [reason] = screen(plan, ("rash", ("arm_left", "foot_right", "head"))).reasons
    assert reason.regions == ("foot_right", "head", "arm_left")


def test_reasons_list_the_strictest_first_then_the_practices_order():
    decision = screen(
        ("neck", "low_back"),
        ("allodynia",),
        ("blood_thinners",),
        ("cancer",),
        ("pregnancy",),
        ("rash", ("neck",)),
    )
    assert [r.code for r in decision.reasons] == [
        "rash",
        "pregnancy",
        "cancer",
        "blood_thinners",
        "allodynia",
    ]


def test_a_condition_that_reaches_no_planned_region_is_not_listed():
    decision = screen(("neck",), ("spina_bifida",), ("rash", ("hand_left",)), ("diabetes",))
    assert [r.code for r in decision.reasons] == ["diabetes"]


def test_the_same_condition_reported_twice_counts_once_with_both_places():
    decision = screen(
        ("neck", "hand_left", "knee_left"), ("rash", ("neck",)), ("rash", ("hand_left",))
    )
    assert [r.regions for r in decision.reasons] == [("neck", "hand_left")]
    assert decision.regions["knee_left"] == "eligible"


def test_a_condition_reported_once_somewhere_and_once_without_a_place_is_everywhere():
    decision = screen(("neck", "knee_left"), ("implant", ("neck",)), ("implant",))
    assert decision.regions == {"neck": "contraindicated", "knee_left": "contraindicated"}
    assert "location is unknown" in decision.reasons[0].message


# --- physician clearances ------------------------------------------------------------------


def test_cancer_needs_a_physicians_recommendation_before_dry_needling():
    decision = screen(("neck",), ("cancer",))
    assert decision.decision == "physician_clearance_required"
    [reason] = decision.reasons
    assert reason.effect == "physician_clearance_required"
    assert "physician" in reason.message


def test_cancer_cleared_by_a_physician_becomes_a_precaution():
    decision = screen(("neck", "low_back"), ("cancer",), clearances=("cancer",))
    assert decision.decision == "proceed_with_precautions"
    assert decision.regions == dict.fromkeys(("neck", "low_back"), "proceed_with_precautions")
    [reason] = decision.reasons
    assert reason.effect == "precaution"
    assert "on record" in reason.message


def test_a_cleared_cancer_still_lets_other_contraindications_stand():
    decision = screen(("neck",), ("cancer",), ("pregnancy",), clearances=("cancer",))
    assert decision.decision == "contraindicated"
    assert [(r.code, r.effect) for r in decision.reasons] == [
        ("pregnancy", "contraindicated"),
        ("cancer", "precaution"),
    ]


def test_only_cancer_can_be_cleared_under_the_default_policy():
    clearable = [c for c in CONDITION_CODES if DEFAULT_POLICY.rules[c].cleared_effect]
    assert clearable == ["cancer"]


@pytest.mark.parametrize("code", [c for c in CONDITION_CODES if c != "cancer"])
def test_a_clearance_for_any_other_condition_changes_nothing(code):
    plan = ("neck", "low_back", "hand_right")
    assert screen(plan, (code,), clearances=(code,)) == screen(plan, (code,))


def test_clearing_blood_thinners_changes_nothing():
    uncleared = screen(("neck",), ("blood_thinners",))
    cleared = screen(("neck",), ("blood_thinners",), clearances=("blood_thinners",))
    assert cleared == uncleared
    assert cleared.decision == "proceed_with_precautions"


def test_clearing_an_unreported_condition_changes_nothing():
    assert screen(("neck",), ("diabetes",), clearances=("cancer", "pregnancy")) == screen(
        ("neck",), ("diabetes",)
    )
    assert screen(("neck",), clearances=("cancer",)).decision == "eligible"


# --- policies a clinic may publish ---------------------------------------------------------


def test_a_clinic_can_make_an_implant_a_precaution():
    policy = DEFAULT_POLICY.with_rule(
        "implant", Rule(effect="precaution", scope="where_present"), name="implant-precaution"
    )
    decision = screen(("knee_left", "neck"), ("implant", ("knee_left",)), policy=policy)
    assert decision.regions == {"knee_left": "proceed_with_precautions", "neck": "eligible"}
    assert decision.policy_version == policy.version
    assert policy.version.startswith("implant-precaution-")
    assert policy.version != DEFAULT_POLICY.version


def test_a_clinic_can_widen_spina_bifida_to_the_upper_back():
    policy = DEFAULT_POLICY.with_rule(
        "spina_bifida",
        Rule(effect="contraindicated", scope="regions", regions=("low_back", "upper_back")),
    )
    decision = screen(("upper_back", "low_back", "neck"), ("spina_bifida",), policy=policy)
    assert decision.regions == {
        "upper_back": "contraindicated",
        "low_back": "contraindicated",
        "neck": "eligible",
    }
    assert "low back" in decision.reasons[0].message
    assert "upper back" in decision.reasons[0].message


def test_a_clinic_can_let_a_physician_clear_an_implant():
    policy = DEFAULT_POLICY.with_rule(
        "implant",
        Rule(effect="contraindicated", scope="where_present", cleared_effect="precaution"),
    )
    assert screen(("neck",), ("implant",), policy=policy).decision == "contraindicated"
    cleared = screen(("neck",), ("implant",), clearances=("implant",), policy=policy)
    assert cleared.decision == "proceed_with_precautions"


def test_a_clinic_can_make_cancer_a_plain_contraindication_that_no_clearance_lifts():
    policy = DEFAULT_POLICY.with_rule("cancer", Rule("contraindicated", "whole_patient"))
    decision = screen(("neck",), ("cancer",), clearances=("cancer",), policy=policy)
    assert decision.decision == "contraindicated"
