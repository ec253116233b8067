"""Reading an intake: what is accepted, and one clear line for everything that is not."""

import pytest

from needlecare.screening.policy import (
    DEFAULT_POLICY,
    Intake,
    IntakeError,
    Policy,
    PolicyError,
    ReportedCondition,
    Rule,
    parse_intake,
    parse_intake_json,
)

OK = {"planned_regions": ["neck"]}


def test_a_plan_alone_is_a_complete_intake():
    assert parse_intake(OK) == Intake(planned_regions=("neck",))


def test_all_three_fields_are_read():
    intake = parse_intake(
        {
            "planned_regions": ["neck", "low_back"],
            "conditions": [{"code": "rash", "regions": ["neck"]}, {"code": "cancer"}],
            "physician_clearances": ["cancer"],
        }
    )
    assert intake.planned_regions == ("neck", "low_back")
    assert intake.conditions == (ReportedCondition("rash", ("neck",)), ReportedCondition("cancer"))
    assert intake.physician_clearances == frozenset({"cancer"})


def test_repeats_are_fine_and_counted_once():
    intake = parse_intake(
        {
            "planned_regions": ["neck", "neck", "hand_left", "neck"],
            "conditions": [
                {"code": "rash", "regions": ["neck", "neck"]},
                {"code": "rash", "regions": ["hand_left"]},
                {"code": "diabetes"},
                {"code": "diabetes"},
            ],
            "physician_clearances": ["cancer", "cancer"],
        }
    )
    assert intake.planned_regions == ("neck", "hand_left")
    assert intake.conditions == (
        ReportedCondition("rash", ("neck", "hand_left")),
        ReportedCondition("diabetes"),
    )
    assert intake.physician_clearances == frozenset({"cancer"})


def test_an_empty_list_of_regions_means_the_location_is_unknown():
    intake = parse_intake(
        {"planned_regions": ["neck"], "conditions": [{"code": "rash", "regions": []}]}
    )
    assert intake.conditions == (ReportedCondition("rash", ()),)


def test_regions_are_accepted_for_a_whole_patient_condition():
    intake = parse_intake(
        {"planned_regions": ["neck"], "conditions": [{"code": "pregnancy", "regions": ["abdomen"]}]}
    )
    assert intake.conditions == (ReportedCondition("pregnancy", ("abdomen",)),)


BAD = [
    ([], "must be a JSON object"),
    ("neck", "must be a JSON object"),
    (None, "must be a JSON object"),
    ({}, "planned_regions is missing"),
    ({"planned_regions": []}, "planned_regions is empty"),
    ({"planned_regions": "neck"}, "planned_regions must be a list of region codes, not a string"),
    ({"planned_regions": None}, "planned_regions must be a list"),
    ({"planned_regions": {"neck": True}}, "planned_regions must be a list"),
    ({"planned_regions": [3]}, "planned_regions[0] must be a region code (a string), not a number"),
    ({"planned_regions": [True]}, "planned_regions[0] must be a region code (a string), not true"),
    ({"planned_regions": [["neck"]]}, "planned_regions[0] must be a region code"),
    ({"planned_regions": ["neck", "nek"]}, 'planned_regions[1]: unknown region code "nek"'),
    ({"planned_regions": ["Neck"]}, 'unknown region code "Neck" (did you mean "neck"?)'),
    ({"planned_regions": ["shoulder"]}, 'unknown region code "shoulder"'),
    ({"planned_regions": [" neck"]}, "unknown region code"),
    (
        {"planned_regions": ["neck"], "condition": []},
        'unknown field "condition" (did you mean "conditions"?)',
    ),
    ({"planned_regions": ["neck"], "clearances": []}, 'unknown field "clearances"'),
    ({"planned_regions": ["neck"], "conditions": None}, "conditions must be a list"),
    ({"planned_regions": ["neck"], "conditions": {"code": "rash"}}, "conditions must be a list"),
    ({"planned_regions": ["neck"], "conditions": ["rash"]}, "conditions[0] must be an object"),
    ({"planned_regions": ["neck"], "conditions": [{}]}, 'conditions[0] has no "code"'),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": 1}]},
        "conditions[0].code must be a condition code",
    ),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": "rashes"}]},
        'conditions[0].code: unknown condition code "rashes" (did you mean "rash"?)',
    ),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": "rash", "region": ["neck"]}]},
        'conditions[0]: unknown field "region" (did you mean "regions"?)',
    ),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": "rash", "regions": "neck"}]},
        "conditions[0].regions must be a list of region codes",
    ),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": "rash", "regions": ["toe"]}]},
        'conditions[0].regions[0]: unknown region code "toe"',
    ),
    (
        {"planned_regions": ["neck"], "conditions": [{"code": "rash", "regions": None}]},
        "conditions[0].regions must be a list",
    ),
    (
        {"planned_regions": ["neck"], "physician_clearances": "cancer"},
        "physician_clearances must be a list of condition codes",
    ),
    (
        {"planned_regions": ["neck"], "physician_clearances": [{"code": "cancer"}]},
        "physician_clearances[0] must be a condition code",
    ),
    (
        {"planned_regions": ["neck"], "physician_clearances": ["cancr"]},
        'physician_clearances[0]: unknown condition code "cancr"',
    ),
]


