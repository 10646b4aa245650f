"""Agent pages for mail that did not reach the queue: quarantine and spam."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.mail import selectors
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import IngestResult, inbound_mark_not_spam, inbound_reprocess
from supportdesk.mail.models import InboundMail

PAGE_SIZE = 50


@agent_required
@require_GET
def held_list(request: AgentRequest, which: str = "quarantined") -> HttpResponse:
    if which not in selectors.LISTS:
        raise Http404
    page = Paginator(selectors.held_mail(user=request.user, which=which), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mail/held.html", {"which": which, "page": page,
                                              "counts": selectors.held_counts(user=request.user)})


@agent_required
@require_GET
def raw_download(request: AgentRequest, pk: int) -> HttpResponse:
    try:
        mail = selectors.inbound_raw(user=request.user, pk=pk)
    except InboundMail.DoesNotExist as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=mail, details={"what": "raw mail"})
    # Always a download: the bytes are untrusted and must never render in our origin.
    response = HttpResponse(bytes(mail.raw), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="inbound-{mail.pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _report(request: AgentRequest, result: IngestResult) -> None:
    if result.outcome in (Outcome.TICKETED, Outcome.THREADED):
        messages.success(request, _("Mail #%(id)s is now on ticket #%(ticket)s.")
                         % {"id": result.inbound_id, "ticket": result.ticket_id})
    elif result.outcome == Outcome.QUARANTINED:
        messages.error(request, _("Mail #%(id)s failed again; it stays in quarantine.") % {"id": result.inbound_id})
    else:
        messages.info(request, _("Mail #%(id)s was processed: %(state)s.")
                      % {"id": result.inbound_id, "state": result.state})


@agent_required
@require_POST
def reprocess(request: AgentRequest, pk: int) -> HttpResponse:
    if not InboundMail.objects.filter(pk=pk).exists():
        raise Http404
    _report(request, inbound_reprocess(inbound_id=pk))
    return redirect("mail:held")


@agent_required
@require_POST
def not_spam(request: AgentRequest, pk: int) -> HttpResponse:
    if not InboundMail.objects.filter(pk=pk).exists():
        raise Http404
    _report(request, inbound_mark_not_spam(inbound_id=pk))
    return redirect("mail:held_list", which="spam")
