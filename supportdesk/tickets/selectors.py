"""Reads of tickets, scoped by permission: every agent-facing read goes through here.

The queue is paginated by keyset on (reply_due_at, id) so that page 50 costs what page 1
costs; tickets without a running reply clock come after all others, ordered by id. The
two halves are read separately so each one walks an index in order (a single
``ORDER BY reply_due_at NULLS LAST`` with an OR-ed cursor defeats the index on SQLite).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import is_agent
from supportdesk.accounts.teams import ticket_scope
from supportdesk.catalog.models import Product, Release
from supportdesk.customers.models import CustomerEmail, CustomerPhone
from supportdesk.lib import configcache
from supportdesk.lib.params import parse_positive_int
from supportdesk.lib.phones import BadPhoneNumber, normalize_phone
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Message,
    SavedView,
    Status,
    Tag,
    Ticket,
    TicketTag,
)

# A search lists at most this many matches (the queue order applies within them).
SEARCH_LIMIT = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
VIEWS = ("mine", "unassigned", "open", "waiting", "breached")
# Queue orders: the nearest reply limit first (the default), or by ticket number.
SORTS = ("due", "newest", "oldest")
# A queue filter names at most this many tags (all must be on a ticket).
TAGS_LIMIT = 5
# Counting stops here ("99+", as badges do): an exact count of 250,000 open tickets, five times
# per page view, would cost more than the page itself.
COUNT_LIMIT = 99
K = TypeVar("K")
# A ticket number has at most 9 digits; ten or more digits are a phone number.
_NUMBER = re.compile(r"^\s*(?:\[?#)?\s*(\d{1,9})\]?\s*$")
_PHONEISH = re.compile(r"^\+?[\d\s()\-.]{10,}$")
# Statuses that never run a reply clock (it stops on solving and closing).
_CLOCKLESS = (Status.SOLVED, Status.CLOSED)


def _require_agent(user: User | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def visible_filter(user: User | AnonymousUser) -> Q:
    """The tickets ``user`` may see: every one for supervisors and administrators; for an agent
    those of their teams and the unrouted ones. Every ticket read of an agent page applies it."""
    _require_agent(user)
    scope = ticket_scope(user)
    if scope is None:
        return Q()
    return Q(team__isnull=True) | Q(team_id__in=sorted(scope)) if scope else Q(team__isnull=True)


def visible_tickets(*, user: User | AnonymousUser) -> QuerySet[Ticket]:
    return Ticket.objects.filter(visible_filter(user))


@dataclass(frozen=True)
class QueueFilters:
    view: str = "open"
    product: int | None = None
    status: str = ""
    channel: str = ""
    priority: str = ""
    team: int | None = None  # a team's id; 0: unrouted tickets
    checklist_incomplete: bool = False
    unreachable: bool = False
    q: str = ""
    tags: tuple[str, ...] = ()
    sort: str = "due"


@dataclass(frozen=True)
class Cursor:
    """Position after the last row shown: (reply_due_at or None, id)."""

    due: datetime | None
    pk: int

    def encode(self) -> str:
        return f"{self.due.isoformat() if self.due else 'none'}_{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        """None for no cursor; ValueError for one that is not a cursor this page wrote."""
        if not raw:
            return None
        due_text, sep, pk_text = raw.rpartition("_")
        if not sep:
            raise ValueError("not a page position")
        pk = parse_positive_int(pk_text)
        if due_text == "none":
            return cls(None, pk)
        due = parse_datetime(due_text)  # ValueError for an impossible date, hour or offset
        if due is None or due.tzinfo is None:
            raise ValueError("not a page position")
        try:
            return cls(due.astimezone(UTC), pk)
        except OverflowError as exc:  # year 1 at +01:00 is before datetime.min in UTC
            raise ValueError("not a page position") from exc


@dataclass
class QueuePage:
    tickets: list[Ticket]
    next_cursor: Cursor | None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class QueueRowPage:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def _view_filter(view: str, user: User, now: datetime, *, statuses: tuple[str, ...] | None = None) -> Q:
    """The view's tickets; ``statuses`` replaces the view's own set (an explicit status filter or
    a search, which must reach solved and closed tickets too)."""
    if view == "waiting":
        return Q(status__in=statuses if statuses is not None else PAUSED_STATUSES)
    found = Q(status__in=statuses) if statuses is not None else _open_statuses()
    if view == "mine":
        return found & Q(assignee=user)
    if view == "unassigned":
        return found & Q(assignee__isnull=True)
    if view == "breached":
        return found & Q(reply_due_at__lt=now)
    return found


def _open_statuses() -> Q:
    """``status IN (the open statuses)``. On SQLite written as literals: its planner uses a partial
    index only when it can prove the index's condition at prepare time, never from a bound
    parameter, so with ``status__in`` the queue scanned and sorted every ticket."""
    if connection.vendor != "sqlite":
        return Q(status__in=OPEN_STATUSES)
    literals = ", ".join(f"'{s}'" for s in OPEN_STATUSES)  # the model's constants, never input
    column = f'{connection.ops.quote_name(Ticket._meta.db_table)}."status"'
    return Q(RawSQL(f"{column} IN ({literals})", (), output_field=BooleanField()))  # noqa: S611


def open_status_filter() -> Q:
    """The open statuses as the queue's partial indexes state them, for other readers of open
    tickets (the load report counts them by assignee through ``ticket_open_mine_idx``)."""
    return _open_statuses()


def search_filter(q: str) -> Q:
    """Ticket number (#123), customer e-mail, customer phone (normalised) or subject words."""
    q = q.strip()
    if not q:
        return Q()
    number = _NUMBER.match(q)
    if number:
        return Q(pk=int(number.group(1)))
    # Customer ids are resolved first: a subquery (or an OR on the unindexed reply address)
    # makes PostgreSQL scan every ticket instead of using the (customer, status) index.
    if "@" in q:
        ids = list(CustomerEmail.objects.filter(address=q.lower()).values_list("customer_id", flat=True))
        return Q(customer_id__in=ids)
    if _PHONEISH.match(q):
        try:
            e164 = normalize_phone(q)
        except BadPhoneNumber:
            e164 = ""
        if e164:
            return Q(customer_id__in=list(CustomerPhone.objects.filter(number=e164)
                                          .values_list("customer_id", flat=True)))
    return subject_contains(q)


def subject_contains(q: str) -> Q:
    """Tickets whose subject contains ``q``, case-insensitively (PostgreSQL: the trigram index)."""
    if connection.vendor != "sqlite":
        return Q(subject__icontains=q)
    # SQLite's LIKE folds ASCII only; the usual spellings of a Cyrillic word cover what agents type.
    variants = {q, q.lower(), q.upper(), q.capitalize()}
    found = Q()
    for variant in sorted(variants):
        found |= Q(subject__contains=variant)
    return found


def _base(user: User, filters: QueueFilters, now: datetime, *, visibility: Q | None = None,
          tags: TagPlan | None = None) -> QuerySet[Ticket]:
    """The filtered tickets; ``visibility`` replaces the user's visible_filter (a part of it:
    queue_page walks an agent's teams one by one); ``tags`` is the filter's ``_tag_plan`` when
    the caller has it already."""
    # The status filter and a search look past the open statuses: solved and closed tickets
    # are found by their number, customer or subject, and listed when asked for.
    statuses: tuple[str, ...] | None = None
    if filters.status:
        statuses = (filters.status,)
    elif filters.q:
        statuses = tuple(Status.values)
    qs = Ticket.objects.filter(_view_filter(filters.view, user, now, statuses=statuses),
                               visible_filter(user) if visibility is None else visibility)
    if not (filters.q and _NUMBER.match(filters.q)):
        qs = qs.filter(merged_into__isnull=True)  # a merged ticket is found by its number only
    if filters.product:
        qs = qs.filter(product_id=filters.product)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.team is not None:
        qs = qs.filter(team__isnull=True) if filters.team == 0 else qs.filter(team_id=filters.team)
    if filters.checklist_incomplete:
        qs = qs.filter(checklist_complete=False)
    if filters.unreachable:
        qs = qs.filter(unreachable_by_email=True)
    if filters.q:
        qs = qs.filter(search_filter(filters.q))
    if filters.tags and tags is not None:
        for tag_id, few in tags:
            tagged = TicketTag.objects.filter(tag_id=tag_id)
            if few is not None:  # as below: the rare tag drives the query
                qs = qs.filter(pk__in=tagged.values("ticket_id"))
            else:
                qs = qs.filter(Exists(tagged.filter(ticket_id=OuterRef("pk"))))
    elif filters.tags:
        tag_ids = list(Tag.objects.filter(name__in=filters.tags).values_list("id", flat=True))
        if len(tag_ids) < len(set(filters.tags)):
            return qs.none()  # a tag nobody has
        for tag_id in tag_ids:
            tagged = TicketTag.objects.filter(tag_id=tag_id)
            if tagged[: SEARCH_LIMIT + 1].count() <= SEARCH_LIMIT:
                # A rare tag drives the query: its few tickets through the (tag, ticket) index.
                qs = qs.filter(pk__in=tagged.values("ticket_id"))
            else:
                # A common one is probed per ticket while the queue's own index is walked in order.
                qs = qs.filter(Exists(tagged.filter(ticket_id=OuterRef("pk"))))
    return qs


# Each tag of a queue filter: its id, and its tickets when they are few (at most SEARCH_LIMIT).
TagPlan = list[tuple[int, list[int] | None]]


def _tag_plan(names: tuple[str, ...]) -> TagPlan | None:
    """The filter's tags as ``_base`` and ``_rare_tag_tickets`` both use them, read once per page
    (each tag's tickets up to SEARCH_LIMIT + 1: that tells few from many); None when one of them
    does not exist, so no ticket can have them all."""
    tag_ids = list(Tag.objects.filter(name__in=names).values_list("id", flat=True))
    if len(tag_ids) < len(set(names)):
        return None
    plan: TagPlan = []
    for tag_id in tag_ids:
        ids = list(TicketTag.objects.filter(tag_id=tag_id).values_list("ticket_id", flat=True)[: SEARCH_LIMIT + 1])
        plan.append((tag_id, ids if len(ids) <= SEARCH_LIMIT else None))
    return plan


def _rare_tag_tickets(plan: TagPlan) -> list[int] | None:
    """The tickets of the filter's rarest tag when they are few (at most SEARCH_LIMIT), else None:
    few scattered matches are fetched through the tag index and ordered in Python, where walking
    the queue order would read every open ticket to find them."""
    rarest: list[int] | None = None
    for _tag_id, ids in plan:
        if ids is not None and (rarest is None or len(ids) < len(rarest)):
            rarest = ids
    return rarest


def bounded_count(qs: QuerySet[Ticket], limit: int = COUNT_LIMIT) -> int:
    """Exact below ``limit``, ``limit + 1`` meaning "more than limit"."""
    return qs.order_by()[: limit + 1].count()


def bounded_counts(querysets: dict[K, QuerySet[Ticket]], limit: int = COUNT_LIMIT) -> dict[K, int]:
    """``bounded_count`` of several querysets in one statement (one round trip instead of one
    per count: on a busy PostgreSQL server each round trip waits for the backend's turn)."""
    parts: list[str] = []
    params: list[Any] = []
    found: dict[K, int] = {}
    for key, qs in querysets.items():
        try:
            sql, qparams = qs.order_by().values("pk")[: limit + 1].query.sql_with_params()
        except EmptyResultSet:  # a filter nothing can match (an unknown tag): no query at all
            found[key] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) bounded)")  # noqa: S608 - the ORM's own SQL
        params.extend(qparams)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        counted = iter(row)
        for key in querysets:
            if key not in found:
                found[key] = int(next(counted))
    return {key: found[key] for key in querysets}


