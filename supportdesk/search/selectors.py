"""The agent's search over tickets and articles (drafts included: agents edit them)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from supportdesk.accounts.roles import is_agent
from supportdesk.accounts.teams import ticket_scope
from supportdesk.search.query import SearchResult, search


def agent_search(*, user: User | AnonymousUser, query: str, kind: str, page: int = 1,
                 per_page: int = 25) -> SearchResult:
    if not is_agent(user):
        raise PermissionDenied("agents only")
    if kind not in ("ticket", "article"):
        kind = "ticket"
    # An agent finds the tickets of their teams and the unrouted ones (supervisors: all).
    scope = ticket_scope(user) if kind == "ticket" else None
    return search(query, kind=kind, mode="all", limit=per_page, offset=(max(page, 1) - 1) * per_page,
                  team_ids=sorted(scope) if scope is not None else None)
