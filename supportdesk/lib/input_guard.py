"""Refuse NUL characters in a request's path, query string and form fields with a 400.

PostgreSQL text cannot hold NUL, so a ``%00`` that reaches a query or a row would answer 500
there (SQLite stores it). No form of ours has a use for it; Django's form fields already refuse it,
but query parameters and path arguments reach selectors without a form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    fields = [request.GET]
    if request.method == "POST" and request.content_type in {"application/x-www-form-urlencoded",
                                                             "multipart/form-data"}:
        fields.append(request.POST)
    return any("\x00" in key or any("\x00" in value for value in values)
               for query in fields for key, values in query.lists())


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            message = _("The request contains a NUL character.")
            if request.path.startswith("/api/"):  # the API's one error shape (api/errors.py)
                return JsonResponse({"error": {"code": "malformed_request", "message": message, "fields": {}}},
                                    status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
