"""The only writers of companies, their domains and their contacts (``Customer.company``).

Agents create and edit companies; the contract tier (which the policy maps to SLA targets)
and merging are for supervisors. Every write is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext

from supportdesk.accounts.roles import is_agent, is_supervisor
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.customers.domains import BadDomain, company_domain_key, domain_display, domain_key
from supportdesk.customers.models import Company, CompanyDomain, Customer, company_name_key
from supportdesk.customers.services import customer_for_email, customer_for_phone
from supportdesk.lib.phones import BadPhoneNumber


class CompanyError(ValueError):
    """A company change refused; the message says which field and why."""


class CompanyMergeUnconfirmed(CompanyError):
    """Merging needs the agent's explicit confirmation (the message is the question)."""


@dataclass(frozen=True)
class CompanyData:
    name: str
    contract_tier: str = ""
    notes: str = ""
    domains: tuple[str, ...] = ()


def _require_agent(user: User | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def _clean(data: CompanyData, company: Company | None) -> tuple[str, str, list[str]]:
    name = " ".join(data.name.split())[:200]
    if not name:
        raise CompanyError(gettext("Name: a company needs a name."))
    same = Company.objects.filter(name_key=company_name_key(name))
    if company is not None:
        same = same.exclude(pk=company.pk)
    if same.exists():
        raise CompanyError(gettext("Name: a company named “%(name)s” already exists; open it or merge into it.")
                           % {"name": name})
    tier = data.contract_tier.strip()
    if tier and (slugify(tier) != tier or len(tier) > 40):
        raise CompanyError(gettext("Contract tier: use lower-case Latin letters, digits and hyphens "
                                   "(example: premium), at most 40."))
    keys: list[str] = []
    for raw in data.domains:
        if not raw.strip():
            continue
        try:
            key = company_domain_key(raw)
        except BadDomain as exc:
            raise CompanyError(gettext("Domains: %(why)s") % {"why": exc}) from exc
        if key not in keys:
            keys.append(key)
    owners = CompanyDomain.objects.filter(domain__in=keys).select_related("company")
    if company is not None:
        owners = owners.exclude(company=company)
    taken = owners.first()
    if taken is not None:
        raise CompanyError(gettext("Domains: %(domain)s already belongs to the company “%(company)s”.")
                           % {"domain": domain_display(taken.domain), "company": taken.company.name})
    return name, tier, keys


def _attach_domain_senders(company: Company, keys: Iterable[str]) -> int:
    """Customers without a company who write from one of ``keys`` join it."""
    match = Q()
    for key in keys:
        match |= Q(emails__address__endswith="@" + key) | Q(emails__address__endswith="@" + domain_display(key))
    if not match:
        return 0
    ids = set(Customer.objects.filter(match, company__isnull=True).values_list("pk", flat=True))
    return Customer.objects.filter(pk__in=ids).update(company=company)


def company_save(*, company: Company | None, data: CompanyData, by_user: User) -> Company:
    """Create (``company`` None) or change a company; its domains become exactly ``data.domains``.
    Customers without a company who write from a newly added domain join it. Only a supervisor
    sets or changes the contract tier."""
    _require_agent(by_user)
    with transaction.atomic():
        if company is not None:
            company = Company.objects.select_for_update().get(pk=company.pk)
        name, tier, keys = _clean(data, company)
        if tier != (company.contract_tier if company else "") and not is_supervisor(by_user):
            raise CompanyError(gettext("Contract tier: only a supervisor sets the contract tier."))
        if company is None:
            company = Company(name=name)
        company.name, company.contract_tier, company.notes = name, tier, data.notes.strip()
        company.save()
        old = set(company.domains.values_list("domain", flat=True))
        company.domains.exclude(domain__in=keys).delete()
        added = [k for k in keys if k not in old]
        CompanyDomain.objects.bulk_create([CompanyDomain(company=company, domain=k) for k in added])
        _attach_domain_senders(company, added)
    return company


def company_add_contact(*, company: Company, contact: str, name: str = "", by_user: User) -> Customer:
    """Make the customer with this e-mail address or phone number (created if unknown) a contact
    of ``company``; one who belonged to another company moves here."""
    _require_agent(by_user)
    contact = contact.strip()
    if not contact:
        raise CompanyError(gettext("Contact: give an e-mail address or a phone number."))
    with transaction.atomic():
        if "@" in contact:
            if not domain_key(contact) or not contact.partition("@")[0]:
                raise CompanyError(gettext("Contact: “%(value)s” is not an e-mail address.") % {"value": contact[:100]})
            customer = customer_for_email(address=contact, name=name.strip())
        else:
            try:
                customer, _ = customer_for_phone(number=contact, name=name.strip())
            except BadPhoneNumber as exc:
                raise CompanyError(gettext("Contact: “%(value)s” is neither an e-mail address nor a phone number.")
                                   % {"value": contact[:100]}) from exc
        Customer.objects.filter(pk=customer.pk).update(company=company)
        customer.company = company
    return customer


def company_remove_contact(*, company: Company, customer: Customer, by_user: User) -> None:
    _require_agent(by_user)
    Customer.objects.filter(pk=customer.pk, company=company).update(company=None)


def customer_set_company(*, customer: Customer, company_name: str, by_user: User) -> Company | None:
    """Put a customer into the company of that name (exact, any case); blank takes them out."""
    _require_agent(by_user)
    name = " ".join(company_name.split())
    company = None
    if name:
        company = Company.objects.filter(name_key=company_name_key(name)).first()
        if company is None:
            raise CompanyError(gettext("Company: there is no company named “%(name)s”; create it first.")
                               % {"name": name[:200]})
    Customer.objects.filter(pk=customer.pk).update(company=company)
    customer.company = company
    return company


def company_merge(*, source: Company, target: Company, by_user: User, confirmed: bool = False) -> Company:
    """Merge ``source`` into ``target``: its contacts (and so their tickets) and domains move,
    its notes are appended, its tier is kept only where the target has none; ``source`` is
    deleted. Supervisors only; audit-logged."""
    if not is_supervisor(by_user):
        raise PermissionDenied("supervisors only")
    if source.pk == target.pk:
        raise CompanyError(gettext("Merge: a company cannot be merged into itself."))
    with transaction.atomic():
        locked = {c.pk: c for c in Company.objects.select_for_update().filter(pk__in=(source.pk, target.pk))
                  .order_by("pk")}
        if len(locked) != 2:
            raise CompanyError(gettext("Merge: one of the two companies no longer exists."))
        source, target = locked[source.pk], locked[target.pk]
        contacts = Customer.objects.filter(company=source).count()
        if not confirmed:
            raise CompanyMergeUnconfirmed(
                gettext("Merge “%(source)s” into “%(target)s”? Its %(contacts)s contacts, their tickets and its "
                        "domains move to “%(target)s” and “%(source)s” is deleted; this cannot be undone.")
                % {"source": source.name, "target": target.name, "contacts": contacts})
        domains = sorted(source.domains.values_list("domain", flat=True))
        moved = Customer.objects.filter(company=source).update(company=target)
        source.domains.update(company=target)
        if source.notes.strip():
            target.notes = "\n\n".join(n for n in (target.notes.strip(), f"[{source.name}]\n{source.notes.strip()}") if n)
        if not target.contract_tier:
            target.contract_tier = source.contract_tier
        target.save(update_fields=["notes", "contract_tier", "updated_at"])
        audit_record(actor=by_user, action=AuditEntry.Action.COMPANY_MERGE, target=target, details={
            "source": source.pk, "source_name": source.name, "target": target.pk,
            "contacts": moved, "domains": domains, "contract_tier": target.contract_tier})
        source.delete()
    return target
