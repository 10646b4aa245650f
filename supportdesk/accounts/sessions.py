"""A sign-in lasts as long as the policy says (`security.agent_session_hours`), counted from
the login: the session expires then however busy it was, and the login page asks again."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from supportdesk.policy import get_policy


def session_expiry_on_login(*, request: HttpRequest | None, **_kwargs: Any) -> None:
    """`user_logged_in` receiver (the agent login page and the admin's alike)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.set_expiry(get_policy().security.agent_session_hours * 3600)