def queue_counts(*, user: User | AnonymousUser, now: datetime | None = None) -> dict[str, int]:
    _require_agent(user)
    now = now or timezone.now()
    return bounded_counts({view: _base(user, QueueFilters(view=view), now)  # type: ignore[arg-type]
                           for view in VIEWS})


# What queue_page reads of a ticket (the API's summaries): the rest of a ticket (its checklist
# JSON, a dozen dates, the related rows' other columns) is not read for fifty rows per page.
QUEUE_ROW_FIELDS = (
    "subject", "customer_id", "contact_email", "channel", "status", "assignee_id", "team_id", "priority",
    "product_id", "reported_version", "checklist_complete", "reply_target_at", "reply_due_at",
    "unreachable_by_email", "customer__name", "product__name", "assignee__first_name", "assignee__last_name",
    "assignee__username", "team__name",
    # The API's ticket summaries show these too (deferred, each would cost a query per row).
    "created_at", "updated_at", "product__key",
)
# What a row of the agent's queue page shows (presenters.queue_rows), as column values.
QUEUE_ROW_VALUES = (
    "id", "subject", "customer_id", "contact_email", "channel", "status", "priority", "reported_version",
    "checklist_complete", "reply_target_at", "reply_due_at", "unreachable_by_email", "customer__name",
    "product__name", "assignee__first_name", "assignee__last_name", "assignee__username", "team__name",
)
# An agent in more teams than this is walked with one OR-ed query instead of one walk per team.
TEAM_WALKS_LIMIT = 6


