"""Which events anybody subscribes to, kept per process (``lib.configcache``): an event nobody
subscribes to (the usual case, on the mail-intake hot path) costs no query of the subscriptions,
only the configuration token every mail reads once anyway.

Every change of a subscription (``subscriptions_changed``, from the model's signals and from
the services that change rows with UPDATE) makes every process read the table again after the
commit; inside the transaction that made it, the table itself is read, so that transaction sees
its own change at once and nothing a rollback undoes is kept. The delivery job compares the
kept set with the table on every run, which heals a change made behind the signals' back.
"""

from __future__ import annotations

import logging
from typing import Any

from supportdesk.lib import configcache, txmark
from supportdesk.webhooks.models import WebhookSubscription

CACHE_NAME = "webhooks.subscribed_events"
log = logging.getLogger(__name__)
# Bumped whenever this process changes a subscription: a set remembered on a ticket before that
# is asked again (see remember_on).
_generation = [0]


def _from_table() -> frozenset[str]:
    found: set[str] = set()
    for chosen in WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True):
        found.update(chosen or [])
    return frozenset(found)


def subscribed_events() -> frozenset[str]:
    """The events at least one active subscription chose."""
    return configcache.cached(CACHE_NAME, _from_table)


def subscriptions_changed(**_kwargs: Any) -> None:
    """A subscription was saved, deleted or updated in bulk: read again everywhere after the commit."""
    _generation[0] += 1
    configcache.config_changed()


def subscribed_events_check() -> bool:
    """The delivery job's check that the kept set agrees with the table; every process reads it
    again if not. True when the set kept here was wrong."""
    return configcache.heal(CACHE_NAME, _from_table)


def remember_on(ticket: Any, chosen: frozenset[str]) -> None:
    """Keep the set just read on ``ticket`` for the rest of the current transaction: a ticket
    being created adds its first message next, whose event would ask again (the intake's every
    new ticket)."""
    mark = txmark.current()
    if mark is not None:
        ticket._sd_subscribed_events = (mark, _generation[0], chosen)


def remembered_on(ticket: Any) -> frozenset[str] | None:
    """What ``remember_on`` kept on this ticket in this same transaction, unless this process has
    changed a subscription since; else None (ask ``subscribed_events``)."""
    kept = getattr(ticket, "_sd_subscribed_events", None)
    if kept is None:
        return None
    mark, generation, chosen = kept
    if mark is not txmark.current() or generation != _generation[0]:
        return None
    return frozenset(chosen)
