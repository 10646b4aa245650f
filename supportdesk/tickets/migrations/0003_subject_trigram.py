"""On PostgreSQL, a trigram index serves the queue's subject search (``subject__icontains``
compiles to ``UPPER(subject) LIKE UPPER('%...%')``). SQLite has no equivalent; it scans."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ticket_subject_trgm_idx ON tickets_ticket USING gin (UPPER(subject) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS ticket_subject_trgm_idx"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_queue_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
