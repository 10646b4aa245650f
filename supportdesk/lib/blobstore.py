"""Content-addressed files: the same bytes are stored once, named by SHA-256 (``xx/yy/<sha256>``).

Two places can hold them: a local folder (``ATTACHMENT_ROOT``, the default; written to a temporary
name and renamed, so a crash never leaves half a file under its final name) or an S3-compatible
bucket (``SUPPORTDESK_S3_BUCKET``, through django-storages; an object appears whole or not at all).
Everything else calls the functions here and never touches paths or buckets itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from django.conf import settings

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _check(sha256: str) -> str:
    if not _DIGEST.match(sha256 or ""):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def blob_name(sha256: str) -> str:
    """The blob's relative name in either store."""
    _check(sha256)
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def uses_s3() -> bool:
    return bool(settings.S3_BUCKET)


@lru_cache(maxsize=4)
def _s3_storage(bucket: str, endpoint: str, region: str, prefix: str) -> Any:
    from storages.backends.s3 import S3Storage

    return S3Storage(bucket_name=bucket, endpoint_url=endpoint or None, region_name=region or None,
                     location=prefix, file_overwrite=True, default_acl=None, querystring_auth=True,
                     verify=settings.S3_CA_FILE or None)


def _s3() -> Any:
    return _s3_storage(settings.S3_BUCKET, settings.S3_ENDPOINT_URL, settings.S3_REGION, settings.S3_PREFIX)


def _root() -> Path:
    return Path(settings.ATTACHMENT_ROOT)


def blob_path(sha256: str) -> Path:
    """The local file of a blob (local store only)."""
    return _root() / blob_name(sha256)


def blob_put(content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
    if uses_s3():
        from django.core.files.base import ContentFile

        storage = _s3()
        if not storage.exists(blob_name(digest)):
            storage.save(blob_name(digest), ContentFile(content))
        return digest
    path = blob_path(digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: a crash never leaves a half-written blob under its final name.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def blob_open(sha256: str) -> IO[bytes]:
    """A binary file object of the blob (FileNotFoundError when it is missing)."""
    if uses_s3():
        storage = _s3()
        if not storage.exists(blob_name(sha256)):
            raise FileNotFoundError(blob_name(sha256))
        return storage.open(blob_name(sha256), "rb")  # type: ignore[no-any-return]
    return blob_path(sha256).open("rb")


def blob_get(sha256: str) -> bytes:
    with blob_open(sha256) as fh:
        return fh.read()


def blob_exists(sha256: str) -> bool:
    if uses_s3():
        return bool(_s3().exists(blob_name(sha256)))
    return blob_path(sha256).is_file()


def blob_delete(sha256: str) -> None:
    if uses_s3():
        _s3().delete(blob_name(sha256))
    else:
        blob_path(sha256).unlink(missing_ok=True)


def blob_list() -> Iterator[str]:
    """Every stored blob's digest, in order (temporary files and anything else left out)."""
    if uses_s3():
        storage = _s3()
        names: list[str] = []
        for first in storage.listdir("")[0]:
            for second in storage.listdir(first)[0]:
                names.extend(storage.listdir(f"{first}/{second}")[1])
        yield from sorted(n for n in names if _DIGEST.match(n))
        return
    root = _root()
    if root.is_dir():
        for path in sorted(root.glob("??/??/*")):
            if _DIGEST.match(path.name) and path.is_file():
                yield path.name


def blob_store_label() -> str:
    if uses_s3():
        where = f" at {settings.S3_ENDPOINT_URL}" if settings.S3_ENDPOINT_URL else ""
        return f"S3 bucket {settings.S3_BUCKET}{where}"
    return str(_root())
