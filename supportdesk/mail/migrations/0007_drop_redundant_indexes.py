"""Indexes nothing needs, dropped (every incoming mail inserts and updates its row, and each
write updates every index of the table): the content hash's (no query reads it: a mail
without a Message-ID is found by its dedupe_key, which holds the hash), and on PostgreSQL the
LIKE-prefix twins of message_id, dedupe_key and state. See lib.redundant_indexes.
"""

from django.db import migrations, models

from supportdesk.lib import redundant_indexes


class Migration(migrations.Migration):
    dependencies = [("mail", "0006_verbose_names")]
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(*redundant_indexes.operations(
                "mail", single_column=[("inboundmail", "content_hash")],
                pattern_ops=[("inboundmail", "message_id"), ("inboundmail", "dedupe_key"), ("inboundmail", "state")]))],
            state_operations=[
                migrations.AlterField("inboundmail", "content_hash",
                                      models.CharField(max_length=64, verbose_name="content hash")),
            ],
        ),
    ]
