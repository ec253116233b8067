"""NEEDLECARE_STORAGE_URL: where stored files (letters, clearance uploads, FHIR bulk exports)
live. Pure: no Django settings, no network; settings.py builds STORAGES["default"] from it.

- unset, empty or `file:`: the file system under MEDIA_ROOT (NEEDLECARE_DATA_DIR/media).
- `s3://BUCKET[/PREFIX]?endpoint=https://host:port&region=us-east-1`: an S3-compatible object
  store through django-storages, private objects, never overwritten, signed URLs only.
  `endpoint` (default: AWS itself), `region` and `addressing_style` (`path` for stores that
  cannot take the bucket in the host name, `virtual`, `auto`) are optional. Credentials are
  never in the URL: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or its other
  usual sources: a profile, an instance role).
"""

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

VARIABLE = "NEEDLECARE_STORAGE_URL"
FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
QUERY_KEYS = ("endpoint", "region", "addressing_style")
ADDRESSING_STYLES = ("path", "virtual", "auto")
# S3's rules for a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting
# and ending with a letter or digit.
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
REGION = re.compile(r"[a-z]{2}(-[a-z0-9]+)+")


def _bad(why: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{VARIABLE} {why}")


def default_storage_of(url: str) -> dict[str, Any]:
    """The STORAGES["default"] entry the variable's value names; ImproperlyConfigured, one
    line, for anything else."""
    url = url.strip()
    if url in ("", "file:", "file://"):
        return {"BACKEND": FILE_SYSTEM}
    if "\n" in url or "\r" in url:
        raise _bad("must be one line")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _bad(f"is not a URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme == "file":
        raise _bad("takes no path after file: (stored files live under NEEDLECARE_DATA_DIR/media)")
    if scheme != "s3":
        raise _bad(f"must be file: or s3://BUCKET[/PREFIX]?endpoint=...; not {scheme or url!r}")
    if parts.username is not None or parts.password is not None:
        raise _bad(
            "must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead"
        )
    if port is not None:
        raise _bad("names a bucket, not a host: give the server as ?endpoint=https://host:port")
    bucket = parts.netloc
    if not bucket:
        raise _bad("names no bucket: s3://BUCKET[/PREFIX]")
    if not BUCKET.fullmatch(bucket) or ".." in bucket:
        raise _bad(f"names {bucket!r}, which is not an S3 bucket name")
    if parts.fragment:
        raise _bad("must not have a #fragment")
    prefix = parts.path.strip("/")
    if prefix and any(segment in ("", ".", "..") for segment in prefix.split("/")):
        raise _bad(f"has a prefix {parts.path!r} with an empty, '.' or '..' segment")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix,
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
    options.update(_query(parts.query))
    return {"BACKEND": S3, "OPTIONS": options}


def _query(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise _bad(f"has a malformed query {query!r}") from None
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key not in QUERY_KEYS:
            raise _bad(f"has an unknown parameter {key!r} (known: {', '.join(QUERY_KEYS)})")
        if key in seen:
            raise _bad(f"gives {key} twice")
        if not value.strip():
            raise _bad(f"gives an empty {key}")
        seen[key] = value.strip()
    options = {}
    if "endpoint" in seen:
        endpoint = urlsplit(seen["endpoint"])
        try:
            endpoint.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise _bad(f"has an endpoint with a bad port: {seen['endpoint']!r}") from None
        if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
            raise _bad(f"has an endpoint that is not http(s)://host[:port]: {seen['endpoint']!r}")
        if endpoint.username or endpoint.password or endpoint.query or endpoint.fragment:
            raise _bad("has an endpoint with credentials, a query or a fragment")
        options["endpoint_url"] = seen["endpoint"]
    if "region" in seen:
        if not REGION.fullmatch(seen["region"]):
            raise _bad(f"has a region {seen['region']!r} that is not like us-east-1")
        options["region_name"] = seen["region"]
    if "addressing_style" in seen:
        if seen["addressing_style"] not in ADDRESSING_STYLES:
            raise _bad(f"addressing_style must be one of {', '.join(ADDRESSING_STYLES)}")
        options["addressing_style"] = seen["addressing_style"]
    return options


def object_store_of(entry: dict[str, Any]) -> str | None:
    """Where an object store keeps the files, as `s3://bucket/prefix`; None on the file
    system (or any storage that is not S3)."""
    if entry.get("BACKEND") != S3:
        return None
    options = entry.get("OPTIONS", {})
    location = str(options.get("location", "")).strip("/")
    where = f"s3://{options.get('bucket_name', '')}" + (f"/{location}" if location else "")
    endpoint = options.get("endpoint_url")
    return f"{where} at {endpoint}" if endpoint else where
