"""Signals of the escalation watcher, sent inside the transaction that marks the clock, so that
receivers' rows (webhook deliveries) commit or roll back with the mark."""

from django.dispatch import Signal

# A reply clock reached its target (kind "sla_warning") or its limit (kind "sla_breach"); sent once
# per mark, by the run that won the claim. kwargs: ticket, kind, at (the watcher's now).
reply_clock_marked = Signal()
