"""The naive baseline for the mail scorer: Python's `email` with policy.default, nothing else.

    python bench/mail_baseline.py FILE    (prints the keys ../shared/corpora/mail/score.py reads)

It is what a help desk gets for free from the standard library: the plain (else HTML) body
from get_body(), the first From address, the attachments iter_attachments() names, and no
robot detection. bench/quality.py runs it next to `supportdesk mail parse`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from typing import Any


def baseline(raw: bytes) -> dict[str, Any]:
    msg = BytesParser(policy=policy.default).parsebytes(raw)

    def first_from() -> str | None:
        addresses = msg["from"].addresses if msg["from"] is not None else ()
        return addresses[0].addr_spec if addresses else None

    def body(kind: str) -> str | None:
        part = msg.get_body(preferencelist=(kind,))
        return part.get_content() if part is not None else None

    return {
        "from_addr": _or_none(first_from),
        "subject": _or_none(lambda: str(msg["subject"]) if msg["subject"] is not None else None),
        "text": _or_none(lambda: body("plain")),
        "html": _or_none(lambda: body("html")),
        "attachments": _or_none(lambda: [{"filename": a.get_filename()} for a in msg.iter_attachments()]) or [],
    }


def _or_none(read: Callable[[], Any]) -> Any:
    """What the library gives, or None where it raises (the baseline has no recovery of its own)."""
    try:
        return read()
    except Exception:  # noqa: BLE001
        return None


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as fh:
        print(json.dumps(baseline(fh.read()), ensure_ascii=False))
