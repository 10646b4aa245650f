"""The administrator's page of API tokens: issue (the token is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.accounts.decorators import agent_required
from supportdesk.accounts.roles import has_perm
from supportdesk.api.forms import TokenForm
from supportdesk.api.models import ApiToken
from supportdesk.api.tokens import TokenError, token_issue, token_revoke, tokens_listed


def _require_admin(request: HttpRequest) -> None:
    if not has_perm(request.user, "api.tokens"):
        raise PermissionDenied("administrators only")


@agent_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    issued = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            issued = token_issue(name=d["name"], user=d["user"], scopes=d["scopes"], by_user=request.user,  # type: ignore[arg-type]
                                 rate_per_minute=d["rate_per_minute"])
        except TokenError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens_listed(), "issued": issued},
                  status=400 if request.method == "POST" and issued is None else 200)


@agent_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    token = get_object_or_404(ApiToken, pk=pk)
    token_revoke(token=token, by_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Token %(name)s revoked.") % {"name": token})
    return redirect("api_admin:tokens")
