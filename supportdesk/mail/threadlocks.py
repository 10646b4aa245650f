"""Concurrent deliveries of one conversation, in order: PostgreSQL advisory locks.

Several LMTP connections (or an import next to them) may place mails at the same time. Two
mails of one thread must not route at once: a reply routed while its parent is still being
placed (not yet committed) would not see it and open a ticket of its own; two deliveries of
one Message-ID would both build a ticket before one of them loses at the unique index.

Each mail locks, for its transaction, keys derived from its own Message-ID, every id it
refers to (In-Reply-To, References) and its sender's address (the subject rule and a new
customer's first row). A reply therefore waits until the mail it answers is committed, and
then routes onto its ticket. SQLite needs none of this: its write transactions are
serialised (``BEGIN IMMEDIATE``).

The optimistic attempt (``lib.optimistic``) only tries the locks and gives up at once when
one is held (it must never wait while holding others: two attempts would deadlock); the
careful attempt waits for them in one sorted order, then checks again whether the message
has been registered meanwhile.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection

from supportdesk.lib import txmark
from supportdesk.mail.parsing import ParsedMail

_NAMESPACE = b"supportdesk.mail.thread\0"


def thread_keys(parsed: ParsedMail) -> list[int]:
    """The sorted, distinct 64-bit lock keys of a mail."""
    names: list[str] = []
    for mid in (parsed.message_id, parsed.in_reply_to, *parsed.references):
        if mid and mid.strip():
            names.append("id:" + mid.strip()[:255])
    if parsed.from_addr and parsed.from_addr.strip():
        names.append("from:" + parsed.from_addr.strip().lower())
    return sorted({_key(n) for n in names})


def _key(name: str) -> int:
    digest = hashlib.blake2b(_NAMESPACE + name.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def applies() -> bool:
    return connection.vendor == "postgresql"


def _taken() -> set[int]:
    """The keys this transaction took already (none outside a transaction; see ``lib.txmark``:
    after a rolled-back savepoint they may be taken again, which PostgreSQL grants at once to
    the session that holds them)."""
    mark = txmark.current()
    if mark is None:
        return set()
    kept = getattr(connection, "_sd_thread_keys", None)
    if kept is None or kept[0] is not mark:
        kept = connection._sd_thread_keys = (mark, set())  # type: ignore[attr-defined]
    return kept[1]  # type: ignore[no-any-return]


def try_lock(keys: Iterable[int]) -> bool:
    """Take every key without waiting (one round trip, none for keys this transaction holds
    already: an import takes a whole batch's keys at once); False when one is held elsewhere
    (the ones taken stay held until the transaction ends: the caller rolls back)."""
    if not applies():
        return True
    taken = _taken()
    keys = sorted(set(keys) - taken)
    if not keys:
        return True
    sql = "SELECT " + ", ".join(["pg_try_advisory_xact_lock(%s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
        row = cursor.fetchone() or ()
    taken.update(k for k, got in zip(keys, row, strict=False) if got)
    return len(row) == len(keys) and all(row)


def lock(keys: Iterable[int]) -> None:
    """Wait for every key, in ascending order (one statement, evaluated left to right)."""
    keys = sorted(set(keys))
    if not keys or not applies():
        return
    sql = "SELECT " + ", ".join(["pg_advisory_xact_lock(%s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
