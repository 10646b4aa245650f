"""Roles are Django groups: agents work tickets, supervisors also manage KB, products, releases."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, User

AGENTS = "agents"
SUPERVISORS = "supervisors"


def is_agent(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    # Cached on the user object: one query per request, however often a page asks.
    names: set[str] | None = getattr(user, "_sd_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._sd_groups = names  # type: ignore[union-attr,attr-defined]
    return bool(names & {AGENTS, SUPERVISORS})


def is_supervisor(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or user.groups.filter(name=SUPERVISORS).exists()


def ensure_groups() -> tuple[Group, Group]:
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    return agents, supervisors
