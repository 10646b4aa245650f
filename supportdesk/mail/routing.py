"""Which ticket a parsed mail belongs to (SPEC §5), in the spec's order:

1. ``[#N]`` in the subject;
2. In-Reply-To / References to a Message-ID we sent (ticket messages, the outbox) or received;
3. a "Re:" subject from the same sender equal to the subject of that sender's open ticket
   of the last ``policy.automation.subject_threading_days`` days (policy switch); a colleague
   at the same company domain counts as the sender, and when several tickets qualify, or
   someone else's does, the mail's quoted history says which (``mail.quotes``);
4. otherwise a new ticket. Never on the subject alone.

The string helpers are pure; the lookups are one or two indexed queries each, plain reads:
routing decides, it locks nothing. The intake then locks the one ticket decided on
(``mail.handlers``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from supportdesk.customers.domains import domain_key, is_public_mail_domain
from supportdesk.customers.models import Customer
from supportdesk.mail.models import InboundMail
from supportdesk.mail.parsing.headers import REPLY_PREFIX
from supportdesk.mail.quotes import pick_by_quote, quoted_lines, searchable, strong_score
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import INTERNAL_REF_PREFIX
from supportdesk.tickets.models import NO_SUBJECT, OPEN_STATUSES, Message, Ticket
from supportdesk.tickets.selectors import subject_contains
from supportdesk.tickets.services import tickets_read_locked

TICKET_TAG = re.compile(r"\[#(\d{1,12})\]")
# Reply and forward prefixes of the mail clients our customers use, repeated or counted.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|ha|aw|sv|vs|fw|fwd|tr|wg|отв|ответ|пересл|пересылка|на)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")
# The lead-ins our acknowledgments put before the customer's subject (replies/mail/*/ack.subject.txt).
_OUR_LEAD_IN = re.compile(r"^\s*(?:ваше обращение зарегистрировано|we have received your request)\s*[:：]\s*",
                          re.IGNORECASE)
_OUTBOX_REF = re.compile(r"^ticket:(\d+)$")
MAX_MERGE_HOPS = 10
SUBJECT_SCAN_PAGE = 200  # (id, subject) rows the subject rule reads per query
SUBJECT_SCAN_MAX = 2000  # and at most this many per scope: the rule is a fallback, not a search
QUOTE_CANDIDATES = 20  # same-subject tickets whose texts a quote is compared with
QUOTE_TEXT_MAX = 20000  # characters of each message compared
QUOTE_MESSAGES = 200  # newest messages of all candidates read: a few MB at the very most


class Rule:
    TAG = "tag"
    REFERENCE = "reference"
    SUBJECT = "subject"
    QUOTE = "quote"  # the subject rule, decided by the quoted history
    NEW = "new"


@dataclass(frozen=True)
class Route:
    ticket: Ticket | None
    rule: str


def subject_ticket_numbers(subject: str) -> list[int]:
    """Ticket numbers tagged in a subject, in order of appearance."""
    return [int(n) for n in TICKET_TAG.findall(subject or "")]


def strip_ticket_tags(subject: str) -> str:
    return _WS.sub(" ", TICKET_TAG.sub(" ", subject or "")).strip()


def is_reply_subject(subject: str) -> bool:
    return bool(REPLY_PREFIX.match(strip_ticket_tags(subject)))


def subject_core(subject: str) -> str:
    """The subject without reply/forward prefixes and our tags, as written."""
    return _WS.sub(" ", _PREFIX.sub("", strip_ticket_tags(subject))).strip()


def original_subject(subject: str) -> str:
    """A new ticket's subject: without reply/forward prefixes, our tags and the lead-ins of our
    own mail ("Re: [#13] Ваше обращение зарегистрировано: Титры" -> "Титры"), however nested."""
    core = subject_core(subject)
    while True:
        stripped = subject_core(_OUR_LEAD_IN.sub("", core))
        if stripped == core:
            return core
        core = stripped


def base_subject(subject: str) -> str:
    """``subject_core`` case-folded, for comparison."""
    return subject_core(subject).casefold()


def reference_ids(in_reply_to: str | None, references: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    """Message-IDs to look up, most specific first: In-Reply-To, then References newest first."""
    ordered = [*extra, *([in_reply_to] if in_reply_to else []), *reversed(references)]
    return [i[:255] for i in dict.fromkeys(x.strip() for x in ordered if x and x.strip())]


def _follow_merges(ticket: Ticket) -> Ticket:
    hops = 0
    while ticket.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
        hops += 1
    return ticket


def ticket_by_tag(subject: str, *, lock: bool = False) -> Ticket | None:
    """The ticket the subject's "[#N]" names (``lock``: read under its row lock, the one the
    intake then writes through; see ``tickets_read_locked``)."""
    numbers = subject_ticket_numbers(subject)
    if not numbers:
        return None
    found = tickets_read_locked(numbers) if lock else {t.pk: t for t in Ticket.objects.filter(pk__in=numbers)}
    for number in numbers:
        if number in found:
            return _follow_merges(found[number])
    return None


class KnownIds:
    """A mail's reference ids (``reference_ids``) and the ticket messages and outbox mail we
    hold under them, each read at most once: the intake asks three questions of the same ids
    (an answer to an internal alert? to a forward? which ticket?), in one transaction."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids = list(ids)
        self._messages: list[tuple[str, int, str, str]] | None = None
        self._outbox: list[tuple[str, str, str]] | None = None

    def messages(self) -> list[tuple[str, int, str, str]]:
        """(message_id, ticket_id, kind, event) of the ticket messages, oldest first."""
        if self._messages is None:
            self._load()
        assert self._messages is not None
        return self._messages

    def outbox(self) -> list[tuple[str, str, str]]:
        """(message_id, ref, kind) of the outbox mail, newest first."""
        if self._outbox is None:
            self._load()
        assert self._outbox is not None
        return self._outbox

    def _load(self) -> None:
        """Both kinds of rows from one query (each question of the intake needs both). Written
        as SQL: a UNION of the two tables' rows under the mail's ids, sorted here."""
        self._messages, self._outbox = [], []
        if not self.ids:
            return
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(self.ids))
        mid = quote("message_id")
        sql = (f"SELECT 0, {mid}, ticket_id, kind, event, '', created_at, id "  # noqa: S608 - names from the models
               f"FROM {quote(Message._meta.db_table)} WHERE {mid} IN ({marks}) UNION ALL "
               f"SELECT 1, {mid}, NULL, kind, '', ref, created_at, id "
               f"FROM {quote(OutgoingMail._meta.db_table)} WHERE {mid} IN ({marks})")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.ids, *self.ids])
            rows = cursor.fetchall()
        messages = sorted((r for r in rows if r[0] == 0), key=lambda r: (r[6], r[7]))
        outbox = sorted((r for r in rows if r[0] == 1), key=lambda r: (r[6], r[7]), reverse=True)
        self._messages = [(mid, ticket_id, kind, event) for _s, mid, ticket_id, kind, event, _r, _c, _i in messages]
        self._outbox = [(mid, ref, kind) for _s, mid, _t, kind, _e, ref, _c, _i in outbox]


