"""The confirmation step of a dangerous action: the same POST again, with ``confirm=1`` (and a
reason where the service asks for one). The service refuses until then, so a page without
script, or a replayed request, cannot skip the step."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Fields of the first POST that are not carried into the confirmation form.
_OWN_FIELDS = {"csrfmiddlewaretoken", "confirm", "reason"}


def confirm_page(request: HttpRequest, *, question: str, button: str, cancel_url: str,
                 needs_reason: bool = False, error: str = "", details: list[str] | None = None) -> HttpResponse:
    """A page asking ``question`` (``details``: lines listed under it); confirming re-posts the
    original fields to the same URL."""
    carried = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in _OWN_FIELDS]
    return render(request, "confirm.html", {
        "question": question, "details": details or [], "button": button, "cancel_url": cancel_url, "needs_reason": needs_reason,
        "carried": carried, "action": request.path, "reason": request.POST.get("reason", ""), "error": error,
    })


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "1"
