"""Roles are Django groups: agents work tickets, supervisors also manage KB, products, releases."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, User

AGENTS = "agents"
SUPERVISORS = "supervisors"


def _group_names(user: User) -> set[str]:
    """The user's group names, cached on the user object: one query per request at most."""
    names: set[str] | None = getattr(user, "_sd_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._sd_groups = names  # type: ignore[attr-defined]
    return names


def is_agent(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(_group_names(user) & {AGENTS, SUPERVISORS})  # type: ignore[arg-type]


def is_supervisor(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or SUPERVISORS in _group_names(user)  # type: ignore[arg-type]


def ensure_groups() -> tuple[Group, Group]:
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    return agents, supervisors
