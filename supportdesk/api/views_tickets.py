"""Tickets: the queue (cursor pages), one ticket with its conversation, and what an agent does
on it. Reads go through ``tickets.selectors`` (team scope: another team's ticket is 404), writes
through the tickets, replies and phone services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from supportdesk.api import serializers as s
from supportdesk.api.base import ApiView
from supportdesk.api.errors import channel_refusal
from supportdesk.catalog.models import Release
from supportdesk.customers.services import customer_for_email, customer_for_phone
from supportdesk.policy import get_policy
from supportdesk.replies import services as replies
from supportdesk.replies.files import check_file_size
from supportdesk.replies.recipients import check_recipients
from supportdesk.tickets import selectors, services_tags
from supportdesk.tickets import services as tickets
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.selectors import Cursor, QueueFilters
from supportdesk.tickets.services import AttachmentData
from supportdesk.tickets.signals import request_received
from supportdesk.tickets.tags import BadTag, normalize_tag

MAX_ID = 2**31 - 1
_GENERIC = "application/octet-stream"


def visible_ticket(request: Request, pk: int) -> Ticket:
    """The ticket if the caller may see it; NotFound for a missing one and another team's alike."""
    if not 1 <= pk <= MAX_ID:
        raise exceptions.NotFound(_("There is no ticket #%(n)s.") % {"n": pk})
    try:
        return selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise exceptions.NotFound(_("There is no ticket #%(n)s.") % {"n": pk}) from exc


def ticket_detail_data(request: Request, ticket: Ticket) -> dict[str, Any]:
    ticket.api_messages = list(selectors.ticket_conversation(user=request.user, ticket=ticket))  # type: ignore[attr-defined]
    tags = {ticket.pk: selectors.ticket_tags(user=request.user, ticket=ticket)}
    return s.TicketDetailSerializer(ticket, context={"tags": tags}).data  # type: ignore[return-value]


def _tag_names(raw: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for value in raw:
        try:
            name = normalize_tag(value)
        except BadTag:
            name = value[:50]
        if name and name not in names:
            names.append(name)
    return tuple(names)


class TicketListView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_list", parameters=[s.TicketFilterSerializer],
                   responses={200: s.TicketPageSerializer}, summary="The queue, with its filters, by cursor")
    def get(self, request: Request) -> Response:
        params = s.TicketFilterSerializer(data={**request.query_params.dict(),
                                               "tag": request.query_params.getlist("tag")})
        params.is_valid(raise_exception=True)
        d = params.validated_data
        try:
            after = Cursor.decode(d.get("cursor"))
        except ValueError as exc:
            raise exceptions.ValidationError({"cursor": [_("Not a page position this API gave.")]}) from exc
        filters = QueueFilters(view=d["view"], product=d.get("product"), status=d.get("status", ""),
                               channel=d.get("channel", ""), priority=d.get("priority", ""), team=d.get("team"),
                               checklist_incomplete=d["checklist_incomplete"], unreachable=d["unreachable"],
                               q=d.get("q", ""), tags=_tag_names(d.get("tag") or []), sort=d["sort"])
        page = selectors.queue_page(user=request.user, filters=filters, after=after, size=d["page_size"])
        tags = selectors.tags_of_tickets(user=request.user, pks=[t.pk for t in page.tickets])
        nxt = page.next_cursor.encode() if page.next_cursor else None
        next_url = None
        if nxt:
            query = request.query_params.copy()
            query["cursor"] = nxt
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"results": s.TicketSummarySerializer(page.tickets, many=True, context={"tags": tags}).data,
                         "next_cursor": nxt, "next": next_url})

    @extend_schema(operation_id="tickets_create", request=s.TicketCreateSerializer, examples=[
        OpenApiExample("E-mail request", request_only=True, value={
            "channel": "email", "email": "ivanov@tv-sibir.ru", "name": "Иван Иванов", "subject": "Не выводятся титры",
            "text": "После обновления до 5.2 титры не выводятся на SDI 2. Шаги: ...", "language": "ru"}),
        OpenApiExample("Refused channel", request_only=True, value={
            "channel": "telegram", "email": "ivanov@tv-sibir.ru", "subject": "Вопрос", "text": "..."},
            description="Answered 422 channel_not_accepted, naming the official channels."),
    ],
                   responses={201: s.TicketDetailSerializer},
                   summary="Register a request (only from an official channel: e-mail or phone)")
    def post(self, request: Request) -> Response:
        body = s.TicketCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        channel = d["channel"]
        if channel not in get_policy().channels.accepted:
            raise channel_refusal(channel)
        language = d.get("language") or "ru"
        with transaction.atomic():
            if d.get("email"):
                customer = customer_for_email(address=d["email"], name=d.get("name", ""), language=language)
            else:
                customer, _created = customer_for_phone(number=d["phone"], name=d.get("name", ""))
            ticket = tickets.ticket_create(customer=customer, subject=d["subject"], channel=channel,
                                           contact_email=d.get("email", ""), language=language,
                                           by_user=request.user)
            message = tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, channel=channel,
                                                 body_text=d["text"], subject=d["subject"],
                                                 author_customer=customer,
                                                 from_addr=d.get("email") or d.get("phone", ""))
            request_received.send(sender=Ticket, ticket=ticket, message=message, is_new_ticket=True,
                                  language=language, utc_offset=None, attachments=(), channel=channel)
        return Response(ticket_detail_data(request, visible_ticket(request, ticket.pk)),
                        status=status.HTTP_201_CREATED)


