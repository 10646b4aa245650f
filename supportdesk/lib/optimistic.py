"""Optimistic transactions: no savepoints on the usual path, the careful path on any failure.

On PostgreSQL every ``transaction.atomic()`` nested in a transaction costs two round trips
(SAVEPOINT, RELEASE SAVEPOINT). The mail intake nests many of them, each there so that a
failure in one part (a notification, the acknowledgment, a race on a unique row) can be
caught without losing the customer's mail. Those failures are rare, so the intake first runs
a mail with savepoints switched off on its connection:

    with transaction.atomic(), savepoints_off():
        ...                         # nested atomic() blocks make no savepoint
        if broken():                # something failed and was caught inside
            raise Redo
    # on Redo (or any exception) the caller rolls the whole transaction back and runs the
    # same work again the careful way, with every savepoint, exactly as without this module.

A nested block that fails without a savepoint marks the whole transaction for rollback
(Django's ``needs_rollback``): every later query raises, and ``broken()`` says so. Nothing of
a failed optimistic attempt is kept (its ``on_commit`` callbacks are dropped with it), so the
careful attempt starts from the same state and reaches the same outcome as it always did.

``savepoints_off()`` must sit INSIDE the outer ``atomic()``: leaving it restores savepoints
before that block's own savepoint (if it is nested, as in a test) is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


class Redo(Exception):  # noqa: N818 - a signal to the caller, not an error
    """The optimistic attempt failed somewhere inside: roll back and do it the careful way."""


class Attempt:
    """One optimistic attempt: what is kept under it is dropped with it."""


@contextmanager
def savepoints_off(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Nested ``atomic()`` blocks on this connection (this thread's) make no savepoint. The
    outermost such block is one attempt (``attempt``)."""
    connection = connections[using]
    features = connection.features
    own = "uses_savepoints" in vars(features)
    previous = features.uses_savepoints
    outer_attempt = getattr(connection, "_sd_attempt", None)
    features.uses_savepoints = False
    if outer_attempt is None:
        connection._sd_attempt = Attempt()  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection._sd_attempt = outer_attempt  # type: ignore[attr-defined]
        if own:
            features.uses_savepoints = previous
        else:
            del features.uses_savepoints  # back to the class attribute


def attempt(using: str = DEFAULT_DB_ALIAS) -> Attempt | None:
    """The optimistic attempt running on this connection (this thread's), None outside one. A
    value kept under it (see ``tickets.indexing``) is for this attempt only: whatever fails in
    it rolls all of it back, and nothing done between two attempts can be taken for known."""
    return getattr(connections[using], "_sd_attempt", None) if active(using) else None


def active(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the caller runs an optimistic attempt on this connection (its failure is the
    caller's to redo: nothing inside may catch and go on)."""
    return vars(connections[using].features).get("uses_savepoints", True) is False


def broken(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether something failed inside the current transaction (it can only be rolled back)."""
    return bool(connections[using].needs_rollback)