def _known(ids: Sequence[str] | KnownIds) -> KnownIds:
    return ids if isinstance(ids, KnownIds) else KnownIds(ids)


def ticket_by_references(ids: Sequence[str] | KnownIds) -> Ticket | None:
    """The ticket of the first id we know: a ticket message, an outbox mail or a mail we received."""
    known = _known(ids)
    ids = known.ids
    if not ids:
        return None
    owner: dict[str, int] = {}
    for mid, ticket_id, _kind, _event in known.messages():
        owner.setdefault(mid, ticket_id)
    missing = [i for i in ids if i not in owner]
    if missing:
        for mid, ref, _kind in known.outbox():
            match = _OUTBOX_REF.match(ref)
            if match:
                owner.setdefault(mid, int(match.group(1)))
        missing = [i for i in ids if i not in owner]
    if missing:
        rows = (InboundMail.objects.filter(message_id__in=missing, ticket__isnull=False)
                .values_list("message_id", "ticket_id"))
        for mid, ticket_id in rows:
            owner.setdefault(mid, ticket_id)
    for mid in ids:
        if mid in owner:
            found = tickets_read_locked([owner[mid]]).get(owner[mid])
            if found is not None:
                return _follow_merges(found)
    return None


def organisation_domain(address: str) -> str | None:
    """The sender's company domain; None for public mail services, where a domain says nothing."""
    domain = address.rpartition("@")[2].strip().lower()
    if not domain or is_public_mail_domain(domain_key(domain)) or domain.split(".")[0] in ("gmx", "yandex"):
        return None
    return domain


