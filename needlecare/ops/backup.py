"""`needlecare backup FILE`: the database, every stored file and a manifest, in one archive,
taken while the server runs. With an object store (NEEDLECARE_STORAGE_URL=s3://...) the files
are the store's business (its versioning and replication): the archive holds the database and a
manifest naming the bucket and prefix, and no files."""

import shutil
import tempfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from needlecare.common.storage_url import object_store_of
from needlecare.ops.archive import ArchiveWriter
from needlecare.ops.database import applied_schema, copy_database, vendor
from needlecare.ops.manifest import DATABASE_MEMBERS, FILES_PREFIX, Manifest, OpsError


def stored_files(root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT (letters, clearances, consent PDFs), in order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup_create(*, path: Path) -> Manifest:
    """Write the archive at `path` (replacing an older one only once the new one is whole)."""
    path = path.resolve()
    if not path.parent.is_dir():
        raise OpsError(f"{path.parent} is not a directory")
    if path.is_dir():
        raise OpsError(f"{path} is a directory: name the archive file to write")
    object_store = object_store_of(settings.STORAGES["default"])
    media = Path(settings.MEDIA_ROOT).resolve()
    if object_store is None and path.is_relative_to(media):
        raise OpsError(f"write the archive outside {media}, whose files it backs up")
    kind = vendor()
    schema = applied_schema()
    created_at = datetime.now(tz=UTC)
    staging = Path(tempfile.mkdtemp(prefix=".needlecare-backup-", dir=path.parent))
    try:
        # The database first, then the files: a letter's file is stored before its row
        # commits, so every row in the copy finds its file in the archive.
        dump = staging / "database"
        copy_database(dump)
        with ArchiveWriter(path) as writer:
            writer.add_file(DATABASE_MEMBERS[kind], dump)
            dump.unlink()
            for source in [] if object_store else stored_files(media):
                try:
                    writer.add_file(FILES_PREFIX + source.relative_to(media).as_posix(), source)
                except FileNotFoundError:
                    continue  # deleted since it was listed: its row is gone too
            manifest = Manifest(
                created_at=created_at,
                needlecare_version=version("needlecare"),
                vendor=kind,
                schema=schema,
                members=dict(writer.members),
                object_store=object_store,
            )
            writer.commit(manifest)
    except OSError as error:
        raise OpsError(f"could not write {path}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