def _team_parts(user: User | AnonymousUser, filters: QueueFilters) -> list[Q] | None:
    """An agent's visible tickets as disjoint parts, each walked in due order through
    ``ticket_open_team_idx`` (the unrouted tickets, then each of their teams); None when one
    query serves (a supervisor, a team filter, an agent in many teams). With
    ``team IS NULL OR team IN (...)`` SQLite's planner may leave the due-date index and sort
    every open ticket, and PostgreSQL filters the walk row by row."""
    if filters.team is not None:
        return None
    scope = ticket_scope(user)
    if scope is None or len(scope) > TEAM_WALKS_LIMIT:
        return None
    return [Q(team__isnull=True)] + [Q(team_id=pk) for pk in sorted(scope)]


Key = tuple[int, datetime | None]  # (id, reply_due_at) of a queue row


def _walk(base: QuerySet[Ticket], parts: list[Q] | None, fetch: Callable[[QuerySet[Ticket]], QuerySet[Any]],
          key: Callable[[Key], Any]) -> list[Key]:
    """``fetch`` (a sliced, ordered queryset of keys) over ``base``, or over each part, merged in
    order: one UNION ALL of the ordered parts where the database allows it (PostgreSQL: one
    round trip), else a query per part (SQLite, in-process: no round trip to save)."""
    if parts is None:
        return list(fetch(base))
    walks = [fetch(base.filter(part)) for part in parts]
    found: list[Key] = []
    if len(walks) > 1 and connection.features.supports_slicing_ordering_in_compound:
        found = list(walks[0].union(*walks[1:], all=True))
    else:
        for walk in walks:
            found += walk
    found.sort(key=key)
    return found


