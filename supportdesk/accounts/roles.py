"""Roles are Django groups: agents work tickets, supervisors also manage KB, products, releases."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

AGENTS = "agents"
SUPERVISORS = "supervisors"


def is_agent(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    names = getattr(user, "_sd_groups", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
        user._sd_groups = names  # type: ignore[union-attr]
    return bool(names & {AGENTS, SUPERVISORS})


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or user.groups.filter(name=SUPERVISORS).exists()  # type: ignore[union-attr]


def ensure_groups() -> tuple[Group, Group]:
    agents, _ = Group.objects.get_or_create(name=AGENTS)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS)
    return agents, supervisors
