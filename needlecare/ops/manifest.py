"""A backup archive's manifest and the checks made on it. Pure: no Django, no files.

The archive is a gzipped tar of `database/<dump>`, `files/<path under MEDIA_ROOT>` and, last,
`manifest.json`, which lists every other member with its SHA-256 and size, the database vendor,
the schema (the latest applied migration of each app), the needlecare version and the time.
When the installation keeps its files in an object store (NEEDLECARE_STORAGE_URL=s3://...), the
archive has no `files/` members: the manifest's `object_store` names the bucket and prefix, whose
own versioning and replication keep the files.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

FORMAT = 1
MANIFEST_NAME = "manifest.json"
FILES_PREFIX = "files/"
DATABASE_MEMBERS = {
    "sqlite": "database/needlecare.sqlite3",
    "postgresql": "database/needlecare.pgdump",
}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
UNKNOWN_DEPTH = 1 << 30


class OpsError(Exception):
    """A backup or restore that cannot go ahead; str() is one line for the operator."""

    exit_status = 1


class ArchiveRefused(OpsError):
    """The archive is damaged, or does not fit this installation's code or database."""

    exit_status = 2


class TargetNotEmpty(OpsError):
    """A restore goes into an empty database and data directory only."""

    exit_status = 2


@dataclass(frozen=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created_at: datetime
    needlecare_version: str
    vendor: str
    schema: dict[str, str]
    members: dict[str, Member]
    # "s3://bucket/prefix [at endpoint]" when the files stayed in an object store; else None.
    object_store: str | None = None

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.vendor]

    @property
    def file_members(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(FILES_PREFIX))

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "created_at": self.created_at.isoformat(),
            "needlecare_version": self.needlecare_version,
            "database_vendor": self.vendor,
            "schema": dict(sorted(self.schema.items())),
            "members": {
                name: {"sha256": m.sha256, "size": m.size}
                for name, m in sorted(self.members.items())
            },
        }
        if self.object_store is not None:
            data["object_store"] = self.object_store
        return json.dumps(data, indent=2).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        """Read a manifest; ArchiveRefused for anything that is not one this code wrote."""
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ArchiveRefused(
                    f"the archive's manifest is format {data.get('format')!r}; "
                    f"this needlecare reads format {FORMAT}"
                )
            members = {
                str(name): Member(sha256=str(m["sha256"]), size=int(m["size"]))
                for name, m in data["members"].items()
            }
            manifest = cls(
                created_at=datetime.fromisoformat(data["created_at"]),
                needlecare_version=str(data["needlecare_version"]),
                vendor=str(data["database_vendor"]),
                schema={str(app): str(name) for app, name in data["schema"].items()},
                members=members,
                object_store=_object_store(data.get("object_store")),
            )
        except ArchiveRefused:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ArchiveRefused(f"the archive's manifest is damaged ({error})") from None
        if manifest.vendor not in DATABASE_MEMBERS:
            raise ArchiveRefused(f"the archive names an unknown database {manifest.vendor!r}")
        if manifest.created_at.tzinfo is None:
            raise ArchiveRefused("the archive's manifest is damaged (a time without a zone)")
        for name in manifest.members:
            if not member_name_allowed(name) or name == MANIFEST_NAME:
                raise ArchiveRefused(f"the archive's manifest lists a bad member name {name!r}")
        if manifest.object_store is not None and manifest.file_members:
            raise ArchiveRefused(
                "the archive's manifest is damaged (files both archived and in an object store)"
            )
        return manifest


