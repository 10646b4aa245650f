"""Tickets, their messages, attachments and status history.

Only ``supportdesk.tickets.services`` writes these rows; everything else reads them
through selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Team
from supportdesk.catalog.models import Product, Release
from supportdesk.customers.models import Customer

CHECKLIST_ITEMS = ("description", "steps", "version", "settings")
NO_SUBJECT = "(no subject)"  # the subject of a ticket whose request had none


class Status(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    WAITING_CUSTOMER = "waiting_customer", _("waiting for the customer")
    WAITING_RELEASE = "waiting_release", _("waiting for a release")
    SOLVED = "solved", _("solved")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_RELEASE)
PAUSED_STATUSES = (Status.WAITING_CUSTOMER, Status.WAITING_RELEASE)


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent (on-air incident)")


PRIORITY_RANK = {p: rank for rank, p in enumerate(Priority.values)}


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone")
    WEB = "web", _("web form")


class Ticket(models.Model):
    subject = models.CharField(_("subject"), max_length=300)
    # db_index=False: ticket_customer_idx (customer, status) serves its look-ups
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets",
                                 db_index=False)
    # The address the customer wrote from: replies go there.
    contact_email = models.EmailField(_("reply address"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tickets")
    language = models.CharField(_("language"), max_length=8, default="ru")
    # The team (queue) that works the ticket: set by the routing rules at intake or by hand;
    # empty: unrouted, visible to every agent.
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tickets")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # The company's contract tier when the ticket was opened: with the priority it picks the
    # ticket's SLA policy (a later change of the company's contract leaves running clocks alone).
    sla_tier = models.SlugField(_("contract tier"), max_length=50, blank=True)

    product = models.ForeignKey(Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    reported_version = models.CharField(_("reported version"), max_length=40, blank=True)
    waiting_release = models.ForeignKey(Release, verbose_name=_("awaited release"), null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="waiting_tickets")

    # The four items of rule 5: {"description": {"present": bool, "source": "auto"|"agent", "evidence": str}, ...}
    checklist = models.JSONField(_("request checklist"), default=dict, blank=True)
    checklist_complete = models.BooleanField(_("checklist complete"), default=False)

    # Reply clock (rule 6): the oldest customer message that still awaits a public reply.
    reply_pending_since = models.DateTimeField(_("awaiting a reply since"), null=True, blank=True)
    reply_target_at = models.DateTimeField(_("reply target"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    reply_warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    reply_breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    # Resolution clock (rule 7), net of waiting_* pauses; derived from the status history.
    resolution_business_seconds = models.FloatField(_("resolution time, business seconds"), null=True, blank=True)
    # Business time the ticket spent waiting (for the customer, for a release) up to the solve;
    # set with the resolution figure, for the reports.
    waiting_customer_business_seconds = models.FloatField(_("waiting for the customer, business seconds"),
                                                          null=True, blank=True)
    waiting_release_business_seconds = models.FloatField(_("waiting for a release, business seconds"),
                                                         null=True, blank=True)

    unreachable_by_email = models.BooleanField(_("unreachable by e-mail"), default=False)
    unreachable_reason = models.CharField(_("why unreachable"), max_length=300, blank=True)

    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_tickets")
    follows_up = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="follow_ups", verbose_name=_("continues ticket"))

    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("last customer message at"), null=True, blank=True)
    last_agent_message_at = models.DateTimeField(_("last agent message at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "status"], name="ticket_customer_idx"),
            # The queue walks these in order (keyset pagination on (reply_due_at, id)); partial,
            # so they hold only the open quarter of the table.
            models.Index(fields=["reply_due_at", "id"], name="ticket_open_due_idx",
                         condition=models.Q(status__in=OPEN_STATUSES, merged_into__isnull=True)),
            models.Index(fields=["assignee", "reply_due_at", "id"], name="ticket_open_mine_idx",
                         condition=models.Q(status__in=OPEN_STATUSES, merged_into__isnull=True)),
            # An agent's queue: their teams' tickets and the unrouted ones (team NULL), each walked
            # in due order and merged (selectors.queue_page).
            models.Index(fields=["team", "reply_due_at", "id"], name="ticket_open_team_idx",
                         condition=models.Q(status__in=OPEN_STATUSES, merged_into__isnull=True)),
            # The unrouted part of it: PostgreSQL does not walk "team IS NULL" in index order (an
            # IS NULL is no equality to its planner), it would sort every unrouted open ticket.
            models.Index(fields=["reply_due_at", "id"], name="ticket_open_unrouted_idx",
                         condition=models.Q(status__in=OPEN_STATUSES, merged_into__isnull=True, team__isnull=True)),
            models.Index(fields=["solved_at"], name="ticket_solved_idx"),  # the resolution report
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"[#{self.pk}] {self.subject}"

    @property
    def number(self) -> int:
        return self.pk

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES


class Message(models.Model):
    class Kind(models.TextChoices):
        INCOMING = "incoming", _("customer message")
        OUTGOING = "outgoing", _("reply")
        NOTE = "note", _("internal note")
        CALL = "call", _("phone call")
        EVENT = "event", _("event")

    # db_index=False: message_ticket_idx (ticket, created_at) serves its look-ups
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages",
                               db_index=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    author_customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    from_addr = models.CharField(_("from"), max_length=254, blank=True)
    to_addrs = models.TextField(_("to"), blank=True)
    cc_addrs = models.TextField(_("Cc"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)  # sanitised; never raw HTML from mail
    quoted_start = models.PositiveIntegerField(_("quote starts at"), null=True, blank=True)
    # Automatic mail (acknowledgments, reminders) never stops the reply clock.
    is_automatic = models.BooleanField(_("automatic"), default=False)
    # A robot's message (auto-reply, bounce): stored, never answered.
    is_robot = models.BooleanField(_("from a robot"), default=False)
    answers_customer = models.BooleanField(_("answers the customer"), default=False)
    event = models.CharField(_("event"), max_length=40, blank=True)
    event_data = models.JSONField(_("event data"), default=dict, blank=True)
    # RFC 5322 identity, ours or theirs, for threading.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    inbound = models.ForeignKey("mail.InboundMail", verbose_name=_("inbound mail"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    outgoing = models.ForeignKey("outbox.OutgoingMail", verbose_name=_("outgoing mail"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(_("created at"), db_index=True)
    # Minutes the agent spent on this reply or note (optional); summed per ticket, agent, period.
    time_spent = models.PositiveIntegerField(_("time spent, minutes"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_idx"),
            # Reports sum time per agent and period: only the few messages that carry time.
            models.Index(fields=["author_user", "created_at"], name="message_time_idx",
                         condition=models.Q(time_spent__isnull=False)),
            # The reports read one kind of message over a period (customer messages, replies,
            # acknowledgments); the columns they count by ride along (key columns, as SQLite has
            # no INCLUDE), so most of those reads never visit the table.
            models.Index(fields=["kind", "created_at", "ticket", "author_user", "is_robot", "answers_customer"],
                         name="message_kind_idx"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} on ticket {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind in (self.Kind.INCOMING, self.Kind.OUTGOING, self.Kind.CALL)


class Attachment(models.Model):
    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_id = models.CharField(_("Content-ID"), max_length=255, blank=True)
    is_inline = models.BooleanField(_("inline"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TicketContact(models.Model):
    """A person on the ticket's conversation besides its reply address: a colleague the
    customer copied, or someone the agent added. Reply-all writes to all of them."""

    class Source(models.TextChoices):
        MAIL = "mail", _("copied on the customer's mail")
        AGENT = "agent", _("added by an agent")

    # db_index=False: ticket_contact_unique (ticket, email) serves its look-ups
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="contacts",
                               db_index=False)
    email = models.EmailField(_("e-mail"))
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="ticket_contacts")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("added to the ticket at"))

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "email"], name="ticket_contact_unique")]
        verbose_name = _("ticket contact")
        verbose_name_plural = _("ticket contacts")

    def __str__(self) -> str:
        return self.email


class StatusChange(models.Model):
    """The status history: SLA pauses and the resolution figure are derived from it."""

    # db_index=False: status_ticket_idx (ticket, at) serves its look-ups
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="status_changes",
                               db_index=False)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("at"))
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="status_ticket_idx"),
                   # The reports walk a range and count by status and author from the index alone.
                   models.Index(fields=["at", "from_status", "to_status", "by_user", "ticket"], name="status_at_idx"),
                   # Tickets reopened after being solved (the resolution report), a small slice.
                   models.Index(fields=["at"], name="status_reopen_idx",
                                condition=models.Q(to_status=Status.OPEN, from_status__in=(Status.SOLVED, Status.CLOSED)))]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class ReplyFigure(models.Model):
    """How long one customer message waited for its answer, in business time, measured when the
    reply was sent (the reports read these rows; ``escalation.recompute`` rewrites them when the
    calendar or the SLA policy changes)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="reply_figures")
    message = models.OneToOneField(Message, verbose_name=_("customer message"), on_delete=models.CASCADE,
                                   related_name="reply_figure")
    reply = models.ForeignKey(Message, verbose_name=_("reply"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # When the message's reply clock started: its arrival, or a later reopening.
    received_at = models.DateTimeField(_("received at"))
    replied_at = models.DateTimeField(_("replied at"))
    business_seconds = models.FloatField(_("reply time, business seconds"))
    within_target = models.BooleanField(_("within the target"))
    within_limit = models.BooleanField(_("within the limit"))
    # The ticket's first answer, measured from the message that opened the ticket's first clock.
    is_first = models.BooleanField(_("first reply"), default=False)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["received_at"], name="replyfigure_received_idx")]
        verbose_name = _("reply figure")
        verbose_name_plural = _("reply figures")

    def __str__(self) -> str:
        return f"reply to message #{self.message_id}: {self.business_seconds:.0f} s"


class Tag(models.Model):
    """A free tag; names are stored normalised (see ``tags.normalize_tag``), so one spelling each."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class TicketTag(models.Model):
    # No single-column indexes: the unique (ticket, tag) and the index (tag, ticket) lead with each.
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="ticket_tags",
                               db_index=False)
    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="ticket_tags",
                            db_index=False)
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "tag"], name="tickettag_unique")]
        # The queue's tag filter starts from the tag: (tag, ticket) answers it from the index alone.
        indexes = [models.Index(fields=["tag", "ticket"], name="tickettag_tag_idx")]
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.ticket_id}"


class SavedView(models.Model):
    """A named queue filter and sort: personal (its owner's) or shared (a supervisor's, for all agents)."""

    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="saved_views")
    shared = models.BooleanField(_("shared with all agents"), default=False)
    # The queue's query string, normalised (known filter keys only, no page position).
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name")]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return self.name
