"""Each condition of the practice's list, alone on a plan, under the default policy.

The table below is copied from the screening contract on purpose: the default policy is data,
and this is the independent check that the data says what the practice published.
"""

import pytest

from needlecare.screening.policy import (
    CONDITION_CODES,
    CONDITION_INFO,
    DEFAULT_POLICY,
    QUESTIONNAIRE,
    REGION_LABELS,
    REGIONS,
    THORAX,
    Intake,
    ReportedCondition,
    evaluate,
)

CONTRA = "contraindicated"
CLEARANCE = "physician_clearance_required"
PRECAUTION = "precaution"
WHOLE, WHERE, LOW_BACK = "whole patient", "where present", "low_back only"

CONTRACT_TABLE = {
    "metal_allergy": (CONTRA, WHOLE),
    "skin_lesion": (CONTRA, WHERE),
    "rash": (CONTRA, WHERE),
    "spray_tan": (CONTRA, WHERE),
    "makeup": (CONTRA, WHERE),
    "blood_disease": (CONTRA, WHOLE),
    "systemic_disease": (CONTRA, WHOLE),
    "needle_phobia": (CONTRA, WHOLE),
    "cancer": (CLEARANCE, WHOLE),
    "lymphedema": (CONTRA, WHERE),
    "spina_bifida": (CONTRA, LOW_BACK),
    "moderate_scoliosis": (CONTRA, LOW_BACK),
    "laminectomy": (CONTRA, LOW_BACK),
    "immunocompromised": (CONTRA, WHOLE),
    "implant": (CONTRA, WHERE),
    "cognitive_impairment": (CONTRA, WHOLE),
    "pregnancy": (CONTRA, WHOLE),
    "blood_thinners": (PRECAUTION, WHOLE),
    "diabetes": (PRECAUTION, WHOLE),
    "osteoporosis": (PRECAUTION, WHOLE),
    "overtrained_athlete": (PRECAUTION, WHOLE),
    "hyperalgesia": (PRECAUTION, WHOLE),
    "allodynia": (PRECAUTION, WHOLE),
}
REGION_DECISION = {
    CONTRA: "contraindicated",
    CLEARANCE: "physician_clearance_required",
    PRECAUTION: "proceed_with_precautions",
}
PLAN = ("neck", "low_back", "shoulder_left", "knee_right")


def by_scope(scope):
    return [(code, effect) for code, (effect, s) in CONTRACT_TABLE.items() if s == scope]


def screen(plan, *conditions, clearances=()):
    return evaluate(
        Intake(
            planned_regions=tuple(plan),
            conditions=tuple(conditions),
            physician_clearances=frozenset(clearances),
        )
    )


# --- the vocabulary -------------------------------------------------------------------------


def test_the_body_has_seven_midline_and_sixteen_sided_regions():
    midline = ["head", "face", "neck", "upper_back", "chest", "abdomen", "low_back"]
    parts = ["shoulder", "arm", "hand", "hip", "thigh", "knee", "leg", "foot"]
    sided = [f"{p}_{side}" for p in parts for side in ("left", "right")]
    assert list(REGIONS) == midline + sided
    assert set(REGION_LABELS) == set(REGIONS)
    assert all(REGION_LABELS[r] for r in REGIONS)


def test_the_thorax_is_the_upper_back_and_the_chest():
    assert frozenset({"upper_back", "chest"}) == THORAX


def test_the_condition_list_is_the_practices_list_in_its_order():
    assert list(CONDITION_CODES) == list(CONTRACT_TABLE)


def test_every_condition_has_a_label_and_a_question_in_one_questionnaire_group():
    grouped = [code for _, _, codes in QUESTIONNAIRE for code in codes]
    assert sorted(grouped) == sorted(CONDITION_CODES)
    for code in CONDITION_CODES:
        info = CONDITION_INFO[code]
        assert info.label and info.phrase and info.question.endswith("?")


def test_the_questionnaire_asks_where_exactly_for_the_where_present_conditions():
    asks_where = {code for code in CONDITION_CODES if CONDITION_INFO[code].where_present}
    assert asks_where == {code for code, _ in by_scope(WHERE)}


# --- the default policy, condition by condition ----------------------------------------------


@pytest.mark.parametrize(("code", "effect"), [(c, e) for c, (e, _) in CONTRACT_TABLE.items()])
def test_the_default_rule_has_the_published_effect(code, effect):
    rule = DEFAULT_POLICY.rules[code]
    assert rule.effect == effect
    scope = {WHOLE: "whole_patient", WHERE: "where_present", LOW_BACK: "regions"}
    assert rule.scope == scope[CONTRACT_TABLE[code][1]]
    assert rule.regions == (("low_back",) if CONTRACT_TABLE[code][1] == LOW_BACK else ())


