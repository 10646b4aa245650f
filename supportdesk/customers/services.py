"""The only writers of customers, their addresses and phone numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from supportdesk.customers.domains import domain_key, is_public_mail_domain
from supportdesk.customers.models import Company, CompanyDomain, Customer, CustomerEmail, CustomerPhone
from supportdesk.lib.phones import normalize_phone
from supportdesk.lib.sql import marks
from supportdesk.lib.timezones import zone_for_offset


def company_for_address(address: str) -> Company | None:
    """The company owning the domain of ``address``; never one for a public mail service."""
    key = domain_key(address)
    if not key or is_public_mail_domain(key):
        return None
    found = CompanyDomain.objects.select_related("company").filter(domain=key).first()
    return found.company if found else None


def customers_by_email(addresses: Iterable[str]) -> dict[str, Customer | None]:
    """The customer owning each address (lower-cased; None: nobody yet), in one query: the
    intake asks for the sender and everyone the mail was copied to at once."""
    found: dict[str, Customer | None] = dict.fromkeys(a.strip().lower() for a in addresses if a.strip())
    if not found:
        return found
    # Plain SQL read into whole Customer rows (every mail asks; building the join through the ORM
    # cost more than running it). The address comes along as an extra attribute.
    quote = connection.ops.quote_name
    sql = (f"SELECT c.*, e.address AS looked_up_address FROM {quote(Customer._meta.db_table)} c "  # noqa: S608
           f"JOIN {quote(CustomerEmail._meta.db_table)} e ON e.customer_id = c.id "
           f"WHERE e.address IN ({marks(found)})")
    for customer in Customer.objects.raw(sql, list(found)):
        found[customer.looked_up_address] = customer  # type: ignore[attr-defined]
    return found


def customer_for_email(*, address: str, name: str = "", language: str = "ru",
                       utc_offset_minutes: int | None = None,
                       looked_up: Mapping[str, Customer | None] | None = None) -> Customer:
    """Find the customer owning ``address`` or create one; safe under concurrent intake.

    A new customer starts in the zone of ``utc_offset_minutes`` (their mail's Date header),
    as ``customer_learn_zone`` sets it, in the same INSERT, and in the company owning the
    address's domain (a public mail service's domain belongs to none). ``looked_up``: what
    ``customers_by_email`` found earlier in this transaction; an address in it is not read again."""
    address = address.strip().lower()
    if looked_up is not None and address in looked_up:
        customer = looked_up[address]
    else:
        found = CustomerEmail.objects.select_related("customer").filter(address=address).first()
        customer = found.customer if found else None
    if customer is not None:
        if name and not customer.name:
            customer.name = name[:200]
            customer.save(update_fields=["name"])
        return customer
    try:
        with transaction.atomic():
            customer = Customer(name=name[:200], language=language, company=company_for_address(address))
            _learn_zone(customer, utc_offset_minutes)
            customer.save(force_insert=True)
            CustomerEmail.objects.create(customer=customer, address=address, is_primary=True)
            return customer
    except IntegrityError:
        return CustomerEmail.objects.select_related("customer").get(address=address).customer


def customer_for_phone(*, number: str, name: str = "") -> tuple[Customer, bool]:
    """Find the customer with this phone number (normalised) or create one. Returns (customer, created)."""
    e164 = normalize_phone(number)
    found = CustomerPhone.objects.select_related("customer").filter(number=e164).first()
    if found:
        return found.customer, False
    with transaction.atomic():
        customer = Customer.objects.create(name=name[:200])
        CustomerPhone.objects.create(customer=customer, number=e164, display=number.strip()[:40])
    return customer, True


def customer_add_phone(*, customer: Customer, number: str, label: str = "") -> CustomerPhone:
    e164 = normalize_phone(number)
    phone, _ = CustomerPhone.objects.get_or_create(
        customer=customer, number=e164, defaults={"display": number.strip()[:40], "label": label[:40]}
    )
    return phone


def customer_add_email(*, customer: Customer, address: str) -> CustomerEmail:
    email, _ = CustomerEmail.objects.get_or_create(address=address.strip().lower(),
                                                   defaults={"customer": customer})
    return email


def customer_email_bounced(*, addresses: list[str], at: datetime) -> int:
    """Mail to these addresses bounced or failed for good: the agents see them marked."""
    wanted = [a.strip().lower() for a in addresses if a.strip()]
    return CustomerEmail.objects.filter(address__in=wanted).update(bounced_at=at) if wanted else 0


def _learn_zone(customer: Customer, utc_offset_minutes: int | None) -> bool:
    """Take the zone of a Date-header offset unless the zone was set explicitly; True if it changed."""
    if customer.timezone_source == Customer.ZoneSource.EXPLICIT:
        return False
    zone = zone_for_offset(utc_offset_minutes)
    if not zone or zone == customer.timezone:
        return False
    customer.timezone = zone
    customer.timezone_source = Customer.ZoneSource.MAIL_DATE
    return True


def customer_learn_zone(*, customer: Customer, utc_offset_minutes: int | None) -> None:
    """An explicit zone wins; otherwise the latest Date-header offset teaches us the zone."""
    if _learn_zone(customer, utc_offset_minutes):
        customer.save(update_fields=["timezone", "timezone_source"])


def customer_set_zone(*, customer: Customer, zone: str) -> None:
    customer.timezone = zone
    customer.timezone_source = Customer.ZoneSource.EXPLICIT if zone else Customer.ZoneSource.OFFICE
    customer.save(update_fields=["timezone", "timezone_source"])


def customer_erase_record(*, customer: Customer, at: datetime) -> None:
    """Empty every personal field of the customer and remove their addresses and numbers; the
    row stays (their tickets point to it), marked as erased. The company link is kept: an
    organisation is not a person."""
    CustomerEmail.objects.filter(customer=customer).delete()
    CustomerPhone.objects.filter(customer=customer).delete()
    customer.name = ""
    customer.organization = ""
    customer.dealer = ""
    customer.notes = ""
    customer.timezone = ""
    customer.timezone_source = Customer.ZoneSource.OFFICE
    customer.erased_at = at
    customer.save()
