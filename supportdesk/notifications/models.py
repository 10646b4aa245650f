"""Agents' notifications (the bell), who follows which ticket, and who wants which by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Message, Ticket


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("a ticket assigned to me")
        CUSTOMER_REPLY = "customer_reply", _("a customer reply on my ticket")
        MENTION = "mention", _("a mention in an internal note")
        SLA_WARNING = "sla_warning", _("reply target reached on my ticket")
        SLA_BREACH = "sla_breach", _("reply deadline missed on my ticket")
        FOLLOWED = "followed", _("news on a ticket I follow")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, verbose_name=_("conversation entry"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    excerpt = models.CharField(_("excerpt"), max_length=300, blank=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell's count reads only unread rows.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id} for {self.recipient_id}"


class TicketFollower(models.Model):
    """An agent who gets a ticket's news. ``active`` False is an explicit unfollow, which replying
    again or being assigned does not undo (only the follow button does)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                             related_name="+")
    active = models.BooleanField(_("following"), default=True)
    created_at = models.DateTimeField(_("since"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="follower_ticket_user_uniq")]
        verbose_name = _("ticket follower")
        verbose_name_plural = _("ticket followers")

    def __str__(self) -> str:
        return f"{self.user_id} follows ticket {self.ticket_id}"


class NotificationSettings(models.Model):
    """Which notifications an agent also gets by e-mail (the bell shows them all)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                                related_name="notification_settings")
    email_assigned = models.BooleanField(_("a ticket is assigned to me"), default=True)
    email_customer_reply = models.BooleanField(_("a customer replies on my ticket"), default=True)
    email_mention = models.BooleanField(_("someone mentions me in an internal note"), default=True)
    email_sla = models.BooleanField(_("a reply target or deadline is reached on my ticket"), default=True)
    email_followed = models.BooleanField(_("news on tickets I follow (replies, notes, status changes)"), default=False)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"

    def wants_email(self, kind: str) -> bool:
        field = {
            Notification.Kind.ASSIGNED: "email_assigned",
            Notification.Kind.CUSTOMER_REPLY: "email_customer_reply",
            Notification.Kind.MENTION: "email_mention",
            Notification.Kind.SLA_WARNING: "email_sla",
            Notification.Kind.SLA_BREACH: "email_sla",
            Notification.Kind.FOLLOWED: "email_followed",
        }[Notification.Kind(kind)]
        return bool(getattr(self, field))
