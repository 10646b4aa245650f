"""What identifies the current transaction, for values kept "for the rest of this transaction".

    mark = txmark.current()        # None outside a transaction
    ...
    if kept_mark is txmark.current(): ...   # still the same transaction

The mark is a do-nothing commit callback registered once per transaction. Django empties its
list of callbacks when a transaction commits or rolls back, so a mark no longer in that list
belongs to a transaction that has ended. The outermost ``atomic`` object would not do: used as
a decorator it is one object for every call, and a value kept under it would outlive its
transaction. A savepoint rolled back drops the callbacks registered inside it, the mark too
when it was made there: the next call makes a new one, and what was kept under the old one is
read again (never kept too long).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Mark:
    """A transaction's mark: called at its commit, doing nothing."""

    def __call__(self) -> None:
        return None


def current(using: str = DEFAULT_DB_ALIAS) -> Mark | None:
    """The current transaction's mark on this connection (this thread's); None outside one."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    kept = getattr(connection, "_sd_txmark", None)
    if kept is not None and any(entry[1] is kept for entry in connection.run_on_commit):
        return kept  # type: ignore[no-any-return]
    mark = Mark()
    transaction.on_commit(mark, using=using)
    connection._sd_txmark = mark  # type: ignore[attr-defined]
    return mark