def _object_store(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("s3://") or "\n" in value:
        raise ValueError(f"object_store is {value!r}, not an s3:// location")
    return value


def member_name_allowed(name: str) -> bool:
    """Only the manifest, the database dump and files under files/, never outside the target."""
    path = PurePosixPath(name)
    if not name or name != str(path) or path.is_absolute() or "\\" in name:
        return False
    if any(part in ("", ".", "..") for part in path.parts):
        return False
    if name == MANIFEST_NAME or name in DATABASE_MEMBERS.values():
        return True
    return name.startswith(FILES_PREFIX) and len(path.parts) > 1


def check_members(manifest: Manifest, found: Mapping[str, Member]) -> None:
    """Every member the manifest lists is there, intact, and nothing else is."""
    if manifest.database_member not in manifest.members:
        raise ArchiveRefused(
            f"the archive is damaged: its manifest lists no {manifest.database_member}"
        )
    for name, expected in sorted(manifest.members.items()):
        got = found.get(name)
        if got is None:
            raise ArchiveRefused(f"the archive is damaged: member {name} is missing")
        if got != expected:
            raise ArchiveRefused(f"the archive is damaged: member {name} fails its checksum")
    extra = sorted(set(found) - set(manifest.members))
    if extra:
        raise ArchiveRefused(f"the archive is damaged: member {extra[0]} is not in its manifest")


def check_compatible(manifest: Manifest, *, vendor: str, schema: Mapping[str, str]) -> None:
    """The archive was made by a database of the same kind at the code's schema."""
    if manifest.vendor != vendor:
        raise ArchiveRefused(
            f"the archive holds a {manifest.vendor} database but this installation uses "
            f"{vendor}: restore it into a {manifest.vendor} installation"
        )
    difference = schema_difference(manifest.schema, schema)
    if difference:
        raise ArchiveRefused(
            f"the archive's schema differs from this code's migrations ({difference}): "
            f"restore with needlecare {manifest.needlecare_version}, then migrate"
        )


def check_files_place(manifest: Manifest, *, object_store: str | None) -> None:
    """Files archived go to a file-system installation; files left in an object store need an
    installation that reads an object store (the same one, or a copy of it)."""
    if manifest.object_store is not None and object_store is None:
        raise ArchiveRefused(
            f"the archive's files are in the object store {manifest.object_store}, not in the "
            "archive: set NEEDLECARE_STORAGE_URL to that store (or a copy of it) and restore again"
        )
    if manifest.object_store is None and object_store is not None:
        raise ArchiveRefused(
            f"the archive holds its files but this installation keeps files in {object_store}: "
            "restore with NEEDLECARE_STORAGE_URL unset (the file system)"
        )


def schema_difference(archived: Mapping[str, str], code: Mapping[str, str]) -> str:
    """The first few differences between two schemas, said briefly; '' when they agree."""
    diffs = []
    for app in sorted(set(archived) | set(code)):
        mine, theirs = code.get(app, "none"), archived.get(app, "none")
        if mine != theirs:
            diffs.append(f"{app}: archive {theirs}, code {mine}")
    shown = "; ".join(diffs[:3])
    return shown + (f"; {len(diffs) - 3} more" if len(diffs) > 3 else "")


def latest_applied(
    applied: Iterable[tuple[str, str]], depth: Mapping[tuple[str, str], int]
) -> dict[str, str]:
    """Each app's latest applied migration: the one with most migrations before it in the
    code's graph (`depth`). A migration the code does not know wins: the schema is then
    another code's, and a restore with this code must not take it for its own."""
    latest: dict[str, tuple[int, str]] = {}
    for app, name in applied:
        key = (depth.get((app, name), UNKNOWN_DEPTH), name)
        if app not in latest or key > latest[app]:
            latest[app] = key
    return {app: name for app, (_, name) in sorted(latest.items())}


def summary(manifest: Manifest) -> dict[str, Any]:
    """What a person wants to see about an archive: counts, sizes, vendor and version."""
    files = manifest.file_members
    return {
        "vendor": manifest.vendor,
        "files": len(files),
        "file_bytes": sum(manifest.members[n].size for n in files),
        "database_bytes": manifest.members[manifest.database_member].size,
        "needlecare_version": manifest.needlecare_version,
        "created_at": manifest.created_at.isoformat(),
        "object_store": manifest.object_store,
    }
