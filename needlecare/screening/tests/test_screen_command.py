"""`needlecare screen FILE`, run as the real command in a subprocess, per the contract."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from needlecare.screening.policy import DEFAULT_POLICY

NEEDLECARE = str(Path(sys.executable).parent / "needlecare")

CONTRACT_EXAMPLE = {
    "planned_regions": ["neck", "low_back"],
    "conditions": [{"code": "blood_thinners"}, {"code": "rash", "regions": ["neck"]}],
    "physician_clearances": [],
}


@pytest.fixture
def run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["NEEDLECARE_DATA_DIR"] = str(tmp_path / "data")
    env.pop("NEEDLECARE_ENV", None)

    def run(*args, stdin=b""):
        return subprocess.run(
            [NEEDLECARE, "screen", *args],
            input=stdin,
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    return run


def assert_contract_example(result):
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    out = json.loads(result.stdout)
    assert out["decision"] == "contraindicated"
    assert out["regions"] == {"neck": "contraindicated", "low_back": "proceed_with_precautions"}
    assert [(r["code"], r["effect"], r["regions"]) for r in out["reasons"]] == [
        ("rash", "contraindicated", ["neck"]),
        ("blood_thinners", "precaution", ["neck", "low_back"]),
    ]
    assert all(r["message"] for r in out["reasons"])
    assert out["policy_version"] == DEFAULT_POLICY.version


def test_the_contracts_example_from_a_file(run, tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE))
    assert_contract_example(run(str(path)))


def test_the_contracts_example_from_standard_input(run):
    assert_contract_example(run("-", stdin=json.dumps(CONTRACT_EXAMPLE).encode()))


def test_the_output_is_the_decision_as_json_and_nothing_else(run):
    result = run("-", stdin=b'{"planned_regions": ["knee_left"]}')
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "decision": "eligible",
        "regions": {"knee_left": "eligible"},
        "reasons": [],
        "policy_version": DEFAULT_POLICY.version,
    }
    assert result.stdout.endswith(b"}\n")


def test_a_cleared_cancer_is_screened_as_a_precaution(run):
    body = {
        "planned_regions": ["neck"],
        "conditions": [{"code": "cancer"}],
        "physician_clearances": ["cancer"],
    }
    out = json.loads(run("-", stdin=json.dumps(body).encode()).stdout)
    assert out["decision"] == "proceed_with_precautions"
    assert out["reasons"][0]["effect"] == "precaution"


def test_help_still_works(run):
    result = run("--help")
    assert result.returncode == 0
    assert b"FILE" in result.stdout


BAD_STDIN = [
    (b"not json", "not valid JSON"),
    (b"", "the input is empty"),
    (b"[1, 2]", "must be a JSON object"),
    (b'"neck"', "must be a JSON object"),
    (b"{}", "planned_regions is missing"),
    (b'{"planned_regions": []}', "planned_regions is empty"),
    (b'{"planned_regions": ["nek"]}', 'unknown region code "nek"'),
    (b'{"planned_regions": ["neck"], "conditions": [{"code": "flu"}]}', "unknown condition code"),
    (
        b'{"planned_regions": ["neck"], "conditions": [{"code": "rash", "regions": ["toe"]}]}',
        'unknown region code "toe"',
    ),
    (b'{"planned_regions": ["neck"], "physician_clearances": ["flu"]}', "unknown condition"),
    (b'{"planned_regions": "neck"}', "must be a list"),
    (b'{"planned_regions": ["neck"], "conditions": {"code": "rash"}}', "must be a list"),
    (b'{"planned_regions": ["neck"], "conditions": [{"code": 7}]}', "must be a condition code"),
    (b'{"planned_regions": ["neck"], "physician_clearances": "cancer"}', "must be a list"),
    (b'{"planned_regions": ["neck"], "condition": []}', 'unknown field "condition"'),
    (b'{"planned_regions": ["neck"], "planned_regions": ["knee_left"]}', "appears twice"),
    (b"\xff\xfe\x00{", "not valid UTF-8"),
    (b"[" * 50_000, "nested too deeply"),
]


@pytest.mark.parametrize(("stdin", "expected"), BAD_STDIN)
def test_bad_input_gives_one_line_on_stderr_nothing_on_stdout_and_status_2(run, stdin, expected):
    result = run("-", stdin=stdin)
    assert_refused(result, expected)


def assert_refused(result, expected):
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("needlecare screen: ")
    assert expected in lines[0]


def test_a_missing_file_is_refused(run, tmp_path):
    assert_refused(run(str(tmp_path / "nope.json")), "no such file")


def test_a_directory_is_refused(run, tmp_path):
    assert_refused(run(str(tmp_path)), "is a directory")


def test_a_bad_file_is_refused_like_bad_standard_input(run, tmp_path):
    path = tmp_path / "intake.json"
    path.write_bytes(b'{"planned_regions": ["neck"], "conditions": [{"code": "rashes"}]}')
    assert_refused(run(str(path)), 'unknown condition code "rashes" (did you mean "rash"?)')


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "missing FILE"),
        (("a.json", "b.json"), "unrecognized arguments: b.json"),
        (("--policy", "x", "-"), "unrecognized arguments"),
        (("-v", "9", "-"), "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(run, args, expected):
    assert_refused(run(*args), expected)


def test_the_management_command_answers_like_the_command_line(tmp_path):
    import io

    from django.core.management import call_command

    path = tmp_path / "intake.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE))
    out = io.StringIO()
    call_command("screen", str(path), stdout=out)
    assert json.loads(out.getvalue())["regions"] == {
        "neck": "contraindicated",
        "low_back": "proceed_with_precautions",
    }