def queue_page(*, user: User | AnonymousUser, filters: QueueFilters, after: Cursor | None = None,
               size: int = 50, now: datetime | None = None) -> QueuePage:
    """One page of the queue: the nearest reply limit first, tickets without a clock last."""
    _require_agent(user)
    keys, nxt = _queue_keys(user, filters, after, size, now or timezone.now())
    by_id = (Ticket.objects.select_related("customer", "product", "assignee", "team").only(*QUEUE_ROW_FIELDS)
             .in_bulk([pk for pk, _ in keys]))
    return QueuePage(tickets=[by_id[pk] for pk, _ in keys if pk in by_id], next_cursor=nxt)


def queue_row_page(*, user: User | AnonymousUser, filters: QueueFilters, after: Cursor | None = None,
                   size: int = 50, now: datetime | None = None) -> QueueRowPage:
    """``queue_page`` as plain column values (QUEUE_ROW_VALUES): the agent's queue page prints
    them and nothing else, and fifty rows of five model instances each cost more than its queries."""
    _require_agent(user)
    keys, nxt = _queue_keys(user, filters, after, size, now or timezone.now())
    by_id = {row["id"]: row for row in Ticket.objects.filter(pk__in=[pk for pk, _ in keys])
             .order_by().values(*QUEUE_ROW_VALUES)}
    return QueueRowPage(rows=[by_id[pk] for pk, _ in keys if pk in by_id], next_cursor=nxt)