class TicketDetailView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_read", responses={200: s.TicketDetailSerializer},
                   summary="One ticket with its conversation")
    def get(self, request: Request, pk: int) -> Response:
        return Response(ticket_detail_data(request, visible_ticket(request, pk)))


class TicketStatusView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_set_status", request=s.StatusChangeSerializer, examples=[
        OpenApiExample("Wait for the customer", request_only=True, value={"status": "waiting_customer"}),
        OpenApiExample("Close unanswered", request_only=True,
                       value={"status": "closed", "confirmed": True, "reason": "duplicate of #123"}),
    ],
                   responses={200: s.TicketDetailSerializer},
                   summary="Change the status through the lifecycle (refused: 409 with the reason)")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = s.StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        release = None
        if d.get("release"):
            release = Release.objects.filter(pk=d["release"]).first()
            if release is None:
                raise exceptions.ValidationError({"release": [_("There is no such release.")]})
        tickets.ticket_set_status(ticket=ticket, status=d["status"], by_user=request.user, reason=d["reason"],
                                  release=release, confirmed=d["confirmed"])
        return Response(ticket_detail_data(request, visible_ticket(request, pk)))


class TicketAssignView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_assign", request=s.AssignSerializer,
                   responses={200: s.TicketDetailSerializer}, summary="Assign to an agent (null: unassign)")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = s.AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        name = body.validated_data["assignee"]
        assignee = None
        if name:
            assignee = get_user_model().objects.filter(username=name, is_active=True).first()
            if assignee is None:
                raise exceptions.ValidationError({"assignee": [_("There is no agent “%(name)s”.") % {"name": name}]})
        tickets.ticket_assign(ticket=ticket, assignee=assignee, by_user=request.user)
        return Response(ticket_detail_data(request, visible_ticket(request, pk)))


class TicketPriorityView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_set_priority", request=s.PrioritySerializer,
                   responses={200: s.TicketDetailSerializer}, summary="Change the priority")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = s.PrioritySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tickets.ticket_set_priority(ticket=ticket, priority=body.validated_data["priority"], by_user=request.user)
        return Response(ticket_detail_data(request, visible_ticket(request, pk)))


class TicketTagsView(ApiView):
    api_resource = "tickets"

    @extend_schema(operation_id="tickets_tag", request=s.TagsSerializer, examples=[
        OpenApiExample("Tag", request_only=True, value={"add": ["sdi", "титры"], "remove": ["new"]})], responses={200: s.TagsResultSerializer},
                   summary="Add and remove tags")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = s.TagsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        names = services_tags.ticket_tag(ticket=ticket, add=body.validated_data["add"],
                                         remove=body.validated_data["remove"], by_user=request.user)
        return Response({"tags": names})


def uploaded(files: list[Any]) -> list[AttachmentData]:
    """The uploaded files, each checked against the policy's limit before it is read."""
    out = []
    for upload in files:
        name = (upload.name or "attachment").replace("\\", "/").rsplit("/", 1)[-1][:255] or "attachment"
        check_file_size(name, upload.size or 0)
        content_type = (upload.content_type or _GENERIC).split(";")[0].strip().lower()[:120] or _GENERIC
        out.append(AttachmentData(filename=name, content_type=content_type, content=upload.read()))
    return out


class ReplyJsonSerializer(s.ComposeJsonSerializer):
    to = s.serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text=gettext_lazy("To addresses, comma-separated; To and Cc both empty: reply-all."))
    cc = s.serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text=gettext_lazy("Cc addresses, comma-separated."))


class ReplySerializer(ReplyJsonSerializer):
    # Unlike a note, a reply is never files alone (and the API has no canned answers to fill it):
    # its text is required in either type.
    files = s.files_field()


class TicketReplyView(ApiView):
    api_resource = "tickets"
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(operation_id="tickets_reply", request={"multipart/form-data": ReplySerializer,
                                                          "application/json": ReplyJsonSerializer},
                   responses={201: s.MessageSerializer}, summary="E-mail a reply to the customer (files: multipart)")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        recipients = check_recipients(to_text=d["to"], cc_text=d["cc"]) if (d["to"].strip() or d["cc"].strip()) else None
        message = replies.ticket_reply(ticket=ticket, author=request.user, text=d["text"],
                                       attachments=uploaded(d["files"]), recipients=recipients,
                                       time_spent=d.get("time_spent"))
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class TicketNoteView(ApiView):
    api_resource = "tickets"
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(operation_id="tickets_note", request={"multipart/form-data": s.ComposeSerializer,
                                                         "application/json": s.ComposeJsonSerializer},
                   responses={201: s.MessageSerializer}, summary="Add an internal note (files: multipart)")
    def post(self, request: Request, pk: int) -> Response:
        ticket = visible_ticket(request, pk)
        body = s.ComposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        message = replies.ticket_note(ticket=ticket, author=request.user, text=d["text"],
                                      attachments=uploaded(d["files"]), time_spent=d.get("time_spent"))
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)


CURSOR_PARAMETER = OpenApiParameter("cursor", str, description="The page position a previous page gave.")
