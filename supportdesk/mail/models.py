"""Inbound mail: mailboxes and every raw message we were handed, stored before parsing."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# States that own a message: at most one delivery of a message may be in one of them.
FINAL_STATES = ("ticketed", "robot", "spam")


def delivery_q(source: str, uids: Iterable[str]) -> models.Q:
    """These deliveries of ``source``, through the partial unique index ``inbound_source_uid_unique``:
    the "uid not empty" term repeats the index's condition, without which the database cannot
    use it and reads every stored mail, raw bytes included."""
    return models.Q(source=source, source_uid__in=list(uids)) & ~models.Q(source_uid="")


PASSWORD_ENV_PREFIX = "SUPPORTDESK_IMAP_"  # noqa: S105 - a name prefix, no password
PASSWORD_ENV_PATTERN = r"\ASUPPORTDESK_IMAP_[A-Z0-9_]+\Z"  # noqa: S105 - a name pattern, no password
password_env_validator = RegexValidator(
    PASSWORD_ENV_PATTERN, _("The password variable must be named SUPPORTDESK_IMAP_ followed by upper-case "
                            "letters, digits or _."))


class Mailbox(models.Model):
    class Kind(models.TextChoices):
        IMAP = "imap", "IMAP"
        LMTP = "lmtp", _("LMTP/SMTP delivery")
        MAILDIR = "maildir", "Maildir"

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IMAP)
    address = models.EmailField(_("support address"), blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    use_ssl = models.BooleanField(_("SSL"), default=True)
    # IMAP over SSL verifies the server's certificate against the system CA store, or only this file.
    ca_file = models.CharField(_("CA certificate file"), max_length=500, blank=True,
                               help_text=_("PEM file of the CA that signed the server's certificate; "
                                           "empty: the system's trusted CAs."))
    username = models.CharField(_("user name"), max_length=200, blank=True)
    # Secrets come from the environment: the NAME of the variable holding the password. Only
    # SUPPORTDESK_IMAP_* names, so an administrator cannot have another secret (the Django key,
    # the SMTP password) sent as an IMAP password to a server of their choice.
    password_env = models.CharField(
        _("password variable"), max_length=100, blank=True, validators=[password_env_validator],
        help_text=_("Name of the environment variable holding the password: SUPPORTDESK_IMAP_ and upper-case "
                    "letters, digits or _."))
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    done_folder = models.CharField(_("move processed mail to"), max_length=200, blank=True)
    path = models.CharField(_("Maildir path"), max_length=500, blank=True)
    # The switch from another desk (tickets.history): the folder's older mail is the record.
    history_before = models.DateTimeField(
        _("history before"), null=True, blank=True,
        help_text=_("Mail in the folder dated before this moment is imported as history: it keeps its date, gets "
                    "no acknowledgment and no reply clock, and its tickets are closed. Set it to the moment of the "
                    "switch when the folder still holds the old desk's mail; empty: all mail is taken as new."))
    enabled = models.BooleanField(_("enabled"), default=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("last UID"), default=0)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name


class InboundMail(models.Model):
    """One delivery of one message. The raw bytes are the record of truth."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        TICKETED = "ticketed", _("on a ticket")
        ROBOT = "robot", _("auto-reply or bounce")
        SPAM = "spam", _("spam")
        DUPLICATE = "duplicate", _("duplicate")
        QUARANTINED = "quarantined", _("quarantined")

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), null=True, blank=True, on_delete=models.SET_NULL, related_name="mails")
    source = models.CharField(_("source"), max_length=20)  # imap, lmtp, import, portal
    source_uid = models.CharField(_("source UID"), max_length=300, blank=True)  # "uidvalidity:uid", file name, ...
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"))
    content_hash = models.CharField(_("content hash"), max_length=64)  # read by no query: not indexed
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    # Message-ID, or the content hash when there is none: one ticket message per key.
    dedupe_key = models.CharField(_("duplicate key"), max_length=300, db_index=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    from_addr = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # An agent said "not spam": the MTA's verdict is ignored when re-processed.
    not_spam = models.BooleanField(_("not spam"), default=False)
    # Which routing rule placed the mail (tag, reference, subject, new, follow_up, bounce, ...).
    route = models.CharField(_("route"), max_length=20, blank=True)
    opened_ticket = models.BooleanField(_("opened a ticket"), default=False)
    # Old mail from before the switch (tickets.history): placed at its own date, answered by nothing.
    history = models.BooleanField(_("history"), default=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="inbound_mails")

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_uid"], condition=~models.Q(source_uid=""),
                                    name="inbound_source_uid_unique"),
            # Exactly once: two deliveries of one message can never both reach a final
            # state; the second one's commit fails and it becomes a duplicate.
            models.UniqueConstraint(fields=["dedupe_key"], condition=models.Q(state__in=FINAL_STATES),
                                    name="inbound_dedupe_once"),
        ]
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.subject or self.message_id or self.pk}"
