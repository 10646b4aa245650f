"""A sign-in lasts as long as the policy says (`security.agent_session_hours`), counted from
the login: the session expires then however busy it was, and the login page asks again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from supportdesk.policy import get_policy


def session_expiry_on_login(*, request: HttpRequest | None, **_kwargs: Any) -> None:
    """`user_logged_in` receiver (the agent login page and the admin's alike)."""
    if request is None or not hasattr(request, "session"):
        return
    # A moment rather than a number of seconds: seconds would count from the session's last
    # save, so a busy session would never end.
    request.session.set_expiry(timezone.now() + timedelta(hours=get_policy().security.agent_session_hours))