@pytest.mark.parametrize(("code", "effect"), by_scope(WHOLE))
def test_a_whole_patient_condition_reaches_every_planned_region(code, effect):
    decision = screen(PLAN, ReportedCondition(code))
    assert decision.regions == dict.fromkeys(PLAN, REGION_DECISION[effect])
    assert decision.decision == REGION_DECISION[effect]
    [reason] = decision.reasons
    assert (reason.code, reason.effect, reason.regions) == (code, effect, PLAN)


@pytest.mark.parametrize(("code", "effect"), by_scope(WHOLE))
def test_regions_given_for_a_whole_patient_condition_do_not_narrow_it(code, effect):
    decision = screen(PLAN, ReportedCondition(code, ("hand_left",)))
    assert decision.regions == dict.fromkeys(PLAN, REGION_DECISION[effect])


@pytest.mark.parametrize(("code", "effect"), by_scope(WHERE))
def test_a_where_present_condition_blocks_only_the_regions_where_it_is(code, effect):
    decision = screen(PLAN, ReportedCondition(code, ("neck", "knee_right", "face")))
    assert decision.regions == {
        "neck": "contraindicated",
        "low_back": "eligible",
        "shoulder_left": "eligible",
        "knee_right": "contraindicated",
    }
    assert decision.decision == "contraindicated"
    [reason] = decision.reasons
    assert (reason.code, reason.effect, reason.regions) == (code, effect, ("neck", "knee_right"))
    assert "unknown" not in reason.message


@pytest.mark.parametrize(("code", "effect"), by_scope(WHERE))
def test_a_where_present_condition_without_a_location_is_taken_to_be_everywhere(code, effect):
    decision = screen(PLAN, ReportedCondition(code))
    assert decision.regions == dict.fromkeys(PLAN, "contraindicated")
    [reason] = decision.reasons
    assert reason.regions == PLAN
    assert "location is unknown" in reason.message


@pytest.mark.parametrize(("code", "effect"), by_scope(WHERE))
def test_a_where_present_condition_elsewhere_leaves_the_plan_eligible(code, effect):
    decision = screen(PLAN, ReportedCondition(code, ("foot_left", "chest")))
    assert decision.decision == "eligible"
    assert decision.regions == dict.fromkeys(PLAN, "eligible")
    assert decision.reasons == ()


@pytest.mark.parametrize(("code", "effect"), by_scope(LOW_BACK))
def test_a_low_back_condition_blocks_the_low_back_and_nothing_else(code, effect):
    decision = screen(PLAN, ReportedCondition(code))
    assert decision.regions == {
        "neck": "eligible",
        "low_back": "contraindicated",
        "shoulder_left": "eligible",
        "knee_right": "eligible",
    }
    [reason] = decision.reasons
    assert (reason.code, reason.effect, reason.regions) == (code, effect, ("low_back",))
    assert "low back" in reason.message


@pytest.mark.parametrize(("code", "effect"), by_scope(LOW_BACK))
def test_a_low_back_condition_does_not_touch_a_plan_without_the_low_back(code, effect):
    decision = screen(("upper_back", "neck", "hip_left"), ReportedCondition(code))
    assert decision.decision == "eligible"
    assert decision.reasons == ()


@pytest.mark.parametrize(("code", "effect"), by_scope(LOW_BACK))
def test_regions_given_for_a_low_back_condition_neither_narrow_nor_move_it(code, effect):
    decision = screen(PLAN, ReportedCondition(code, ("neck",)))
    assert decision.regions["low_back"] == "contraindicated"
    assert decision.regions["neck"] == "eligible"


@pytest.mark.parametrize("code", CONDITION_CODES)
def test_every_reason_speaks_plainly_to_the_patient(code):
    [reason] = screen(REGIONS, ReportedCondition(code)).reasons
    assert reason.message.startswith("You reported ")
    assert "\n" not in reason.message
    assert "_" not in reason.message  # no codes leak into the words
    assert reason.message.isascii()


def test_reporting_nothing_leaves_every_planned_region_eligible():
    decision = screen(PLAN)
    assert decision.decision == "eligible"
    assert decision.regions == dict.fromkeys(PLAN, "eligible")
    assert decision.reasons == ()
    assert decision.policy_version == DEFAULT_POLICY.version
