"""`needlecare fhir_token create|list|revoke`, run as the real command in a subprocess against a
migrated database of its own: the token alone on stdout, the listing without secrets, and bad
input refused with status 2 and one line on stderr."""

import hashlib
import json

import pytest

from needlecare.common.testing.server import ServerEnvironment

CLINIC = "walpole-fhir"  # a clinic of these tests' own, beside any demo data in the database


@pytest.fixture(scope="module")
def cli(server_environment: ServerEnvironment) -> ServerEnvironment:
    server_environment.run_ok(
        "shell",
        "-c",
        "from needlecare.clinics.models import Clinic\n"
        f"Clinic.objects.get_or_create(slug={CLINIC!r}, defaults=dict(name='Walpole FHIR', "
        "city='Walpole', phone='508-555-0100'))\n",
    )
    return server_environment


def stored(cli: ServerEnvironment, token_id: int) -> dict[str, object]:
    out = cli.run_ok(
        "shell",
        "-c",
        "import json\n"
        "from needlecare.interop.models import FhirToken\n"
        f"print(json.dumps(FhirToken.objects.filter(pk={token_id}).values().get(), default=str))",
    )
    return json.loads(out.strip().splitlines()[-1])


def refused(result, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_create_prints_the_token_alone_list_never_shows_it_and_revoke_stops_it(cli):
    made = cli.run("fhir_token", "create", "--clinic", CLINIC, "--name", "Regional HIE")
    assert made.returncode == 0, made.stderr
    raw = made.stdout.splitlines()[-1]
    assert made.stdout == raw + "\n"  # alone, so $(needlecare fhir_token create ...) is the token
    assert raw.startswith("nct_") and " " not in raw
    note = made.stderr.splitlines()
    assert len(note) == 1 and "shown once" in note[0] and 'FHIR token "Regional HIE"' in note[0]
    token_id = int(note[0].split("(id ", 1)[1].split(")", 1)[0])
    row = stored(cli, token_id)
    assert row["token_digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert row["created_by_id"] is None and row["revoked_at"] is None

    listing = cli.run_ok("fhir_token", "list", "--clinic", CLINIC)
    assert raw not in listing and raw[4:] not in listing
    assert str(row["token_digest"]) not in listing
    header, *rows = listing.splitlines()
    assert header.split("\t") == ["id", "clinic", "name", "state", "expires", "last used"]
    mine = next(r.split("\t") for r in rows if r.startswith(f"{token_id}\t"))
    assert mine[1:4] == [CLINIC, "Regional HIE", "active"] and mine[5] == "never"

    revoked = cli.run_ok("fhir_token", "revoke", str(token_id))
    assert "is revoked" in revoked
    assert stored(cli, token_id)["revoked_at"] is not None
    listing = cli.run_ok("fhir_token", "list")
    assert f"{token_id}\t{CLINIC}\tRegional HIE\trevoked\t" in listing


def test_a_token_can_last_a_chosen_number_of_days(cli):
    made = cli.run("fhir_token", "create", "--clinic", CLINIC, "--name", "Year", "--days", "366")
    assert made.returncode == 0, made.stderr
    token_id = int(made.stderr.split("(id ", 1)[1].split(")", 1)[0])
    row = stored(cli, token_id)
    assert row["expires_at"][:4] > row["created_at"][:4]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("create", "--clinic", "nowhere", "--name", "X"), 'no clinic "nowhere"'),
        (("create", "--clinic", CLINIC, "--name", "X", "--days", "0"), "from 1 to 366 days"),
        (("create", "--clinic", CLINIC, "--name", "X", "--days", "367"), "from 1 to 366 days"),
        (("create", "--clinic", CLINIC, "--name", "X", "--days", "ten"), "invalid int value"),
        (("create", "--clinic", CLINIC, "--name", "  "), "Give the token a name"),
        (("create", "--clinic", CLINIC), "--name"),
        (("revoke", "999999"), "no FHIR token with id 999999"),
        (("revoke", "seven"), "invalid int value"),
        (("list", "--clinic", "nowhere"), 'no clinic "nowhere"'),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(cli, args, expected):
    refused(cli.run("fhir_token", *args), expected)


def test_a_name_already_active_at_the_clinic_is_refused(cli):
    first = cli.run("fhir_token", "create", "--clinic", CLINIC, "--name", "Analytics team")
    assert first.returncode == 0, first.stderr
    again = cli.run("fhir_token", "create", "--clinic", CLINIC, "--name", "analytics team")
    refused(again, 'already has an active token named "Analytics team"')
