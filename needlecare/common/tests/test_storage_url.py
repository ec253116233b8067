"""NEEDLECARE_STORAGE_URL, read by a pure function: the file system by default, an S3 bucket
with its prefix, endpoint and region when named, and one clear line for anything else (also when
the real settings module is imported with a bad value)."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from needlecare.common.storage_url import FILE_SYSTEM, S3, default_storage_of, object_store_of

SAFE = {"default_acl": None, "file_overwrite": False, "querystring_auth": True}


@pytest.mark.parametrize("url", ["", "   ", "file:", "file://"])
def test_unset_or_file_is_the_file_system(url: str) -> None:
    entry = default_storage_of(url)
    assert entry == {"BACKEND": FILE_SYSTEM}
    assert object_store_of(entry) is None


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (
            "s3://needlecare-docs/stoughton?endpoint=https://minio.internal:9000&region=us-east-1",
            {
                "bucket_name": "needlecare-docs",
                "location": "stoughton",
                "endpoint_url": "https://minio.internal:9000",
                "region_name": "us-east-1",
            },
        ),
        ("s3://needlecare-docs", {"bucket_name": "needlecare-docs", "location": ""}),
        ("s3://needlecare-docs/", {"bucket_name": "needlecare-docs", "location": ""}),
        (
            "s3://my.bucket-1/group/clinic-a/?region=eu-central-1&addressing_style=path",
            {
                "bucket_name": "my.bucket-1",
                "location": "group/clinic-a",
                "region_name": "eu-central-1",
                "addressing_style": "path",
            },
        ),
        (
            "  s3://abc?endpoint=http://127.0.0.1:9000  ",
            {"bucket_name": "abc", "location": "", "endpoint_url": "http://127.0.0.1:9000"},
        ),
    ],
)
def test_an_s3_url_names_the_bucket_prefix_endpoint_and_region(
    url: str, options: dict[str, str]
) -> None:
    assert default_storage_of(url) == {"BACKEND": S3, "OPTIONS": {**options, **SAFE}}


def test_the_object_store_is_named_by_bucket_prefix_and_endpoint() -> None:
    entry = default_storage_of("s3://docs/a/b?endpoint=https://s3.example.org&region=us-east-1")
    assert object_store_of(entry) == "s3://docs/a/b at https://s3.example.org"
    assert object_store_of(default_storage_of("s3://docs")) == "s3://docs"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:/srv/needlecare/media", "takes no path after file:"),
        ("file:///srv/media", "takes no path after file:"),
        ("gs://bucket", "must be file: or s3://"),
        ("/srv/media", "must be file: or s3://"),
        ("minio.internal:9000/bucket", "must be file: or s3://"),
        ("s3://", "names no bucket"),
        ("s3:///prefix", "names no bucket"),
        ("s3://AKIA:secret@bucket", "must not hold credentials"),
        ("s3://key@bucket", "must not hold credentials"),
        ("s3://bucket:9000", "give the server as ?endpoint="),
        ("s3://bucket:x", "is not a URL"),
        ("s3://Bucket", "not an S3 bucket name"),
        ("s3://ab", "not an S3 bucket name"),
        ("s3://-bucket", "not an S3 bucket name"),
        ("s3://my..bucket", "not an S3 bucket name"),
        ("s3://bucket_name", "not an S3 bucket name"),
        ("s3://bucket/a//b", "empty, '.' or '..' segment"),
        ("s3://bucket/a/../b", "empty, '.' or '..' segment"),
        ("s3://bucket#x", "must not have a #fragment"),
        ("s3://bucket?endpoint=ftp://host", "not http(s)://host[:port]"),
        ("s3://bucket?endpoint=minio:9000", "not http(s)://host[:port]"),
        ("s3://bucket?endpoint=https://host:port", "an endpoint with a bad port"),
        ("s3://bucket?endpoint=https://u:p@host", "with credentials, a query or a fragment"),
        ("s3://bucket?endpoint=", "gives an empty endpoint"),
        ("s3://bucket?region=Mars", "not like us-east-1"),
        ("s3://bucket?region=us-east-1&region=eu-west-1", "gives region twice"),
        ("s3://bucket?secret_key=x", "unknown parameter 'secret_key'"),
        ("s3://bucket?acl=public-read", "unknown parameter 'acl'"),
        ("s3://bucket?addressing_style=sideways", "addressing_style must be one of"),
        ("s3://bucket?endpoint", "malformed query"),
        ("s3://bucket\nx", "must be one line"),
    ],
)
def test_a_bad_value_is_refused_in_one_line(url: str, says: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        default_storage_of(url)
    message = str(refused.value)
    assert message.startswith("NEEDLECARE_STORAGE_URL ")
    assert says in message
    assert "\n" not in message


def _settings_with(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEEDLECARE_STORAGE_URL": url}
    code = (
        "import json, needlecare.settings as s\n"
        "print(json.dumps(s.STORAGES['default'], sort_keys=True))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_settings_module_reads_the_variable_and_stops_on_a_bad_one() -> None:
    good = _settings_with("s3://needlecare-docs/p?endpoint=http://127.0.0.1:9&region=us-east-1")
    assert good.returncode == 0, good.stderr
    assert '"bucket_name": "needlecare-docs"' in good.stdout
    assert f'"BACKEND": "{S3}"' in good.stdout
    default = _settings_with("")
    assert f'"BACKEND": "{FILE_SYSTEM}"' in default.stdout
    bad = _settings_with("s3://AKIA:secret@bucket")
    assert bad.returncode != 0
    last = bad.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: NEEDLECARE_STORAGE_URL")
