"""A backup of the demo practice taken while another process keeps writing letters (file and
row, audited) restores into a fresh place as the practice stood at the backup: every table's
rows, every file's checksum, and a letter downloads from the restored server. On the suite's
database (SQLite, or PostgreSQL when DATABASE_URL is set)."""

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from needlecare.common.testing.server import _free_port, get_signed_in, sign_in
from needlecare.ops.tests.places import Place, files, places, tables, wait_healthy

pytestmark = pytest.mark.server

THERAPIST = "dana.reyes@demo.needlecare.test"  # at both demo clinics
# The writer adds a letter (its file first, then its row and audit rows) in a loop.
WRITER_TABLES = {"reports_letter", "audit_auditevent", "audit_auditeventclinic"}
WRITER = """
import pathlib
from needlecare.accounts.models import User
from needlecare.patients.models import Patient
from needlecare.reports.services import letter_create
by = User.objects.get(email="{email}")
patient = Patient.objects.order_by("pk").first()
stop, ready = pathlib.Path("{stop}"), pathlib.Path("{ready}")
n = 0
while not stop.exists():
    letter_create(patient=patient, kind="consent", pdf=b"%PDF-1.4 writer " + str(n).encode(),
                  recipient="written during the backup", by=by)
    n += 1
    if n == 5:
        ready.touch()
print("wrote", n)
"""


def _start_writer(place: Place, tmp: Path) -> tuple[subprocess.Popen[str], Path]:
    stop, ready = tmp / "stop", tmp / "ready"
    code = WRITER.format(email=THERAPIST, stop=stop, ready=ready)
    writer = place.popen("shell", "-c", code, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(600):
        if ready.exists() or writer.poll() is not None:
            break
        time.sleep(0.1)
    assert ready.exists(), f"the writer did not start: {writer.communicate()}"
    return writer, stop


def _letter_ids(rows: list[tuple[Any, ...]]) -> list[int]:
    index = rows[0].index("id")
    return sorted(row[index] for row in rows[1:])


def _assert_rows_as_of_backup(
    source: dict[str, list[tuple[Any, ...]]], restored: dict[str, list[tuple[Any, ...]]]
) -> None:
    assert sorted(source) == sorted(restored)
    for name, rows in source.items():
        if name not in WRITER_TABLES:
            assert restored[name] == rows, f"table {name} differs after the restore"
            continue
        # The writer went on after the snapshot: the restore holds exactly the rows up to it.
        columns, *kept = restored[name]
        assert columns == rows[0]
        last = max((row[columns.index("id")] for row in kept), default=0)
        before = [row for row in rows[1:] if row[columns.index("id")] <= last]
        assert kept == before, f"table {name} is not the source as of the backup"


def _download(base_url: str, letter_id: int) -> tuple[int, bytes]:
    port = int(base_url.rsplit(":", 1)[1])
    cookies = sign_in("127.0.0.1", port, THERAPIST)
    return get_signed_in(port, f"/staff/letters/{letter_id}.pdf", cookies)


def test_a_backup_taken_while_writing_restores_the_practice_as_it_stood(tmp_path: Path) -> None:
    with places(tmp_path, 2) as (source, target):
        source.run_ok("migrate", "--noinput")
        source.run_ok("load_demo")
        demo_files = files(source.media)
        assert any(name.startswith("letters/") for name in demo_files), "the demo wrote letters"

        writer, stop = _start_writer(source, tmp_path)
        try:
            archive = tmp_path / "practice.tar.gz"
            out = source.run_ok("backup", str(archive))
            assert "backed up the" in out
        finally:
            stop.touch()
            written, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors

        restored_out = target.run_ok("restore", str(archive))
        assert "restored the" in restored_out
        source_rows, restored_rows = tables(source), tables(target)
        _assert_rows_as_of_backup(source_rows, restored_rows)

        # The writer wrote before and after the snapshot: the backup ran during writes.
        kept = _letter_ids(restored_rows["reports_letter"])
        total = _letter_ids(source_rows["reports_letter"])
        assert len(total) > len(kept) > 0

        # Every file in the restore is the source's, byte for byte; the demo's files all came.
        restored_files = files(target.media)
        source_files = files(source.media)
        assert set(demo_files) <= set(restored_files)
        assert all(source_files[name] == sha for name, sha in restored_files.items())
        pdf_column = restored_rows["reports_letter"][0].index("pdf")
        for row in restored_rows["reports_letter"][1:]:
            assert row[pdf_column] in restored_files, f"letter file {row[pdf_column]} missing"

        port = _free_port()
        server = target.popen(
            "serve", f"127.0.0.1:{port}", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server)
            id_column = restored_rows["reports_letter"][0].index("id")
            by_id = {row[id_column]: row[pdf_column] for row in restored_rows["reports_letter"][1:]}
            for letter_id in (min(kept), max(kept)):
                status, body = _download(f"http://127.0.0.1:{port}", letter_id)
                assert status == 200, (letter_id, status)
                assert body == (source.media / by_id[letter_id]).read_bytes()
        finally:
            server.terminate()
            server.wait(timeout=20)