def ticket_by_subject(*, subject: str, customer: Customer, address: str, since: datetime,
                      quoted: str = "") -> Route:
    """The open ticket a "Re:" mail without threading headers answers, and the rule that
    found it (``subject``, or ``quote`` when the quoted history decided).

    Candidates are the open tickets of the window with the same subject: the sender's own,
    newest first, then a colleague's at the same company domain (a colleague often answers
    for the one who wrote first). Without quoted history the first candidate wins. With it,
    the candidate whose messages hold most of the quote wins (a sender with two open tickets
    of one subject), and a ticket of anyone else with that subject is taken when the quote
    alone identifies it (a colleague writing from a public mailbox). An empty subject
    ("Re: ") is matched only by the quote.

    Only ids and subjects are read while scanning, newest first, at most SUBJECT_SCAN_MAX
    tickets per scope (a bulk import of an archive puts every ticket in the window); texts
    are read only for the few same-subject candidates."""
    none = Route(None, Rule.NEW)
    if not is_reply_subject(subject):
        return none
    wanted = base_subject(subject)
    lines = quoted_lines(quoted)
    if not wanted and not lines:
        return none
    recent = (Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
              .filter(Q(created_at__gte=since) | Q(last_customer_message_at__gte=since)))
    scopes = [Q(customer=customer)]
    domain = organisation_domain(address)
    if domain:
        scopes.append(Q(contact_email__endswith="@" + domain) & ~Q(customer=customer))
    candidates: list[int] = []
    for scope in scopes:
        candidates += _same_subject(recent.filter(scope), wanted, first_only=not lines)
        if candidates and not lines:
            return Route(Ticket.objects.get(pk=candidates[0]), Rule.SUBJECT)
    if lines:
        pk = None
        if candidates:
            pk = pick_by_quote(candidates, lines, _ticket_texts(candidates, customers_only=False),
                               min_score=1 if wanted else strong_score(lines))
        if pk is None and wanted:
            pk = _quoted_elsewhere(recent.exclude(customer=customer), subject_core(subject), lines)
        if pk is not None:
            return Route(Ticket.objects.get(pk=pk), Rule.QUOTE)
    if candidates and wanted:
        return Route(Ticket.objects.get(pk=candidates[0]), Rule.SUBJECT)
    return none


def _same_subject(tickets: QuerySet[Ticket], wanted: str, *, first_only: bool) -> list[int]:
    """Ids of ``tickets`` whose base subject is ``wanted`` ("" for a ticket with no subject),
    newest first: the first only, or up to QUOTE_CANDIDATES."""
    rows = tickets.order_by("-created_at", "-id").values_list("pk", "subject")
    found: list[int] = []
    start = 0
    while start < SUBJECT_SCAN_MAX:
        page = list(rows[start:start + SUBJECT_SCAN_PAGE])
        for pk, ticket_subject in page:
            if _ticket_base_subject(ticket_subject) == wanted:
                found.append(pk)
                if first_only or len(found) >= QUOTE_CANDIDATES:
                    return found
        if len(page) < SUBJECT_SCAN_PAGE:
            break
        start += SUBJECT_SCAN_PAGE
    return found


def _ticket_base_subject(subject: str) -> str:
    return "" if subject == NO_SUBJECT else base_subject(subject)


def _quoted_elsewhere(tickets: QuerySet[Ticket], core: str, lines: Sequence[str]) -> int | None:
    """Another customer's ticket with this subject that the quote alone identifies. Only the
    customers' own words count there, never our replies (our signature is in every ticket)."""
    pks = _same_subject(tickets.filter(subject_contains(core)), core.casefold(), first_only=False)
    if not pks:
        return None
    return pick_by_quote(pks, lines, _ticket_texts(pks, customers_only=True), min_score=strong_score(lines))


