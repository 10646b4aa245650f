"""Indexes nothing needs, dropped (every automatic mail and reply inserts a row, and every
send updates it): the state's own index, which outbox_due_idx (state, next_attempt_at) serves,
and on PostgreSQL the LIKE-prefix twins of message_id and ref. See lib.redundant_indexes.
"""

from django.db import migrations, models

from supportdesk.lib import redundant_indexes


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_verbose_names")]
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(*redundant_indexes.operations(
                "outbox", single_column=[("outgoingmail", "state")],
                pattern_ops=[("outgoingmail", "message_id"), ("outgoingmail", "ref")]))],
            state_operations=[
                migrations.AlterField("outgoingmail", "state", models.CharField(
                    choices=[("pending", "waiting to be sent"), ("sending", "being sent"), ("sent", "sent"),
                             ("failed", "failed permanently"), ("suppressed", "not sent (loop protection)")],
                    default="pending", max_length=12, verbose_name="state")),
            ],
        ),
    ]
