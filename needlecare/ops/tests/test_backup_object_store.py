"""With files in an object store (a real moto server), `needlecare backup` archives the database
and a manifest naming the bucket and prefix, and no files: they are the store's to keep. Such an
archive restores into an installation reading an object store, whose server then serves the
letters from the bucket; a file-system installation refuses it, and an object-store installation
refuses an archive that holds its files. On the suite's database."""

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from needlecare.common.testing.object_store import ObjectStore, installation
from needlecare.common.testing.server import (
    ServerEnvironment,
    get_signed_in,
    sign_in,
    started_server,
)
from needlecare.ops.manifest import DATABASE_MEMBERS

pytestmark = pytest.mark.server

THERAPIST = "dana.reyes@demo.needlecare.test"
LETTERS = (
    "import json\nfrom needlecare.reports.models import Letter\n"
    "print(json.dumps(list(Letter.objects.order_by('pk').values_list('pk', 'pdf'))))"
)


@pytest.fixture(scope="module")
def archived(
    store: ObjectStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerEnvironment, Path, str]]:
    """The demo practice with its files in the bucket, its backup, and what backup said."""
    tmp = tmp_path_factory.mktemp("archived")
    with installation(tmp / "source", store.env) as source:
        source.run_ok("load_demo")
        archive = tmp / "practice.tar.gz"
        said = source.run_ok("backup", str(archive))
        yield source, archive, said


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def _refused(environment: ServerEnvironment, archive: Path, says: str) -> None:
    result = environment.run("restore", str(archive))
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert says in line, line


def test_the_archive_holds_the_database_and_names_the_store_but_no_files(
    store: ObjectStore, archived: tuple[ServerEnvironment, Path, str]
) -> None:
    source, archive, said = archived
    assert f"the stored files stay in the object store {store.where}" in said
    members = _members(archive)
    vendor = "postgresql" if source.env["DATABASE_URL"] else "sqlite"
    assert set(members) == {DATABASE_MEMBERS[vendor], "manifest.json"}
    manifest = json.loads(members["manifest.json"])
    assert manifest["object_store"] == store.where
    assert list(manifest["members"]) == [DATABASE_MEMBERS[vendor]]
    letters = json.loads(source.run_ok("shell", "-c", LETTERS).strip().splitlines()[-1])
    assert letters and {pdf for _, pdf in letters} <= set(store.keys("letters/"))


def test_it_restores_into_an_object_store_installation_that_serves_the_buckets_letters(
    store: ObjectStore, archived: tuple[ServerEnvironment, Path, str], tmp_path: Path
) -> None:
    source, archive, _ = archived
    with installation(tmp_path / "target", store.env, migrate=False) as target:
        said = target.run_ok("restore", str(archive))
        assert f"(its stored files are in the object store {store.where})" in said
        assert not (target.data_dir / "media").exists()
        letters = json.loads(target.run_ok("shell", "-c", LETTERS).strip().splitlines()[-1])
        assert letters == json.loads(source.run_ok("shell", "-c", LETTERS).strip().splitlines()[-1])
        with started_server(target, log_name="restored.log") as server:
            cookies = sign_in("127.0.0.1", server.port, THERAPIST)
            for letter_id, name in (letters[0], letters[-1]):
                answer = get_signed_in(server.port, f"/staff/letters/{letter_id}.pdf", cookies)
                assert answer == (200, store.read(name)), letter_id


def test_a_file_system_installation_refuses_an_archive_whose_files_are_in_a_store(
    store: ObjectStore, archived: tuple[ServerEnvironment, Path, str], tmp_path: Path
) -> None:
    _, archive, _ = archived
    with installation(tmp_path / "target", {}, migrate=False) as target:
        _refused(target, archive, f"files are in the object store {store.where}")
        _refused(target, archive, "set NEEDLECARE_STORAGE_URL")
        assert "reports_letter" not in target.run_ok("shell", "-c", _TABLES)


def test_an_object_store_installation_refuses_an_archive_that_holds_its_files(
    store: ObjectStore, tmp_path: Path
) -> None:
    with installation(tmp_path / "files", {}) as source:
        media = source.data_dir / "media" / "clearances"
        media.mkdir(parents=True)
        (media / "clearance.pdf").write_bytes(b"%PDF-1.4 cleared")
        archive = tmp_path / "files.tar.gz"
        assert "1 stored file" in source.run_ok("backup", str(archive))
    with installation(tmp_path / "target", store.env, migrate=False) as target:
        _refused(target, archive, "restore with NEEDLECARE_STORAGE_URL unset")
        assert "reports_letter" not in target.run_ok("shell", "-c", _TABLES)


_TABLES = "from django.db import connection\nprint(connection.introspection.table_names())"