def _queue_keys(user: User | AnonymousUser, filters: QueueFilters, after: Cursor | None, size: int,
                now: datetime) -> tuple[list[Key], Cursor | None]:
    """The (id, reply_due_at) of one page's tickets in queue order, and the cursor of the next page."""
    plan = _tag_plan(filters.tags) if filters.tags else None
    if filters.tags and plan is None:
        return [], None  # a tag nobody has
    few = None if filters.q or plan is None else _rare_tag_tickets(plan)
    parts = _team_parts(user, filters) if few is None and not filters.q and filters.sort == "due" else None
    # With parts, visibility is what the parts add (each a part of the agent's visible tickets).
    base = _base(user, filters, now, visibility=Q() if parts else None, tags=plan)  # type: ignore[arg-type]
    # Keys first, without joins: joined, SQLite's planner may drive the query from the small
    # customer table and sort every open ticket instead of walking the due-date index.
    keys: list[tuple[int, datetime | None]] = []
    if few is not None:
        keys = _search_keys(base.filter(pk__in=few), after, size, filters.sort)
    elif filters.q:
        keys = _search_keys(base, after, size, filters.sort)
    elif filters.sort in ("newest", "oldest"):
        newest = filters.sort == "newest"
        ordered = base.order_by("-id" if newest else "id")
        if after is not None:
            ordered = ordered.filter(pk__lt=after.pk) if newest else ordered.filter(pk__gt=after.pk)
        keys = list(ordered.values_list("id", "reply_due_at")[: size + 1])
    elif (after is None or after.due is not None) and filters.status not in _CLOCKLESS:
        timed = base.filter(reply_due_at__isnull=False)
        if after is not None:
            # The redundant ">=" gives the index a lower bound; an OR alone makes SQLite scan from the start.
            timed = timed.filter(Q(reply_due_at__gte=after.due),
                                 Q(reply_due_at__gt=after.due) | Q(reply_due_at=after.due, pk__gt=after.pk))
        keys = _walk(timed, parts, lambda qs: qs.order_by("reply_due_at", "id").values_list("id", "reply_due_at")
                     [: size + 1], lambda k: (k[1], k[0]))[: size + 1]
    if len(keys) <= size and not filters.q and few is None and filters.sort not in ("newest", "oldest"):
        untimed = base.filter(reply_due_at__isnull=True)
        if after is not None and after.due is None:
            untimed = untimed.filter(pk__gt=after.pk)
        rest = size + 1 - len(keys)
        keys += _walk(untimed, parts, lambda qs: qs.order_by("id").values_list("id", "reply_due_at")[:rest],
                      lambda k: k[0])[:rest]
    has_more = len(keys) > size
    keys = keys[:size]
    return keys, (Cursor(keys[-1][1], keys[-1][0]) if has_more and keys else None)


def _order_key(sort: str, due: datetime | None, pk: int) -> tuple:
    if sort == "newest":
        return (-pk,)
    if sort == "oldest":
        return (pk,)
    return (due is None, due or _EPOCH, pk)


def _search_keys(base: QuerySet[Ticket], after: Cursor | None, size: int,
                 sort: str = "due") -> list[tuple[int, datetime | None]]:
    """A search's matches are few but scattered: fetch them unordered through the search's own
    index (trigram, customer), then order in Python. Walking the queue order and filtering
    would read every open ticket when the matches are rare."""
    found = list(base.order_by().values_list("id", "reply_due_at")[:SEARCH_LIMIT])
    found.sort(key=lambda k: _order_key(sort, k[1], k[0]))
    if after is not None:
        mark = _order_key(sort, after.due, after.pk)
        found = [k for k in found if _order_key(sort, k[1], k[0]) > mark]
    return found[: size + 1]


