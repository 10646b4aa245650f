"""Agent pages. Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from supportdesk.accounts.decorators import agent_required
from supportdesk.lib.blobstore import blob_path
from supportdesk.tickets import selectors
from supportdesk.tickets.models import Attachment, Ticket
from supportdesk.policy import get_policy
from supportdesk.tickets.presenters import checklist_rows, format_business_seconds, sla_state, split_quoted
from supportdesk.tickets.services import ticket_resolution_now

PAGE_SIZE = 50
# Types a browser may render inline from our origin; everything else is a download.
INLINE_SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


@agent_required
def queue(request: HttpRequest) -> HttpResponse:
    tickets = selectors.queue_tickets(user=request.user)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(t, sla_state(t, now)) for t in page.object_list]
    return render(request, "tickets/queue.html", {"page": page, "rows": rows, "now": now})


@agent_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        ticket = selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    now = timezone.now()
    conversation = list(selectors.ticket_conversation(user=request.user, ticket=ticket))
    for message in conversation:
        message.main_text, message.quoted_text = split_quoted(message.body_text, message.quoted_start)
    return render(request, "tickets/ticket.html", {
        "ticket": ticket,
        "conversation": conversation,
        "checklist": checklist_rows(ticket, get_policy().request_items),
        "state": sla_state(ticket, now),
        "resolution": format_business_seconds(ticket_resolution_now(ticket, now)),
        "now": now,
    })


@agent_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message__ticket"), pk=pk)
    selectors.ticket_for_agent(user=request.user, pk=attachment.message.ticket_id)
    inline = attachment.content_type in INLINE_SAFE_TYPES and request.GET.get("download") != "1"
    # HTML and SVG from mail are never served inline: they could run script on our origin.
    content_type = attachment.content_type if inline else "application/octet-stream"
    response = FileResponse(blob_path(attachment.sha256).open("rb"), as_attachment=not inline,
                            filename=attachment.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