@pytest.mark.parametrize(("data", "expected"), BAD)
def test_a_bad_intake_is_refused_with_one_line_naming_the_problem(data, expected):
    with pytest.raises(IntakeError) as caught:
        parse_intake(data)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message


BAD_TEXT = [
    (b"", "the input is empty"),
    (b"  \n", "the input is empty"),
    (b"{", "not valid JSON"),
    (b"planned_regions: [neck]", "not valid JSON"),
    (b'{"planned_regions": ["neck"],}', "not valid JSON"),
    (b"\xff\xfe{}", "not valid UTF-8"),
    (b'{"planned_regions": ["neck\xe9"]}', "not valid UTF-8"),
    (
        b'{"planned_regions": ["neck"], "planned_regions": []}',
        'the key "planned_regions" appears twice',
    ),
    (
        b'{"planned_regions": ["neck"], "conditions": [{"code": "pregnancy"}], "conditions": []}',
        'the key "conditions" appears twice',
    ),
    (b'{"planned_regions": [NaN]}', "NaN is not a JSON number"),
    (b"[" * 100_000, "nested too deeply"),
    (b'{"planned_regions": [' + b"9" * 5000 + b"]}", "too long"),
    (b'{"planned_regions": ["\\u0000neck"]}', "unknown region code"),
    (b'"just a string"', "must be a JSON object"),
]


@pytest.mark.parametrize(("raw", "expected"), BAD_TEXT)
def test_bad_text_is_refused_with_one_line_naming_the_problem(raw, expected):
    with pytest.raises(IntakeError) as caught:
        parse_intake_json(raw)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_text_with_a_utf8_byte_order_mark_is_read():
    assert parse_intake_json(b'\xef\xbb\xbf{"planned_regions": ["neck"]}') == parse_intake(OK)


def test_text_and_bytes_read_the_same():
    raw = '{"planned_regions": ["neck"], "conditions": [{"code": "rash"}]}'
    assert parse_intake_json(raw) == parse_intake_json(raw.encode())


# --- values built in code validate themselves too -------------------------------------------


def test_an_intake_built_in_code_refuses_unknown_codes_and_an_empty_plan():
    with pytest.raises(IntakeError, match="unknown region code"):
        Intake(planned_regions=("nek",))
    with pytest.raises(IntakeError, match="at least one region"):
        Intake(planned_regions=())
    with pytest.raises(IntakeError, match="unknown condition code"):
        ReportedCondition("pregnant")
    with pytest.raises(IntakeError, match="list of region codes"):
        ReportedCondition("rash", "neck")  # a string is not a list of regions
    with pytest.raises(IntakeError, match="unknown condition code"):
        Intake(planned_regions=("neck",), physician_clearances=frozenset({"cancr"}))


