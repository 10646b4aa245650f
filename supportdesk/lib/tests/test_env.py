"""DATABASE_URL through dj-database-url: every part kept, the query string included, and honoured by a real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from supportdesk.lib.env import parse_database_url
from supportdesk.testing.servers import postgres_available

BASE = Path("/srv/sd")


def test_sqlite_paths_absolute_and_relative() -> None:
    assert parse_database_url("sqlite:////var/lib/sd/db.sqlite3", base_dir=BASE)["NAME"] == "/var/lib/sd/db.sqlite3"
    config = parse_database_url("sqlite:///db.sqlite3", base_dir=BASE)
    assert config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"] == "/srv/sd/db.sqlite3"


def test_postgres_url_keeps_credentials_and_the_query_string() -> None:
    config = parse_database_url(
        "postgres://sd:p%40ss@db.example.test:6432/support?sslmode=require&connect_timeout=5", base_dir=BASE)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], int(config["PORT"]), config["NAME"]) == (
        "sd", "p@ss", "db.example.test", 6432, "support")
    assert config["OPTIONS"] == {"sslmode": "require", "connect_timeout": 5}


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u@h/n", "scheme must be sqlite:// or postgres://"),
    ("ftp://h/n", "DATABASE_URL="),
    ("postgres://u:secret@h", "needs a database name"),
    ("sqlite://", "needs a database name or file path"),
])
def test_bad_urls_stop_start_up_without_showing_the_password(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        parse_database_url(url, base_dir=BASE)
    assert "secret" not in str(caught.value)


def connect(url: str) -> ConnectionHandler:
    return ConnectionHandler({"default": parse_database_url(url, base_dir=BASE)})


@pytest.mark.skipif(not postgres_available(), reason="needs PostgreSQL on 127.0.0.1:5432")
def test_the_query_string_reaches_a_real_postgres_connection(django_db_blocker: Any) -> None:
    # Connections of their own to the server's 'postgres' database, outside pytest-django's test database.
    url = "postgres://postgres@127.0.0.1:5432/postgres"
    with django_db_blocker.unblock():
        handler = connect(f"{url}?application_name=sd-url-test&sslmode=disable")
        try:
            with handler["default"].cursor() as cursor:
                cursor.execute("SELECT current_setting('application_name'), current_setting('ssl')")
                application, server_ssl = cursor.fetchone()
        finally:
            handler.close_all()
        assert application == "sd-url-test"
        if server_ssl == "off":  # this server has no TLS: sslmode=require is refused, not silently dropped
            handler = connect(f"{url}?sslmode=require")
            with pytest.raises(OperationalError, match="SSL"):
                handler["default"].ensure_connection()
            handler.close_all()
