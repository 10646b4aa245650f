"""Content-addressed files on disk: the same bytes are stored once, named by SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def _root() -> Path:
    return Path(settings.ATTACHMENT_ROOT)


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return _root() / sha256[:2] / sha256[2:4] / sha256


def blob_put(content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()
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


def blob_get(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()
