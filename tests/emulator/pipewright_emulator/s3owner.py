"""S3's ExpectedBucketOwner (header `x-amz-expected-bucket-owner`), which moto ignores.

AWS answers 403 AccessDenied when the bucket a request names is owned by another account than the
one the header expects. Pipewright passes its account on every call on its artifact bucket, so a
bucket someone else created first under the same name is refused instead of used.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote


def bucket_of(environ: dict[str, Any]) -> str | None:
    """The bucket of a path-style request (`/bucket/key`); virtual-host style from the Host header."""
    host = (environ.get("HTTP_HOST") or "").split(":")[0]
    path = unquote(environ.get("PATH_INFO", "") or "")
    for suffix in (".localhost", ".s3.amazonaws.com"):
        if host.endswith(suffix) and host != suffix.lstrip("."):
            return host[: -len(suffix)]
    name = path.lstrip("/").split("/", 1)[0]
    return name or None


def owner_mismatch(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(bucket, message) when the request expects another owner than the bucket's, else None."""
    expected = environ.get("HTTP_X_AMZ_EXPECTED_BUCKET_OWNER")
    if not expected:
        return None
    bucket = bucket_of(environ)
    if not bucket:
        return None
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(bucket)
    if owner is None:  # no such bucket: the operation answers NoSuchBucket itself
        return None
    _partition, account = owner
    if account == expected:
        return None
    return bucket, "Access Denied"
