"""`needlecare restore` refuses a damaged or mismatched archive, and a target that is not empty,
with exit status 2 and one line on stderr, and leaves the target as it found it. The archives
are a real backup of a small installation, altered the way disks, copies and people do."""

import io
import json
import sqlite3
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from needlecare.ops.manifest import DATABASE_MEMBERS
from needlecare.ops.tests.places import Place, files, places, tables

pytestmark = pytest.mark.server

UPLOAD = "clearances/2026/11/clearance-from-dr-okafor.pdf"
Members = dict[str, bytes]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Place, Path]]:
    """A migrated installation with an uploaded clearance, and its backup."""
    tmp = tmp_path_factory.mktemp("made")
    with places(tmp, 1) as (source,):
        source.run_ok("migrate", "--noinput")
        (source.media / UPLOAD).parent.mkdir(parents=True)
        (source.media / UPLOAD).write_bytes(b"%PDF-1.4 cleared for dry needling")
        archive = tmp / "backup.tar.gz"
        source.run_ok("backup", str(archive))
        yield source, archive


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Place]:
    with places(tmp_path, 1) as (place,):
        yield place


def _read(archive: Path) -> Members:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def _write(path: Path, members: Members) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _edit_manifest(members: Members, change: Callable[[dict], None]) -> Members:
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def _is_empty(place: Place) -> bool:
    no_files = not place.media.exists() or not files(place.media)
    if place.database_url:
        return no_files and tables(place) == {}
    db = place.data_dir / "needlecare.sqlite3"
    if not db.exists():
        return no_files
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return no_files and count == 0


def _refused(place: Place, archive: Path, says: str) -> None:
    result = place.run("restore", str(archive))
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert says in line, line


def _flip_upload(members: Members) -> Members:
    data = members["files/" + UPLOAD]
    return {**members, "files/" + UPLOAD: data[:-1] + bytes([data[-1] ^ 1])}


def _drop_upload(members: Members) -> Members:
    return {k: v for k, v in members.items() if k != "files/" + UPLOAD}


def _add_stranger(members: Members) -> Members:
    return {**members, "files/letters/not-in-the-manifest.pdf": b"%PDF-1.4"}


def _escape(members: Members) -> Members:
    return {**members, "files/../../escaped.txt": b"outside the data directory"}


def _no_manifest(members: Members) -> Members:
    return {k: v for k, v in members.items() if k != "manifest.json"}


def _future_schema(members: Members) -> Members:
    return _edit_manifest(members, lambda m: m["schema"].update(reports="0099_from_the_future"))


def _garbled_manifest(members: Members) -> Members:
    return {**members, "manifest.json": b'{"format": 1, "members": '}


DAMAGED = {
    "a file altered by one bit": (_flip_upload, "fails its checksum"),
    "a file missing": (_drop_upload, f"member files/{UPLOAD} is missing"),
    "a file the manifest does not list": (_add_stranger, "is not in its manifest"),
    "a member reaching outside the data directory": (_escape, "unexpected member"),
    "no manifest": (_no_manifest, "manifest.json is missing"),
    "a garbled manifest": (_garbled_manifest, "manifest is damaged"),
    "another schema": (_future_schema, "schema differs from this code's migrations"),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_a_damaged_or_mismatched_archive_is_refused_and_nothing_is_written(
    damage: str, made: tuple[Place, Path], target: Place, tmp_path: Path
) -> None:
    alter, says = DAMAGED[damage]
    archive = _write(tmp_path / "altered.tar.gz", alter(_read(made[1])))
    _refused(target, archive, says)
    assert _is_empty(target)
    assert not list(target.data_dir.glob(".needlecare-restore-*")), "staging left behind"


def test_a_truncated_archive_is_refused(made: tuple[Place, Path], target: Place) -> None:
    whole = made[1].read_bytes()
    cut = target.data_dir / "cut.tar.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    _refused(target, cut, "truncated or not a needlecare backup archive")
    assert _is_empty(target)


def test_something_else_than_an_archive_is_refused(target: Place) -> None:
    other = target.data_dir / "notes.txt"
    other.write_text("not a backup\n")
    _refused(target, other, "truncated or not a needlecare backup archive")
    _refused(target, target.data_dir / "missing.tar.gz", "does not exist")
    assert _is_empty(target)


def test_an_archive_of_the_other_database_is_refused(
    made: tuple[Place, Path], target: Place, tmp_path: Path
) -> None:
    members = _read(made[1])
    manifest = json.loads(members["manifest.json"])
    ours = manifest["database_vendor"]
    other = "sqlite" if ours == "postgresql" else "postgresql"
    # A whole archive of the other vendor: its dump under the other name, listed as such.
    dump = members.pop(DATABASE_MEMBERS[ours])
    members[DATABASE_MEMBERS[other]] = dump
    manifest["database_vendor"] = other
    manifest["members"][DATABASE_MEMBERS[other]] = manifest["members"].pop(DATABASE_MEMBERS[ours])
    members["manifest.json"] = json.dumps(manifest).encode()
    archive = _write(tmp_path / "other.tar.gz", members)
    _refused(target, archive, f"holds a {other} database but this installation uses {ours}")
    assert _is_empty(target)


def test_a_restore_into_a_database_in_use_is_refused(made: tuple[Place, Path]) -> None:
    source, archive = made
    before = tables(source)
    _refused(source, archive, "is not empty")
    assert tables(source) == before


def test_a_restore_into_a_data_directory_with_files_is_refused(
    made: tuple[Place, Path], target: Place
) -> None:
    stray = target.media / "letters" / "kept.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF-1.4 someone else's letter")
    _refused(target, made[1], "already holds files")
    assert stray.read_bytes() == b"%PDF-1.4 someone else's letter"
    stray.unlink()
    assert _is_empty(target), "the database was written although the restore was refused"


def test_the_unaltered_archive_restores(made: tuple[Place, Path], target: Place) -> None:
    # The control for the refusals above: they fail for the reason given, not for any reason.
    source, archive = made
    out = target.run_ok("restore", str(archive))
    assert "restored the" in out and "1 stored file from" in out
    assert files(target.media) == files(source.media)
    assert tables(target) == tables(source)
