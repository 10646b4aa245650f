"""Which events anybody subscribes to, kept in the shared cache: an event nobody subscribes to
(the usual case, on the mail-intake hot path) costs no query of the subscriptions.

The set is written to the cache only outside the caller's transaction (``on_commit``): with the
database cache backend a write locks the cache row until the commit, and two intake transactions
that also lock ticket rows must not wait on each other there. For the same reason the entry never
expires (an expired row is deleted by the reader, inside its transaction): it is rewritten after
every committed change of a subscription (``subscriptions_changed``, from the model's signals and
from the services that change rows with UPDATE), and the delivery job compares it with the
table on every run, which heals the one race left (two changes committed at the same moment).

Inside a transaction that has changed a subscription and not yet committed, the table itself is
read, so that transaction sees its own change at once and the cache never holds what a rollback
undoes.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction

from supportdesk.webhooks.models import WebhookSubscription

CACHE_KEY = "webhooks:subscribed-events:1"
log = logging.getLogger(__name__)
# Bumped whenever this process changes a subscription: a set remembered on a ticket before that
# is asked again (see remember_on).
_generation = [0]


def _from_table() -> frozenset[str]:
    found: set[str] = set()
    for chosen in WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True):
        found.update(chosen or [])
    return frozenset(found)


def _store() -> None:
    """After a commit: the set as the table now has it."""
    cache.set(CACHE_KEY, sorted(_from_table()), timeout=None)


def _changed_here() -> bool:
    # Django drops the callbacks of a rolled-back savepoint from this list, so a pending _store is
    # exactly "this transaction changed a subscription and has not committed yet".
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(func is _store for _sids, func, _robust in connection.run_on_commit)


def subscribed_events() -> frozenset[str]:
    """The events at least one active subscription chose."""
    if _changed_here():
        return _from_table()
    try:
        cached = cache.get(CACHE_KEY)
    except Exception:  # Redis down: the event (a mail being taken in) must not fail for it
        log.warning("the shared cache cannot be read; webhook subscriptions read from the table", exc_info=True)
        return _from_table()
    if cached is not None:
        return frozenset(cached)
    found = _from_table()
    # add, not set: a change committed since this read has stored the newer set already.
    transaction.on_commit(lambda: cache.add(CACHE_KEY, sorted(found), timeout=None), robust=True)
    return found


def subscriptions_changed(**_kwargs: Any) -> None:
    """A subscription was saved, deleted or updated in bulk: store the set again after the commit
    (once per transaction)."""
    _generation[0] += 1
    if not _changed_here():
        # robust: a cache that cannot be written must not fail a change already committed (the
        # delivery job's check rewrites the set once the cache is back).
        transaction.on_commit(_store, robust=True)


def subscribed_events_check() -> bool:
    """The delivery job's check that the cache agrees with the table; rewrites it if not. True
    when the cache held a wrong set (not when it held none)."""
    fresh = sorted(_from_table())
    cached = cache.get(CACHE_KEY)
    if cached == fresh:
        return False
    cache.set(CACHE_KEY, fresh, timeout=None)
    return cached is not None


def remember_on(ticket: Any, chosen: frozenset[str]) -> None:
    """Keep the set just read on ``ticket`` for the rest of the current transaction: a ticket
    being created adds its first message next, whose event would ask again (the intake's every
    new ticket)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        ticket._sd_subscribed_events = (connection.atomic_blocks[0], _generation[0], chosen)


def remembered_on(ticket: Any) -> frozenset[str] | None:
    """What ``remember_on`` kept on this ticket in this same transaction, unless this process has
    changed a subscription since; else None (ask ``subscribed_events``)."""
    kept = getattr(ticket, "_sd_subscribed_events", None)
    connection = transaction.get_connection()
    if kept is None or not connection.in_atomic_block:
        return None
    outer, generation, chosen = kept
    if outer is not connection.atomic_blocks[0] or generation != _generation[0]:
        return None
    return frozenset(chosen)
