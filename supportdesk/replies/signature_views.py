"""The signature page: every agent edits their own; supervisors also the brands' and the default."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.catalog.models import Brand
from supportdesk.replies.forms import SignatureForm
from supportdesk.replies.models import Signature
from supportdesk.replies.signatures import signature_can_edit, signature_for, signature_save


def _page(request: AgentRequest, failed: tuple[str, SignatureForm] | None = None) -> HttpResponse:
    """All the forms the user may use; ``failed`` = (its key, the bound form with its errors)."""
    entries = [("mine", _("Your signature"), signature_for(user=request.user))]
    if is_supervisor(request.user):
        entries.append(("default", _("Default (tickets without a brand)"), signature_for()))
        entries += [(f"brand-{b.pk}", b.name, signature_for(brand=b)) for b in Brand.objects.order_by("name")]
    forms = []
    for key, title, signature in entries:
        form = failed[1] if failed and failed[0] == key else SignatureForm(instance=signature, prefix=key)
        forms.append({"key": key, "title": title, "form": form, "signature": signature})
    return render(request, "replies/signatures.html", {"forms": forms}, status=400 if failed else 200)


@agent_required
@require_GET
def signatures(request: AgentRequest) -> HttpResponse:
    return _page(request)


def _save(request: AgentRequest, key: str, signature: Signature) -> HttpResponse:
    if not signature_can_edit(user=request.user, signature=signature):
        raise PermissionDenied("not yours to edit")
    form = SignatureForm(request.POST, instance=signature, prefix=key)
    if not form.is_valid():
        return _page(request, (key, form))
    data = form.cleaned_data
    signature_save(by=request.user, signature=signature, text=data["text"], text_en=data["text_en"],
                   in_automatic=bool(data.get("in_automatic")))
    messages.success(request, _("Signature saved."))
    return redirect("replies:signatures")


@agent_required
@require_POST
def signature_mine(request: AgentRequest) -> HttpResponse:
    return _save(request, "mine", signature_for(user=request.user))


@agent_required
@require_POST
def signature_default(request: AgentRequest) -> HttpResponse:
    return _save(request, "default", signature_for())


@agent_required
@require_POST
def signature_brand(request: AgentRequest, pk: int) -> HttpResponse:
    brand = get_object_or_404(Brand, pk=pk)
    return _save(request, f"brand-{brand.pk}", signature_for(brand=brand))
