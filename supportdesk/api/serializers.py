"""The API's shapes: output (what a ticket, message, customer ... looks like) and input
(what a write accepts). Input serializers only parse; the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from supportdesk.api.models import SCOPES
from supportdesk.catalog.models import Release
from supportdesk.customers.models import Company, Customer
from supportdesk.kb.models import Article
from supportdesk.phone.models import Call
from supportdesk.reports.dimensions import DIMENSIONS
from supportdesk.tickets.models import Attachment, Channel, Message, Priority, Status, Ticket
from supportdesk.tickets.selectors import SORTS, TAGS_LIMIT, VIEWS

MAX_PAGE_SIZE = 100


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProductRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class TicketSummarySerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="pk", read_only=True)
    customer = NamedRefSerializer(read_only=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    product = ProductRefSerializer(read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "number", "subject", "status", "priority", "channel", "customer", "team", "assignee",
                  "product", "tags", "reply_due_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_tags(self, ticket: Ticket) -> list[str]:
        tags: dict[int, list[str]] = self.context.get("tags", {})
        return tags.get(ticket.pk, [])


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "is_inline"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    # Empty on an event (a status change, an assignment): not a choice of the model's.
    channel = serializers.CharField(read_only=True, help_text=_("email, phone, web, or empty (an event)."))
    author_user = UserRefSerializer(read_only=True, allow_null=True)
    author_customer = NamedRefSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "channel", "author_user", "author_customer", "from_addr", "to_addrs", "cc_addrs",
                  "subject", "body_text", "is_automatic", "is_robot", "event", "event_data", "time_spent",
                  "created_at", "attachments"]
        read_only_fields = fields


class TicketDetailSerializer(TicketSummarySerializer):
    # The view sets ``api_messages`` (the conversation, read through the selector) on the ticket.
    messages = MessageSerializer(many=True, read_only=True, source="api_messages")
    # Blank model fields: an EmailField/URLField would document a format that "" breaks.
    contact_email = serializers.CharField(read_only=True,
                                          help_text=_("The address replies go to; empty: none (e.g. a phone ticket)."))

    class Meta(TicketSummarySerializer.Meta):
        fields = [*TicketSummarySerializer.Meta.fields, "contact_email", "language", "reported_version",
                  "checklist", "checklist_complete", "waiting_release", "reply_target_at", "first_response_at",
                  "unreachable_by_email", "merged_into", "follows_up", "solved_at", "closed_at", "messages"]
        read_only_fields = fields


class TicketPageSerializer(serializers.Serializer):
    results = TicketSummarySerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)
    next = serializers.CharField(allow_null=True)


class TicketFilterSerializer(serializers.Serializer):
    """The queue's filters (the agent queue's own selector runs them)."""

    view = serializers.ChoiceField(choices=VIEWS, default="open")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    product = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    team = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False,
                                    help_text=_("A team's id; 0: unrouted tickets."))
    tag = serializers.ListField(child=serializers.CharField(max_length=50), max_length=TAGS_LIMIT, required=False)
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, trim_whitespace=True)
    checklist_incomplete = serializers.BooleanField(required=False, default=False)
    unreachable = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=SORTS, default="due")
    cursor = serializers.CharField(max_length=100, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=50)


class TicketCreateSerializer(serializers.Serializer):
    channel = serializers.CharField(max_length=20, help_text=_("An official channel of the policy: email or phone."))
    email = serializers.EmailField(required=False, max_length=254)
    phone = serializers.CharField(required=False, max_length=40)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subject = serializers.CharField(max_length=300)
    text = serializers.CharField(max_length=100_000)
    language = serializers.ChoiceField(choices=["ru", "en"], required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError({"email": [_("Give the customer's e-mail address or phone.")]})
        return attrs


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    release = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                       help_text=_("The planned release to wait for (status waiting_release)."))
    confirmed = serializers.BooleanField(required=False, default=False)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.CharField(max_length=150, allow_null=True,
                                     help_text=_("The agent's user name; null unassigns."))


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class TagsSerializer(serializers.Serializer):
    add = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, required=False, default=list)
    remove = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, required=False,
                                   default=list)


class TagsResultSerializer(serializers.Serializer):
    tags = serializers.ListField(child=serializers.CharField())


class ComposeJsonSerializer(serializers.Serializer):
    """A note or a reply sent as JSON: its text (files come only with multipart/form-data)."""

    text = serializers.CharField(max_length=100_000)
    time_spent = serializers.IntegerField(min_value=1, max_value=10_000, required=False,
                                          help_text=_("Minutes spent on it."))


def files_field() -> serializers.ListField:
    return serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False, default=list,
                                 max_length=20)


class ComposeSerializer(ComposeJsonSerializer):
    """A note (multipart/form-data, and what the view reads for either type): text, files or both."""

    text = serializers.CharField(max_length=100_000, allow_blank=True, required=False, default="")
    files = files_field()


class CallSerializer(serializers.ModelSerializer):
    agent = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Call
        fields = ["id", "direction", "state", "number", "customer", "agent", "ticket", "message", "started_at",
                  "ended_at", "after_hours"]
        read_only_fields = fields


class CallLogSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Call.Direction.choices, default=Call.Direction.INCOMING)
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    ticket = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                      help_text=_("Log the call on this ticket; empty: a new phone ticket."))
    subject = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=100_000, required=False, allow_blank=True, default="")
    answered = serializers.BooleanField(required=False, default=False)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False, default=dict,
                                      help_text=_("Which of the four request items the caller gave: "
                                                  "description, steps, version, settings."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("ticket") and not (attrs.get("subject") or attrs.get("summary")):
            raise serializers.ValidationError(_("A new ticket needs a subject or what the customer said."))
        return attrs


class CompanyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name"]
        read_only_fields = fields


class CustomerSerializer(serializers.ModelSerializer):
    company = CompanyRefSerializer(read_only=True, allow_null=True)
    emails = serializers.SlugRelatedField(many=True, read_only=True, slug_field="address")
    phones = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = Customer
        fields = ["id", "name", "company", "emails", "phones", "language", "timezone", "created_at"]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="domain")

    class Meta:
        model = Company
        fields = ["id", "name", "contract_tier", "domains", "created_at"]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True, help_text=_("An external link; empty: none."))

    class Meta:
        model = Article
        fields = ["slug", "title", "kind", "product", "category", "language", "body", "url", "updated_at"]
        read_only_fields = fields


class ArticleHitSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()


class KbQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=500)
    limit = serializers.IntegerField(min_value=1, max_value=30, default=10)


class KbSuggestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
    language = serializers.ChoiceField(choices=["ru", "en"], default="ru")
    limit = serializers.IntegerField(min_value=1, max_value=10, default=3)


class ReleaseSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(read_only=True)
    download_url = serializers.CharField(read_only=True, help_text=_("The download link; empty: none given."))

    class Meta:
        model = Release
        fields = ["id", "product", "version", "status", "planned_for", "published_at", "notes", "notes_en",
                  "download_url"]
        read_only_fields = fields


class ReleaseCreateSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=50, help_text=_("The product's key."))
    version = serializers.CharField(max_length=40)
    planned_for = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    notes_en = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    download_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)


class ReleasePublishSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(default=False,
                                         help_text=_("Publishing mails every waiting customer: confirm it."))


class ReleasePublishedSerializer(serializers.Serializer):
    release = ReleaseSerializer()
    reopened = serializers.ListField(child=serializers.IntegerField(), help_text=_("The reopened tickets."))


class ReportQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    group = serializers.ChoiceField(choices=list(DIMENSIONS), required=False)


class ReportTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField(allow_null=True)))
    total = serializers.ListField(child=serializers.JSONField(allow_null=True), allow_null=True)
    note = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    tables = ReportTableSerializer(many=True)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.JSONField())


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class TokenIssueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    user = serializers.CharField(max_length=150)
    scopes = serializers.MultipleChoiceField(choices=SCOPES)
    rate_per_minute = serializers.IntegerField(min_value=1, max_value=100_000, default=120)