BAD_RULES = [
    ({"effect": "forbidden", "scope": "whole_patient"}, "unknown effect"),
    ({"effect": "precaution", "scope": "everywhere"}, "unknown scope"),
    ({"effect": "precaution", "scope": "regions"}, "needs at least one region"),
    (
        {"effect": "precaution", "scope": "regions", "regions": ["lower_back"]},
        "unknown region code",
    ),
    ({"effect": "precaution", "scope": "regions", "regions": "low_back"}, "list of region codes"),
    (
        {"effect": "precaution", "scope": "whole_patient", "regions": ["neck"]},
        "only used with scope",
    ),
    (
        {"effect": "precaution", "scope": "whole_patient", "cleared_effect": "gone"},
        "unknown cleared_effect",
    ),
    (
        {"effect": "precaution", "scope": "whole_patient", "cleared_effect": "contraindicated"},
        "stricter",
    ),
    ({"effect": "precaution"}, "needs 'scope'"),
    ({"effect": "precaution", "scope": "whole_patient", "note": "x"}, 'unknown rule field "note"'),
    ("precaution", "must be an object"),
]


@pytest.mark.parametrize(("raw_rule", "expected"), BAD_RULES)
def test_a_stored_policy_with_a_bad_rule_is_refused_naming_the_condition(raw_rule, expected):
    stored = DEFAULT_POLICY.to_dict()
    del stored["version"]
    stored["rules"]["implant"] = raw_rule
    with pytest.raises(PolicyError) as caught:
        Policy.from_dict(stored)
    assert str(caught.value).startswith("rules.implant: ")
    assert expected in str(caught.value)


def test_a_stored_policy_must_cover_exactly_the_known_conditions():
    stored = DEFAULT_POLICY.to_dict()
    del stored["rules"]["pregnancy"]
    with pytest.raises(PolicyError, match="no rule for condition 'pregnancy'"):
        Policy.from_dict(stored)
    stored = DEFAULT_POLICY.to_dict()
    stored["rules"]["flu"] = {"effect": "precaution", "scope": "whole_patient"}
    with pytest.raises(PolicyError, match='unknown condition code "flu"'):
        Policy.from_dict(stored)


def test_a_stored_policy_whose_rules_no_longer_match_its_version_is_refused():
    stored = DEFAULT_POLICY.to_dict()
    stored["rules"]["implant"]["effect"] = "precaution"
    with pytest.raises(PolicyError, match="does not match the rules"):
        Policy.from_dict(stored)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ([], "must be an object"),
        ({"rules": {}}, 'needs "name" and "rules"'),
        ({"name": "x", "rules": [], "version": None}, "rules must be an object"),
        ({"name": "", "rules": DEFAULT_POLICY.to_dict()["rules"]}, "policy name"),
        ({"name": "a b", "rules": DEFAULT_POLICY.to_dict()["rules"]}, "policy name"),
        ({"name": "x", "rules": {}, "author": "me"}, 'unknown policy field "author"'),
    ],
)
def test_a_malformed_stored_policy_is_refused(stored, expected):
    with pytest.raises(PolicyError) as caught:
        Policy.from_dict(stored)
    assert expected in str(caught.value)


def test_a_rule_for_an_unknown_condition_cannot_be_added():
    with pytest.raises(PolicyError, match="unknown condition code"):
        DEFAULT_POLICY.with_rule("flu", Rule("precaution", "whole_patient"))


def test_a_rule_lists_its_regions_once_in_body_order():
    rule = Rule("contraindicated", "regions", ["upper_back", "low_back", "upper_back"])
    assert rule.regions == ("upper_back", "low_back")
