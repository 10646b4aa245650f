"""``supportdesk privacy``: one customer's personal data (152-FZ).

    supportdesk privacy export CUSTOMER FILE.zip        everything about the customer, zipped
    supportdesk privacy erase CUSTOMER --reason TEXT    erase it everywhere (asks to confirm; --yes)
    supportdesk privacy retention                       apply the policy's retention rule now

CUSTOMER is the customer's number or one of their e-mail addresses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.privacy.services import (
    PrivacyError,
    customer_erase,
    customer_export,
    customer_find,
    privacy_retention_run,
)


class Command(BaseCommand):
    help = "Export or erase one customer's personal data (152-FZ); apply the retention rule."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write everything about one customer into a zip file")
        export.add_argument("customer")
        export.add_argument("file", type=Path)
        erase = sub.add_parser("erase", help="erase one customer's personal data everywhere")
        erase.add_argument("customer")
        erase.add_argument("--reason", required=True, help="why (recorded in the audit log)")
        erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        sub.add_parser("retention", help="erase the customers the policy's retention rule names")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["action"] == "retention":
                self.stdout.write(privacy_retention_run())
                return
            customer = customer_find(opts["customer"])
            if opts["action"] == "export":
                opts["file"].write_bytes(customer_export(customer=customer, actor=None))
                self.stdout.write(f"customer #{customer.pk}: written to {opts['file']}")
                return
            if not opts["yes"]:
                answer = input(f"Erase the personal data of customer #{customer.pk} ({customer}) everywhere? "
                               "This cannot be undone. Type the customer's number to confirm: ")
                if answer.strip() != str(customer.pk):
                    raise CommandError("not confirmed; nothing was erased")
            summary = customer_erase(customer=customer, actor=None, reason=opts["reason"])
        except PrivacyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"customer #{summary.customer_id}: erased from {summary.tickets} tickets, "
                          f"{summary.messages} messages, {summary.inbound_mails} received and "
                          f"{summary.outgoing_mails} sent mails, {summary.calls} calls; "
                          f"{summary.attachments_removed} attachment files deleted")
