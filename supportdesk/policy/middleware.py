"""Times on every page are office time: the database and TIME_ZONE are UTC, so without this a
template's ``date`` filter would print UTC with no label (issue 13 item 14)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from supportdesk.policy import get_policy


class OfficeTimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(ZoneInfo(get_policy().office.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
