"""Indexes nothing needs, dropped (the intake writes these tables for every mail, and every
INSERT, and every UPDATE that is not HOT, writes each index of its table):

- a foreign key's own index, where a composite index starting with the same column serves its
  look-ups (message_ticket_idx, ticket_contact_unique, status_ticket_idx, ticket_customer_idx);
- on PostgreSQL, the LIKE-prefix twin of Message.message_id and Ticket.sla_tier.

See lib.redundant_indexes: only indexes are dropped, no table is rewritten.
"""

from django.db import migrations, models

from supportdesk.lib import redundant_indexes


def _foreign_key(to, verbose_name, on_delete, related_name):
    return models.ForeignKey(to=to, verbose_name=verbose_name, on_delete=on_delete, related_name=related_name,
                             db_index=False)


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_company_name_key"), ("tickets", "0013_report_indexes")]
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(*redundant_indexes.operations(
                "tickets",
                single_column=[("message", "ticket"), ("ticketcontact", "ticket"), ("statuschange", "ticket"),
                               ("ticket", "customer")],
                pattern_ops=[("message", "message_id"), ("ticket", "sla_tier")]))],
            state_operations=[
                migrations.AlterField("message", "ticket", _foreign_key(
                    "tickets.ticket", "ticket", models.deletion.CASCADE, "messages")),
                migrations.AlterField("ticketcontact", "ticket", _foreign_key(
                    "tickets.ticket", "ticket", models.deletion.CASCADE, "contacts")),
                migrations.AlterField("statuschange", "ticket", _foreign_key(
                    "tickets.ticket", "ticket", models.deletion.CASCADE, "status_changes")),
                migrations.AlterField("ticket", "customer", _foreign_key(
                    "customers.customer", "customer", models.deletion.PROTECT, "tickets")),
            ],
        ),
    ]