def _ticket_texts(pks: Sequence[int], *, customers_only: bool) -> dict[int, str]:
    """Each ticket's conversation (customers' mails and, unless ``customers_only``, our
    replies) as ``quotes.searchable`` text; each message's first QUOTE_TEXT_MAX characters, of
    the QUOTE_MESSAGES newest messages."""
    kinds = [Message.Kind.INCOMING] if customers_only else [Message.Kind.INCOMING, Message.Kind.OUTGOING]
    parts: dict[int, list[str]] = {}
    rows = (Message.objects.filter(ticket_id__in=list(pks), kind__in=kinds, is_robot=False).order_by("-id")
            .annotate(head=Substr("body_text", 1, QUOTE_TEXT_MAX)).values_list("ticket_id", "head")[:QUOTE_MESSAGES])
    for ticket_id, text in rows:
        parts.setdefault(ticket_id, []).append(searchable(text or ""))
    return {pk: "\n".join(texts) for pk, texts in parts.items()}


# Alerts sent before their outbox reference was marked internal.
_LEGACY_INTERNAL_KINDS = ("sla_warning", "sla_breach")


def internal_mail_ticket(ids: Sequence[str] | KnownIds) -> tuple[bool, int | None]:
    """Whether the mail answers internal mail of ours (an alert to agents), and the ticket
    that mail was about. Such an answer never enters a customer conversation."""
    refs = [ref for _mid, ref, kind in _known(ids).outbox()
            if ref.startswith(INTERNAL_REF_PREFIX) or kind in _LEGACY_INTERNAL_KINDS]
    if not refs:
        return False, None
    for ref in refs:
        match = _OUTBOX_REF.match(ref.removeprefix(INTERNAL_REF_PREFIX))
        if match:
            return True, int(match.group(1))
    return True, None


# Notes on a ticket recording mail we forwarded to a third party, and that party's answers.
FORWARD_EVENTS = ("forward", "forward_reply")


def forwarded_ticket(ids: Sequence[str] | KnownIds) -> Ticket | None:
    """The ticket whose forward (or an answer to one) the mail refers to: a third party
    answering a forward writes to the agents, not to the customer's conversation."""
    ticket_id = next((ticket_id for _mid, ticket_id, kind, event in _known(ids).messages()
                      if kind == Message.Kind.NOTE and event in FORWARD_EVENTS), None)
    found = Ticket.objects.filter(pk=ticket_id).first() if ticket_id is not None else None
    return _follow_merges(found) if found is not None else None


def is_forward_recipient(ticket: Ticket, address: str) -> bool:
    """Whether ``address`` received a forward of the ticket (a tagged answer without threading
    headers from them is their answer to it)."""
    address = address.strip().lower()
    if not address:
        return False
    rows = (Message.objects.filter(ticket=ticket, kind=Message.Kind.NOTE, event="forward")
            .values_list("to_addrs", flat=True))
    return any(address in [a.strip().lower() for a in to.split(",")] for to in rows)


def route_customer_mail(
    *,
    subject: str,
    in_reply_to: str | None,
    references: Sequence[str],
    customer: Customer,
    address: str,
    now: datetime,
    subject_threading: bool,
    subject_days: int,
    quoted: str = "",
    known: KnownIds | None = None,
) -> Route:
    """SPEC §5 threading for a customer's mail (``known``: its reference ids, as the caller read them)."""
    ticket = ticket_by_tag(subject, lock=True)
    if ticket is not None:
        return Route(ticket, Rule.TAG)
    ticket = ticket_by_references(known if known is not None else reference_ids(in_reply_to, references))
    if ticket is not None:
        return Route(ticket, Rule.REFERENCE)
    if subject_threading:
        route = ticket_by_subject(subject=subject, customer=customer, address=address,
                                  since=now - timedelta(days=subject_days), quoted=quoted)
        if route.ticket is not None:
            return route
    return Route(None, Rule.NEW)


def route_robot_mail(*, subject: str, in_reply_to: str | None, references: Sequence[str],
                     bounced_message_id: str | None) -> Route:
    """A robot's mail goes only where it explicitly points: never by subject text alone."""
    ids = reference_ids(in_reply_to, references, extra=[bounced_message_id] if bounced_message_id else [])
    ticket = ticket_by_references(ids)
    if ticket is not None:
        return Route(ticket, Rule.REFERENCE)
    ticket = ticket_by_tag(subject, lock=True)
    if ticket is not None:
        return Route(ticket, Rule.TAG)
    return Route(None, Rule.NEW)
