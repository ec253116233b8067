"""Writing and reading the archive: a gzipped tar, written beside its final name and renamed
into place when complete, read back member by member with each member's checksum taken as it
is extracted. No Django here."""

import contextlib
import gzip
import hashlib
import io
import os
import tarfile
import time
import zlib
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from needlecare.ops.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    ArchiveRefused,
    Manifest,
    Member,
    OpsError,
    check_members,
    member_name_allowed,
)

CHUNK = 1024 * 1024
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class _Hashing(io.RawIOBase):
    """Reads through to `source`, at most `size` bytes, hashing what passes."""

    def __init__(self, source: IO[bytes], size: int) -> None:
        self.source, self.left, self.sha = source, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.source.read(n)
        self.left -= len(data)
        self.sha.update(data)
        return data


class ArchiveWriter:
    """Members added one by one; `commit()` makes the archive appear at `path` whole or not at
    all (the partial file is removed on any failure). The archive is readable by its owner only:
    it holds patient data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.members: dict[str, Member] = {}
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        # Held open across add_file calls; commit() or abandon() closes it.
        self.raw = os.fdopen(fd, "wb")  # noqa: SIM115
        # Level 1: the PDFs and a custom-format dump hardly compress; the SQLite file does, fast.
        self.gz = gzip.GzipFile(fileobj=self.raw, mode="wb", compresslevel=1, mtime=0)
        self.tar = tarfile.open(fileobj=self.gz, mode="w", format=tarfile.PAX_FORMAT)  # noqa: SIM115

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abandon()

    def add_file(self, name: str, source: Path) -> Member:
        """Add a file as it is now; FileNotFoundError if it has gone."""
        with source.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            reader = _Hashing(handle, size)
            self.tar.addfile(self._info(name, size), reader)
        member = Member(sha256=reader.sha.hexdigest(), size=size)
        self.members[name] = member
        return member

    def add_bytes(self, name: str, data: bytes) -> None:
        self.tar.addfile(self._info(name, len(data)), io.BytesIO(data))

    def commit(self, manifest: Manifest) -> None:
        """Write the manifest last, flush to disk and rename into place."""
        self.add_bytes(MANIFEST_NAME, manifest.to_json())
        self.tar.close()
        self.gz.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        os.replace(self.partial, self.path)
        _fsync_dir(self.path.parent)

    def abandon(self) -> None:
        for closing in (self.tar, self.gz, self.raw):
            with contextlib.suppress(OSError, ValueError, tarfile.TarError):
                closing.close()
        self.partial.unlink(missing_ok=True)

    @staticmethod
    def _info(name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, PRIVATE_FILE, int(time.time())
        return info


def extract_verified(archive: Path, into: Path) -> Manifest:
    """Extract every member under `into` (an empty private directory), checking each name, the
    manifest and every checksum; ArchiveRefused when anything is off."""
    found: dict[str, Member] = {}
    manifest_raw: bytes | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for info in tar:
                manifest_raw = _extract_one(tar, info, into, found, manifest_raw)
    except FileNotFoundError:
        raise ArchiveRefused(f"{archive} does not exist") from None
    except IsADirectoryError:
        raise ArchiveRefused(f"{archive} is a directory, not a backup archive") from None
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveRefused(
            f"{archive} is truncated or not a needlecare backup archive ({error})"
        ) from None
    if manifest_raw is None:
        raise ArchiveRefused(f"the archive is damaged: {MANIFEST_NAME} is missing")
    manifest = Manifest.from_json(manifest_raw)
    check_members(manifest, found)
    return manifest


def _extract_one(
    tar: tarfile.TarFile,
    info: tarfile.TarInfo,
    into: Path,
    found: dict[str, Member],
    manifest_raw: bytes | None,
) -> bytes | None:
    name = info.name
    if not info.isfile() or not member_name_allowed(name):
        raise ArchiveRefused(f"the archive is damaged: unexpected member {name!r}")
    if name in found or (name == MANIFEST_NAME and manifest_raw is not None):
        raise ArchiveRefused(f"the archive is damaged: member {name} appears twice")
    source = tar.extractfile(info)
    if source is None:  # pragma: no cover - isfile() members always have contents
        raise ArchiveRefused(f"the archive is damaged: member {name} has no contents")
    if name == MANIFEST_NAME:
        if info.size > MAX_MANIFEST_BYTES:
            raise ArchiveRefused("the archive is damaged: its manifest is too large")
        return source.read()
    target = into / name
    target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    sha, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
            out.write(chunk)
    found[name] = Member(sha256=sha.hexdigest(), size=size)
    return manifest_raw


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


__all__ = ["ArchiveWriter", "OpsError", "extract_verified", "sha256_of"]