def queue_tickets(*, user: User | AnonymousUser) -> QuerySet[Ticket]:
    """Open tickets, the most urgent reply deadline first; tickets without a running clock last."""
    return (Ticket.objects.filter(visible_filter(user), status__in=OPEN_STATUSES, merged_into__isnull=True)
            .select_related("customer", "product", "assignee", "team")
            .order_by(F("reply_due_at").asc(nulls_last=True), "id"))


def ticket_for_agent(*, user: User | AnonymousUser, pk: int) -> Ticket:
    """The ticket, if ``user`` may see it; Ticket.DoesNotExist otherwise, so that another team's
    ticket answers 404 exactly like a missing one (its existence is not confirmed)."""
    # merged_into and follows_up are shown by number only: two more self-joins cost more to plan
    # than the rest of the query.
    return (Ticket.objects.filter(visible_filter(user))
            .select_related("customer__company", "product", "assignee", "team", "waiting_release__product")
            .get(pk=pk))


def visible_ticket_ids(*, user: User | AnonymousUser, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` the user may see (none for anyone but an agent): notifications and other
    lists of tickets gathered elsewhere ask here before naming a ticket."""
    if not ids or not is_agent(user):
        return set()
    return set(Ticket.objects.filter(visible_filter(user), pk__in=list(ids)).values_list("pk", flat=True))


def ticket_conversation(*, user: User | AnonymousUser, ticket: Ticket) -> QuerySet[Message]:
    _require_agent(user)
    return (ticket.messages.select_related("author_user", "author_customer")
            .prefetch_related("attachments").order_by("created_at", "id"))


def customer_other_tickets(*, user: User | AnonymousUser, ticket: Ticket,
                           limit: int = 10) -> list[Ticket]:
    """The customer's latest other tickets, open ones listed first: merge candidates and context."""
    latest = list(Ticket.objects.filter(visible_filter(user), customer_id=ticket.customer_id).exclude(pk=ticket.pk)
                  .only("id", "subject", "status").order_by("-id")[:limit])
    return sorted(latest, key=lambda t: t.status not in OPEN_STATUSES)


def company_open_count(*, company_id: int | None, limit: int = COUNT_LIMIT) -> int:
    """Open tickets of the company's contacts, counted up to ``limit + 1`` (the sidebar's figure)."""
    if company_id is None:
        return 0
    return bounded_count(Ticket.objects.filter(customer__company_id=company_id, status__in=OPEN_STATUSES,
                                               merged_into__isnull=True), limit)


def planned_releases(*, ticket: Ticket) -> QuerySet[Release]:
    """Releases a ticket can wait for: the planned ones of its product (all products if none set)."""
    qs = Release.objects.filter(status=Release.Status.PLANNED).select_related("product")
    if ticket.product_id:
        qs = qs.filter(product_id=ticket.product_id)
    return qs.order_by("product__name", "version_key")


def open_tickets_of_customer(*, user: User | AnonymousUser, customer_id: int, limit: int = 5) -> list[Ticket]:
    return list(Ticket.objects.filter(visible_filter(user), customer_id=customer_id, status__in=OPEN_STATUSES,
                                      merged_into__isnull=True).order_by("-id")[:limit])


# Events that change what an agent would answer or do; the rest (checklist, product, mail
# bookkeeping) never makes a submit stale.
CHANGE_EVENTS = ("status", "reopened", "assigned", "merged_from", "merged_into")
CHANGES_SHOWN = 20


def ticket_changes_since(*, ticket: Ticket, seen: int, user: User | AnonymousUser | None) -> list[Message]:
    """What others added to the ticket after the entry with id ``seen`` (oldest first, at most
    CHANGES_SHOWN): customer messages, other agents' replies, notes and calls, status changes
    and assignments. The user's own entries and automatic mail are no news to them."""
    qs = (Message.objects.filter(ticket_id=ticket.pk, pk__gt=seen, is_automatic=False, is_robot=False)
          .filter(Q(kind__in=(Message.Kind.INCOMING, Message.Kind.OUTGOING, Message.Kind.NOTE, Message.Kind.CALL))
                  | Q(kind=Message.Kind.EVENT, event__in=CHANGE_EVENTS)))
    if user is not None and user.is_authenticated:
        qs = qs.exclude(author_user_id=user.pk)
    return list(qs.select_related("author_user", "author_customer").order_by("id")[:CHANGES_SHOWN])


def ticket_latest_entry(*, ticket: Ticket) -> int:
    """The id of the newest conversation entry: the marker a page posts back with its forms."""
    return Message.objects.filter(ticket_id=ticket.pk).order_by("-id").values_list("id", flat=True).first() or 0


def teams(*, user: User | AnonymousUser) -> list[Team]:
    """The teams an agent may route a ticket to or filter the queue by: every team."""
    _require_agent(user)
    return list(Team.objects.order_by("name"))


Choices = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PageChoices:
    """What the ticket page's selects offer, the same for every ticket: configuration."""

    teams: Choices  # every team, (id, name) by name
    products: Choices  # every product, (id, name) by name
    planned_releases: tuple[Release, ...]  # every planned release, its product loaded, as planned_releases orders

    def releases_for(self, ticket: Ticket) -> list[Release]:
        """``planned_releases(ticket=ticket)`` without its query: those of the ticket's product
        (all when it has none), in the same order."""
        if not ticket.product_id:
            return list(self.planned_releases)
        return [r for r in self.planned_releases if r.product_id == ticket.product_id]


def _page_choices() -> PageChoices:
    return PageChoices(
        teams=tuple(Team.objects.order_by("name").values_list("pk", "name")),
        products=tuple(Product.objects.order_by("name").values_list("pk", "name")),
        planned_releases=tuple(Release.objects.filter(status=Release.Status.PLANNED).select_related("product")
                               .order_by("product__name", "version_key")))


def ticket_page_choices(*, user: User | AnonymousUser) -> PageChoices:
    """The ticket page's teams, products and planned releases, kept per process until a team,
    product, brand or release changes (``lib.configcache``): one token read instead of three
    queries. Shared by the process's threads: read only."""
    _require_agent(user)
    return configcache.cached("tickets.page_choices", _page_choices)


STATUS_FILTER_CHOICES = Status.choices


# --- tags -----------------------------------------------------------------------------------

def ticket_tags(*, user: User | AnonymousUser, ticket: Ticket) -> list[str]:
    _require_agent(user)
    return list(TicketTag.objects.filter(ticket=ticket).order_by("tag__name").values_list("tag__name", flat=True))


def tags_of_tickets(*, user: User | AnonymousUser, pks: list[int]) -> dict[int, list[str]]:
    """Tag names per ticket for a page of the queue, in one query."""
    _require_agent(user)
    out: dict[int, list[str]] = {}
    for pk, name in (TicketTag.objects.filter(ticket_id__in=pks).order_by("tag__name")
                     .values_list("ticket_id", "tag__name")):
        out.setdefault(pk, []).append(name)
    return out


def tag_suggestions(*, user: User | AnonymousUser, text: str, exclude: list[str] | None = None,
                    limit: int = 8) -> list[str]:
    """Existing tags for the autocomplete: names starting with ``text`` first, then containing it."""
    _require_agent(user)
    text = " ".join(text.split()).lower()[:50]
    if not text:
        return []
    skip = set(exclude or ())
    found = [n for n in Tag.objects.filter(name__startswith=text).values_list("name", flat=True)[: limit + len(skip)]
             if n not in skip]
    if len(found) < limit:
        more = Tag.objects.filter(name__contains=text).exclude(name__startswith=text)
        found += [n for n in more.values_list("name", flat=True)[: limit + len(skip)] if n not in skip]
    return found[:limit]


def tags_with_counts(*, user: User | AnonymousUser) -> QuerySet[Tag]:
    """Every tag with the number of tickets carrying it (the supervisors' tag page)."""
    _require_agent(user)
    return Tag.objects.annotate(tickets=Count("ticket_tags")).order_by("name")


# --- time spent -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeSpent:
    total: int  # minutes
    by_agent: list[tuple[str, int]]  # (agent's name, minutes), most first

    @property
    def hours(self) -> int:
        return self.total // 60

    @property
    def minutes(self) -> int:
        return self.total % 60


def _agent_label(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first} {last}".strip() or username or "—"


def ticket_time_spent(*, user: User | AnonymousUser, ticket: Ticket,
                      conversation: list[Message] | None = None) -> TimeSpent:
    """Minutes spent on the ticket, in all and per agent (most first). ``conversation`` (every
    message of the ticket with its author, as the ticket page has it) spares the query."""
    _require_agent(user)
    if conversation is not None:
        return time_spent_of(conversation)
    rows = (Message.objects.filter(ticket=ticket, time_spent__isnull=False).values("author_user")
            .annotate(minutes=Sum("time_spent")).order_by("-minutes")
            .values_list("author_user__first_name", "author_user__last_name", "author_user__username", "minutes"))
    by_agent = [(_agent_label(first, last, name), int(minutes)) for first, last, name, minutes in rows]
    return TimeSpent(total=sum(m for _, m in by_agent), by_agent=by_agent)


def time_spent_of(messages: list[Message]) -> TimeSpent:
    """``ticket_time_spent`` summed from a ticket's messages already loaded (authors selected):
    per author in order of their first minutes, then most first (a stable sort keeps that order
    for equal sums)."""
    minutes: dict[int | None, int] = {}
    labels: dict[int | None, str] = {}
    for m in messages:
        if m.time_spent is None:
            continue
        author = m.author_user
        key = author.pk if author is not None else None
        if key not in minutes:
            minutes[key] = 0
            # As the query labels a row: no author gives NULL names (and "None None", as there).
            labels[key] = (_agent_label(author.first_name, author.last_name, author.username) if author is not None
                           else _agent_label(None, None, None))
        minutes[key] += m.time_spent
    by_agent = sorted(((labels[k], v) for k, v in minutes.items()), key=lambda row: -row[1])
    return TimeSpent(total=sum(minutes.values()), by_agent=by_agent)


def time_spent_per_agent(*, user: User | AnonymousUser, since: datetime, until: datetime) -> dict[int | None, int]:
    """Minutes per agent id over [since, until): the figure reports sum (the partial index
    ``message_time_idx`` holds only the messages that carry time)."""
    _require_agent(user)
    rows = (Message.objects.filter(time_spent__isnull=False, created_at__gte=since, created_at__lt=until)
            .values("author_user").annotate(minutes=Sum("time_spent")).values_list("author_user", "minutes"))
    return {agent: int(minutes) for agent, minutes in rows}


# --- saved views ----------------------------------------------------------------------------

def saved_views_for(*, user: User | AnonymousUser) -> list[SavedView]:
    """The user's own views, then the views supervisors shared (by name)."""
    _require_agent(user)
    views = list(SavedView.objects.filter(Q(owner=user) | Q(shared=True)))
    return sorted(views, key=lambda v: (v.owner_id != user.pk, v.name.lower(), v.pk))


def saved_view_counts(*, user: User | AnonymousUser, views: list[tuple[int, QueueFilters]],
                      now: datetime | None = None) -> dict[int, int]:
    """The bounded count of each saved view's tickets (as the built-in views count: up to 99+)."""
    _require_agent(user)
    now = now or timezone.now()
    return bounded_counts({pk: _base(user, filters, now) for pk, filters in views})  # type: ignore[arg-type]


def saved_view_for(*, user: User | AnonymousUser, pk: int) -> SavedView:
    """One saved view the user may use (their own or a shared one); DoesNotExist otherwise."""
    _require_agent(user)
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).get(pk=pk)
