"""The public address of this installation: where links in mail point.

SUPPORTDESK_PUBLIC_URL wins, then the policy's ``support.base_url``; in development the
address ``supportdesk run`` serves (``serve_at``), else Django's default runserver address.
Production processes refuse to start without an https address (a link to 127.0.0.1 in a
customer's mail leads nowhere; ``public_url_require``), and ``check --deploy`` reports it in
any mode.
"""

from __future__ import annotations

import os
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from supportdesk.policy import get_policy

DEVELOPMENT_DEFAULT = "http://127.0.0.1:8000"
_WILDCARDS = ("0", "0.0.0.0", "::")  # noqa: S104 - names of "every address", not a bind
_served: list[str] = []  # the address this process serves, when `supportdesk run` said so
# `supportdesk run` passes the address it serves to its child processes (web, jobs, intake).
SERVED_URL_ENV = "SUPPORTDESK_SERVED_URL"


def url_for_addrport(addrport: str) -> str:
    """The URL a browser uses for runserver's ADDR:PORT ("8000", "0.0.0.0:8000", "[::1]:8000").
    An address that listens everywhere is reached by this host's name."""
    text = addrport.strip()
    if text.isdigit():
        host, port = "127.0.0.1", text
    else:
        host, _, port = text.rpartition(":")
        host = host.strip("[]")
        if host in _WILDCARDS:
            host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve_at(url: str) -> None:
    """Record the address this process serves (the embedded mode's base URL)."""
    _served[:] = [url.rstrip("/")]


def configured_url() -> str:
    return settings.PUBLIC_URL or get_policy().support.base_url


def public_base_url() -> str:
    served = _served[0] if _served else os.environ.get(SERVED_URL_ENV, "")
    return configured_url() or served or DEVELOPMENT_DEFAULT


def public_url(path: str) -> str:
    """An absolute link to ``path`` (a reverse()d path) on this installation."""
    return public_base_url().rstrip("/") + path


def url_problem() -> str:
    """Why the configured public URL is unfit for production; "" when it is fine."""
    url = configured_url()
    if not url:
        return "no public URL is configured: links in mail would point to this machine's loopback"
    if urlsplit(url).scheme != "https":
        return f"the public URL {url} is not https"
    return ""


HINT = "set SUPPORTDESK_PUBLIC_URL=https://help.example.com (or support.base_url in the policy file)"


def public_url_require() -> None:
    """Production processes that send mail or serve pages (the web application, runserver,
    the workers) refuse to start without an https public URL; development does not."""
    problem = url_problem()
    if problem and not settings.DEVELOPMENT:
        raise ImproperlyConfigured(f"{problem}; {HINT}")


@register(deploy=True)
def public_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problem = url_problem()
    return [Error(problem, hint=HINT, id="policy.E001")] if problem else []
