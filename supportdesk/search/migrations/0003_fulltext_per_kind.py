"""One full-text index per document kind (see supportdesk.search.backends), replacing 0002's."""

from importlib import import_module

from django.db import migrations

from supportdesk.search.backends import setup_statements, teardown_statements

V1 = import_module("supportdesk.search.migrations.0002_fulltext").STATEMENTS


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in [*V1.get(vendor, ((), ()))[1], *setup_statements(vendor)]:
        schema_editor.execute(sql)
    if vendor == "sqlite":
        # Fill the new tables from the rows already indexed.
        for kind in ("article", "ticket"):
            schema_editor.execute(
                f"INSERT INTO search_fts_{kind}(rowid, title_terms, body_terms) "  # noqa: S608
                f"SELECT id, title_terms, body_terms FROM search_searchdocument WHERE kind = '{kind}'")


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for sql in [*teardown_statements(vendor), *V1.get(vendor, ((), ()))[0]]:
        schema_editor.execute(sql)
    if vendor == "sqlite":
        schema_editor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forward, backward)]
