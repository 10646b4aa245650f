"""Reads of companies for agents: the list with its search, and one company's contacts and tickets."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet

from supportdesk.accounts.roles import is_agent
from supportdesk.customers.domains import domain_key
from supportdesk.customers.models import Company, Customer, company_name_key
from supportdesk.tickets.models import OPEN_STATUSES, Ticket

PAGE_SIZE = 50
CONTACTS_SHOWN = 200
PAST_SHOWN = 50
OPEN_SHOWN = 100


def _require_agent(user: User | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def companies_search(*, user: User | AnonymousUser, q: str, page: int = 1) -> tuple[list[Company], bool]:
    """Companies by name (part of it), domain, or a contact's e-mail address; a page and whether
    another follows. Each has ``contact_count``."""
    _require_agent(user)
    qs: QuerySet[Company] = Company.objects.all()
    q = " ".join(q.split())[:200]
    if q:
        match = Q(name_key__contains=company_name_key(q))
        key = domain_key(q)
        if "@" in q:
            match |= Q(pk__in=Customer.objects.filter(emails__address=q.lower()).values("company_id"))
        if key:
            match |= Q(domains__domain=key)
        qs = qs.filter(match).distinct()
    start = (page - 1) * PAGE_SIZE
    rows: list[Company] = list(qs.annotate(contact_count=Count("contacts", distinct=True)).order_by("name", "id")
                [start:start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def company_for_agent(*, user: User | AnonymousUser, pk: int) -> Company:
    _require_agent(user)
    return Company.objects.prefetch_related("domains").get(pk=pk)


def company_contacts(*, user: User | AnonymousUser, company: Company) -> list[Customer]:
    _require_agent(user)
    return list(company.contacts.prefetch_related("emails", "phones").order_by("name", "id")[:CONTACTS_SHOWN])


@dataclass(frozen=True)
class CompanyTickets:
    open: list[Ticket]
    open_more: bool
    past: list[Ticket]
    past_more: bool


def company_tickets(*, user: User | AnonymousUser, company: Company) -> CompanyTickets:
    """The open tickets of the company's contacts, the nearest reply limit first (the first
    OPEN_SHOWN), and the latest solved or closed ones; merged duplicates are left out."""
    _require_agent(user)
    base = (Ticket.objects.filter(customer__company=company, merged_into__isnull=True)
            .select_related("customer", "assignee", "product"))
    open_rows = list(base.filter(status__in=OPEN_STATUSES)
                     .order_by(F("reply_due_at").asc(nulls_last=True), "id")[:OPEN_SHOWN + 1])
    past = list(base.exclude(status__in=OPEN_STATUSES).order_by("-id")[:PAST_SHOWN + 1])
    return CompanyTickets(open=open_rows[:OPEN_SHOWN], open_more=len(open_rows) > OPEN_SHOWN,
                          past=past[:PAST_SHOWN], past_more=len(past) > PAST_SHOWN)


def company_names(*, user: User | AnonymousUser, limit: int = 500) -> list[str]:
    """Names for the pickers' suggestions (merge target, a customer's company)."""
    _require_agent(user)
    return list(Company.objects.order_by("name").values_list("name", flat=True)[:limit])

