"""The full-text index for the database in use (see supportdesk.search.backends)."""

from django.db import migrations

from supportdesk.search.backends import setup_statements, teardown_statements


def _run(statements_for):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements_for(schema_editor.connection.vendor):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(setup_statements), _run(teardown_statements))]
