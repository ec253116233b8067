"""The manifest's rules, as plain functions: what a member may be called, when the members
match, when an archive fits this code and database, and which migration is an app's latest."""

import json
from datetime import UTC, datetime

import pytest

from needlecare.ops.manifest import (
    ArchiveRefused,
    Manifest,
    Member,
    check_compatible,
    check_files_place,
    check_members,
    latest_applied,
    member_name_allowed,
    schema_difference,
)

DUMP = "database/needlecare.sqlite3"
LETTER = "files/letters/2026/11/progress-0123.pdf"


def _manifest(**changes: object) -> Manifest:
    fields: dict[str, object] = {
        "created_at": datetime(2026, 11, 29, 22, 0, tzinfo=UTC),
        "needlecare_version": "0.1.0",
        "vendor": "sqlite",
        "schema": {"reports": "0001_initial", "auth": "0012_alter_user_first_name_max_length"},
        "members": {DUMP: Member("a" * 64, 10), LETTER: Member("b" * 64, 3)},
    }
    return Manifest(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_manifest_reads_back_what_it_wrote() -> None:
    manifest = _manifest()
    assert Manifest.from_json(manifest.to_json()) == manifest


@pytest.mark.parametrize(
    "name",
    ["manifest.json", DUMP, "database/needlecare.pgdump", LETTER, "files/a.pdf"],
)
def test_the_manifest_the_dump_and_stored_files_are_allowed_members(name: str) -> None:
    assert member_name_allowed(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/etc/passwd",
        "files/../../etc/passwd",
        "files/./a.pdf",
        "files//a.pdf",
        "files/",
        "files",
        "database/other.db",
        "settings.py",
        "files\\..\\a.pdf",
    ],
)
def test_a_name_outside_the_layout_is_not_a_member(name: str) -> None:
    assert not member_name_allowed(name)


def test_members_that_match_their_manifest_pass() -> None:
    manifest = _manifest()
    check_members(manifest, dict(manifest.members))


def test_a_missing_member_an_altered_member_and_a_stranger_are_damage() -> None:
    manifest = _manifest()
    with pytest.raises(ArchiveRefused, match=f"member {LETTER} is missing"):
        check_members(manifest, {DUMP: Member("a" * 64, 10)})
    with pytest.raises(ArchiveRefused, match="fails its checksum"):
        check_members(manifest, {DUMP: Member("a" * 64, 10), LETTER: Member("c" * 64, 3)})
    with pytest.raises(ArchiveRefused, match="not in its manifest"):
        check_members(manifest, {**manifest.members, "files/x.pdf": Member("d" * 64, 1)})


def test_a_manifest_without_the_database_is_damage() -> None:
    manifest = _manifest(members={LETTER: Member("b" * 64, 3)})
    with pytest.raises(ArchiveRefused, match="lists no database/needlecare.sqlite3"):
        check_members(manifest, dict(manifest.members))


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"not json", "manifest is damaged"),
        (b'{"format": 2}', "format 2"),
        (b'{"format": 1, "created_at": "2026-11-29T22:00:00"}', "manifest is damaged"),
    ],
)
def test_a_manifest_this_code_did_not_write_is_refused(raw: bytes, says: str) -> None:
    with pytest.raises(ArchiveRefused, match=says):
        Manifest.from_json(raw)


def test_a_manifest_naming_a_path_outside_the_layout_is_refused() -> None:
    bad = _manifest(members={DUMP: Member("a" * 64, 1), "files/../x": Member("b" * 64, 1)})
    with pytest.raises(ArchiveRefused, match="bad member name"):
        Manifest.from_json(bad.to_json())


def test_a_time_without_a_zone_is_refused() -> None:
    raw = _manifest().to_json().replace(b"+00:00", b"")
    with pytest.raises(ArchiveRefused, match="without a zone"):
        Manifest.from_json(raw)


def test_an_archive_fits_the_same_vendor_at_the_same_schema() -> None:
    manifest = _manifest()
    check_compatible(manifest, vendor="sqlite", schema=dict(manifest.schema))


def test_an_archive_of_the_other_vendor_does_not_fit() -> None:
    with pytest.raises(ArchiveRefused, match="holds a sqlite database but .* uses postgresql"):
        check_compatible(_manifest(), vendor="postgresql", schema=_manifest().schema)


def test_an_archive_at_another_schema_does_not_fit_and_says_which_version_made_it() -> None:
    code = {**_manifest().schema, "reports": "0002_letter_signed"}
    with pytest.raises(ArchiveRefused, match=r"reports: archive 0001_initial, code 0002.*0\.1\.0"):
        check_compatible(_manifest(), vendor="sqlite", schema=code)


def test_the_schema_difference_names_apps_missing_on_either_side_and_counts_the_rest() -> None:
    archived = {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1"}
    assert schema_difference(archived, archived) == ""
    assert (
        schema_difference({"a": "1"}, {"b": "1"})
        == "a: archive 1, code none; b: archive none, code 1"
    )
    assert schema_difference(archived, {}).endswith("; 2 more")


def test_the_latest_applied_migration_is_the_deepest_in_the_graph() -> None:
    applied = [("reports", "0001_initial"), ("reports", "0002_b"), ("auth", "0001_initial")]
    depth = {("reports", "0001_initial"): 1, ("reports", "0002_b"): 2, ("auth", "0001_initial"): 1}
    assert latest_applied(applied, depth) == {"auth": "0001_initial", "reports": "0002_b"}


def test_a_migration_the_code_does_not_know_is_the_latest() -> None:
    # A database migrated by newer code must not pass for this code's schema.
    applied = [("reports", "0001_initial"), ("reports", "0009_newer")]
    assert latest_applied(applied, {("reports", "0001_initial"): 1}) == {"reports": "0009_newer"}


STORE = "s3://needlecare-docs/stoughton at https://minio.internal:9000"


def test_a_manifest_naming_an_object_store_reads_back_and_one_without_says_nothing() -> None:
    in_store = _manifest(members={DUMP: Member("a" * 64, 10)}, object_store=STORE)
    assert Manifest.from_json(in_store.to_json()) == in_store
    assert b"object_store" not in _manifest().to_json()
    assert Manifest.from_json(_manifest().to_json()).object_store is None


@pytest.mark.parametrize("value", [42, "", "/srv/media", "s3://a\nb"])
def test_an_object_store_that_is_not_an_s3_location_is_damage(value: object) -> None:
    data = json.loads(_manifest(members={DUMP: Member("a" * 64, 10)}).to_json())
    data["object_store"] = value
    with pytest.raises(ArchiveRefused, match="manifest is damaged"):
        Manifest.from_json(json.dumps(data).encode())


def test_files_both_archived_and_in_an_object_store_are_damage() -> None:
    with pytest.raises(ArchiveRefused, match="both archived and in an object store"):
        Manifest.from_json(_manifest(object_store=STORE).to_json())


def test_files_restore_only_where_they_can_be_read() -> None:
    in_store = _manifest(members={DUMP: Member("a" * 64, 10)}, object_store=STORE)
    check_files_place(in_store, object_store=STORE)
    check_files_place(in_store, object_store="s3://copy/stoughton")  # a replica
    check_files_place(_manifest(), object_store=None)
    with pytest.raises(ArchiveRefused, match="set NEEDLECARE_STORAGE_URL to that store"):
        check_files_place(in_store, object_store=None)
    with pytest.raises(ArchiveRefused, match="restore with NEEDLECARE_STORAGE_URL unset"):
        check_files_place(_manifest(), object_store=STORE)
