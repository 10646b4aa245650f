"""Configuration read on every mail (team routing rules, products, signatures, webhook
subscriptions), kept in each process and read again after any committed change anywhere.

    rules = configcache.cached("accounts.team_rules", load_rules)   # a value nobody mutates

A change of such a row calls ``config_changed`` (a ``post_save``/``post_delete`` receiver, or
the service that changed rows with UPDATE). After the commit that writes a new random token
under GENERATION_KEY in the shared cache (the database table, or Redis when scaled out), and
every process compares the token with the one its values were loaded under: an edit made in a
web process is seen by the intake's next mail. The token is read once per transaction (the
intake's mail is one; outside a transaction, once per call), so a mail pays one short read
for all of its configuration instead of one query per kind.

The token is read BEFORE the tables, so a value is never labelled with a token newer than
what it was loaded from. A transaction that changed configuration and has not committed yet
reads the tables itself (it sees its own change; a rollback leaves nothing cached). If the
shared cache cannot be read, the tables are read; if the new token could not be written
(the cache down at that moment), a value is still reloaded after MAX_AGE seconds.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from supportdesk.lib import txmark

GENERATION_KEY = "config:generation:1"
MAX_AGE = 60.0  # seconds: the bound on staleness when a token could not be written
log = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.Lock()
_values: dict[str, tuple[str, float, Any]] = {}  # name -> (token, loaded at (monotonic), value)


def _bump() -> None:
    """After a commit: a new token for every process, and this one forgets at once."""
    with _lock:
        _values.clear()
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - the change is committed; MAX_AGE bounds the staleness
        log.warning("the shared cache cannot be written; configuration changes are seen within %s s", MAX_AGE,
                    exc_info=True)


def _add_token() -> None:
    try:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 - read again by the next transaction
        log.warning("the shared cache cannot be written", exc_info=True)


def _pending_here() -> bool:
    # Django drops the callbacks of a rolled-back savepoint from this list, so a pending _bump is
    # exactly "this transaction changed configuration and has not committed yet".
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(func is _bump for _sids, func, _robust in connection.run_on_commit)


def config_changed(**_kwargs: Any) -> None:
    """A configuration row was saved, deleted or updated in bulk (a signal receiver, or called
    by the service): this process forgets now, every process after the commit (once per
    transaction)."""
    with _lock:
        _values.clear()
    if not _pending_here():
        # robust: a cache that cannot be written must not fail a change already committed.
        transaction.on_commit(_bump, robust=True)


def _read() -> str | None:
    try:
        token = cache.get(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - Redis down: a mail being taken in must not fail for it
        log.warning("the shared cache cannot be read; configuration read from the tables", exc_info=True)
        return None
    return str(token) if token is not None else None


def forget() -> None:
    """Drop what this process keeps (tests: tables emptied without signals)."""
    with _lock:
        _values.clear()


def _token() -> str | None:
    """The shared token, read once per transaction (kept on the connection under the
    transaction's mark, ``lib.txmark``); None when the cache has none or cannot be read."""
    connection = transaction.get_connection()
    mark = txmark.current()
    kept = getattr(connection, "_sd_config_token", None)
    if mark is not None and kept is not None and kept[0] is mark:
        return kept[1]  # type: ignore[no-any-return]
    token = _read()
    if token is None:
        # Never written (or evicted): add one, after the transaction when inside one (a row of
        # the database cache written there would stay locked until the commit); until then
        # nothing is kept.
        if mark is None:
            _add_token()
            token = _read()
        else:
            transaction.on_commit(_add_token, robust=True)
    if token is not None and mark is not None:
        connection._sd_config_token = (mark, token)  # type: ignore[attr-defined]
    return token


def cached(name: str, load: Callable[[], T]) -> T:
    """``load()``'s value as of the current token: loaded again after any configuration change.
    The value is shared by every thread of the process: never mutate it."""
    if _pending_here():
        return load()
    token = _token()
    if token is None:
        return load()
    now = time.monotonic()
    with _lock:
        kept = _values.get(name)
    if kept is not None and kept[0] == token and now - kept[1] < MAX_AGE:
        return kept[2]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _values[name] = (token, now, value)
    return value


def heal(name: str, load: Callable[[], T]) -> bool:
    """For a periodic job: when ``name``'s kept value differs from the table's (a change made
    behind the signals' back), make every process read it again. True when it did."""
    with _lock:
        kept = _values.get(name)
    if kept is None or kept[2] == load():
        return False
    _bump()
    return True
