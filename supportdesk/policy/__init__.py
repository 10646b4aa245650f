"""The policy file: the support rules as data, validated at start-up."""

from __future__ import annotations

from functools import lru_cache

from supportdesk.policy.loader import PolicyError, load_policy
from supportdesk.policy.model import Policy

__all__ = ["Policy", "PolicyError", "get_policy", "reload_policy"]


@lru_cache(maxsize=1)
def get_policy() -> Policy:
    from django.conf import settings

    return load_policy(settings.SUPPORTDESK_POLICY_FILE or None)


def reload_policy() -> Policy:
    get_policy.cache_clear()
    return get_policy()
