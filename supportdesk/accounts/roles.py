"""Roles and the permission matrix: who may do what, asked by selectors and services.

Three roles, each a superset of the one before:
- agent (group "agents"): works the tickets of their teams and the unrouted ones;
- supervisor (group "supervisors"): also every team's tickets, teams and their members,
  routing rules, releases and the knowledge base;
- administrator (an active superuser): also the audit log and the admin site.

A user in none of them is no agent: the agent pages refuse them.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, User

AGENTS = "agents"
SUPERVISORS = "supervisors"

AGENT = "agent"
SUPERVISOR = "supervisor"
ADMINISTRATOR = "administrator"
ROLES = (AGENT, SUPERVISOR, ADMINISTRATOR)

# Permission -> the roles that hold it. Every check in the code names one of these keys.
MATRIX: dict[str, frozenset[str]] = {
    "tickets.work": frozenset({AGENT, SUPERVISOR, ADMINISTRATOR}),  # read, reply, route by hand
    "tickets.all_teams": frozenset({SUPERVISOR, ADMINISTRATOR}),  # see every team's tickets
    "teams.manage": frozenset({SUPERVISOR, ADMINISTRATOR}),  # teams, members, routing rules
    "releases.publish": frozenset({SUPERVISOR, ADMINISTRATOR}),
    "webhooks.manage": frozenset({SUPERVISOR, ADMINISTRATOR}),  # outgoing webhooks, their secrets and log
    "audit.read": frozenset({ADMINISTRATOR}),
    "api.tokens": frozenset({ADMINISTRATOR}),  # issue and revoke API tokens
}


def _group_names(user: User) -> set[str]:
    """The user's group names, cached on the user object: one query per request at most."""
    names: set[str] | None = getattr(user, "_sd_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._sd_groups = names  # type: ignore[attr-defined]
    return names


def role_of(user: User | AnonymousUser) -> str | None:
    """The user's highest role, or None for anonymous, inactive and non-agent users."""
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return ADMINISTRATOR
    groups = _group_names(user)  # type: ignore[arg-type]
    if SUPERVISORS in groups:
        return SUPERVISOR
    return AGENT if AGENTS in groups else None


def has_perm(user: User | AnonymousUser, permission: str) -> bool:
    """Whether the user's role holds ``permission`` (a key of MATRIX; an unknown key is a bug)."""
    allowed = MATRIX[permission]
    role = role_of(user)
    return role is not None and role in allowed


def is_agent(user: User | AnonymousUser) -> bool:
    return has_perm(user, "tickets.work")


def is_supervisor(user: User | AnonymousUser) -> bool:
    return has_perm(user, "teams.manage")


def ensure_groups() -> tuple[Group, Group]:
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    return agents, supervisors
