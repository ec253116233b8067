"""The database and every stored file are readable by the service's user only (0600, 0700).

The real `needlecare` command runs with umask 077 and makes its data directory private even
when it was made world-readable before; the storage settings do the same for uploads and
generated documents in any process (this test process keeps its own, looser umask).
"""

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from needlecare.common.testing.server import ServerEnvironment
from needlecare.screening.models import PhysicianClearance


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_real_command_creates_a_private_database(server_environment: ServerEnvironment):
    data_dir = server_environment.data_dir
    assert mode(data_dir) == 0o700
    database = data_dir / "needlecare.sqlite3"
    if os.environ.get("DATABASE_URL"):
        # PostgreSQL keeps the data in its own (private) cluster: nothing of it lands here.
        assert not database.exists()
        assert not list(data_dir.glob("needlecare.sqlite3*"))
        return
    assert database.exists()
    assert mode(database) == 0o600
    for journal in data_dir.glob("needlecare.sqlite3-*"):
        assert mode(journal) == 0o600, journal


def test_the_real_command_makes_an_open_data_directory_private_and_stores_files_privately(
    server_environment: ServerEnvironment, tmp_path: Path
):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    data_dir.chmod(0o755)
    env = dict(server_environment.env, NEEDLECARE_DATA_DIR=str(data_dir))
    probe = ServerEnvironment(command=server_environment.command, env=env, data_dir=data_dir)
    out = probe.run_ok(
        "shell",
        "-c",
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "print(default_storage.save('letters/2026/11/probe.pdf', ContentFile(b'%PDF-1.7')))\n",
    )
    stored = data_dir / "media" / out.strip().splitlines()[-1]
    assert stored.read_bytes() == b"%PDF-1.7"
    assert mode(data_dir) == 0o700
    assert mode(stored) == 0o600
    for directory in (data_dir / "media", data_dir / "media" / "letters", stored.parent):
        assert mode(directory) == 0o700, directory
    # Whatever else the command created there (static files, the database) is private too.
    for path in data_dir.rglob("*"):
        assert not mode(path) & 0o077, (path, oct(mode(path)))


@pytest.mark.django_db
def test_an_uploaded_clearance_letter_is_stored_readable_by_its_owner_only(
    client, practice, settings
):
    client.force_login(practice.therapist.user)
    loose = os.umask(0o022)  # as a process not started by `needlecare` might have
    try:
        response = client.post(
            f"/staff/patients/{practice.patient.pk}/clearances/new/",
            {
                "condition": "cancer",
                "physician_name": "Dr. Laura Chen",
                "cleared_on": dt.date.today().isoformat(),
                "letter": SimpleUploadedFile("chen.pdf", b"%PDF-1.7\nletter\n%%EOF"),
            },
        )
    finally:
        os.umask(loose)
    assert response.status_code == 302
    letter = Path(PhysicianClearance.objects.get().letter.path)
    assert mode(letter) == 0o600
    media = Path(settings.MEDIA_ROOT)
    for directory in [letter.parent, *letter.parent.parents]:
        if directory == media.parent:
            break
        assert mode(directory) == 0o700, directory
