"""`needlecare restore FILE`: into an empty database and data directory only, after checking
the whole archive; a damaged or mismatched archive changes nothing. An archive whose files stayed
in an object store restores the database only, into an installation that reads an object store;
an archive with its files restores into a file-system installation only."""

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from needlecare.common.storage_url import object_store_of
from needlecare.ops.archive import PRIVATE_DIR, PRIVATE_FILE, extract_verified
from needlecare.ops.database import check_database_empty, code_schema, install_database, vendor
from needlecare.ops.manifest import (
    FILES_PREFIX,
    Manifest,
    OpsError,
    TargetNotEmpty,
    check_compatible,
    check_files_place,
)


def check_media_empty(media: Path) -> None:
    if media.is_dir() and any(media.iterdir()):
        raise TargetNotEmpty(
            f"{media} already holds files: restore into an empty NEEDLECARE_DATA_DIR"
        )
    if media.exists() and not media.is_dir():
        raise TargetNotEmpty(f"{media} exists and is not a directory")


def _make_private(root: Path) -> None:
    os.chmod(root, PRIVATE_DIR)
    for path in root.rglob("*"):
        os.chmod(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE)


def backup_restore(*, path: Path) -> Manifest:
    """Check the target is empty and the archive whole and fitting, then put it in place."""
    media = Path(settings.MEDIA_ROOT)
    object_store = object_store_of(settings.STORAGES["default"])
    check_database_empty()
    if object_store is None:
        check_media_empty(media)
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    staging = Path(tempfile.mkdtemp(prefix=".needlecare-restore-", dir=data_dir))
    try:
        manifest = extract_verified(path.resolve(), staging)
        check_compatible(manifest, vendor=vendor(), schema=code_schema())
        check_files_place(manifest, object_store=object_store)
        if object_store is not None:
            # The files are the store's: only the database comes out of the archive.
            install_database(staging / manifest.database_member)
            return manifest
        files = staging / FILES_PREFIX.rstrip("/")
        files.mkdir(exist_ok=True, mode=PRIVATE_DIR)
        _make_private(files)
        # Files first (one rename), then the database; if the database fails, take the
        # files back out, so a refused restore leaves the target as empty as it was.
        had_media = media.is_dir()
        if had_media:
            media.rmdir()
        os.replace(files, media)
        try:
            install_database(staging / manifest.database_member)
        except BaseException:
            os.replace(media, files)
            if had_media:
                media.mkdir(mode=PRIVATE_DIR)
            raise
    except OSError as error:
        raise OpsError(f"could not restore {path}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
