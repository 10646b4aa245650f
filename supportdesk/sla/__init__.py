"""SLA clock arithmetic: pure functions of the business calendar and a ticket's status history.

It sits below ``tickets`` (which uses it); whatever reads or updates tickets on the clock's
behalf (the escalation watcher, the due-time recompute) lives above, in ``supportdesk.escalation``.
"""
