"""Which teams a user works in: the scope every ticket selector applies."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import has_perm


def team_ids_of(user: User | AnonymousUser) -> frozenset[int]:
    """The ids of the user's teams, cached on the user object (one query per request)."""
    if not user.is_authenticated:
        return frozenset()
    ids: frozenset[int] | None = getattr(user, "_sd_teams", None)
    if ids is None:
        ids = frozenset(Team.objects.filter(members=user).values_list("pk", flat=True))
        user._sd_teams = ids  # type: ignore[union-attr,attr-defined]
    return ids


def ticket_scope(user: User | AnonymousUser) -> frozenset[int] | None:
    """None: every ticket (supervisors, administrators). Otherwise the team ids whose tickets
    the agent sees; unrouted tickets (no team) are visible to every agent as well, so a ticket
    no rule matched is never lost, and an agent in no team works that triage queue."""
    if has_perm(user, "tickets.all_teams"):
        return None
    return team_ids_of(user)


def may_see_team(user: User | AnonymousUser, team_id: int | None) -> bool:
    """Whether ``user`` may see (and work) a ticket of this team (None: an unrouted ticket)."""
    if not has_perm(user, "tickets.work"):
        return False
    scope = ticket_scope(user)
    return scope is None or team_id is None or team_id in scope
