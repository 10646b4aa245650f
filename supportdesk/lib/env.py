"""Strict parsers for settings read from the environment.

Every parser raises ``ImproperlyConfigured`` naming the variable, so a bad value
stops start-up with a clear message instead of surfacing later as a odd failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def data_dir() -> Path:
    """``$SUPPORTDESK_DATA_DIR``, ``./var`` by default: the database, attachments, the secret key."""
    return Path(env_str("SUPPORTDESK_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str) -> str:
    """An absolute http(s) URL without a trailing slash, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an absolute URL such as https://help.example.com")
    return raw.rstrip("/")


_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def parse_database_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """``sqlite:///relative.sqlite3``, ``sqlite:////absolute.sqlite3`` or ``postgres://user:pw@host:port/name``
    as a Django ``DATABASES`` entry (dj-database-url); the query string becomes ``OPTIONS``
    (``?sslmode=require``). A relative SQLite path is taken from ``base_dir``."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except (ValueError, dj_database_url.ParseError) as exc:  # UnknownSchemeError is a ValueError
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r}: {exc}") from exc
    if config.get("ENGINE") not in _ENGINES:
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r}: scheme must be sqlite:// or postgres://")
    if not config.get("NAME") or config["NAME"] == ":memory:":
        raise ImproperlyConfigured(f"DATABASE_URL={_redact(url)!r}: needs a database name or file path")
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = str(base_dir / config["NAME"])  # an absolute path stays as it is
    return config


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()
