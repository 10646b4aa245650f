"""Secret tokens at rest: only their SHA-256 is stored (CTI integrations, portal access links)."""

from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
