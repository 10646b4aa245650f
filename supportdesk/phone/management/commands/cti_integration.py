"""Create a telephony integration and print its secret token, once: only its hash is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.phone.models import CtiIntegration
from supportdesk.phone.services import integration_create


class Command(BaseCommand):
    help = "Create a CTI integration (telephone system) and print its bearer token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="integration name; the webhook is POST /cti/<name>/events")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name or "/" in name:
            raise CommandError("the name must be non-empty and contain no '/'")
        if CtiIntegration.objects.filter(name=name).exists():
            raise CommandError(f"integration {name!r} exists; delete it in the admin to issue a new token")
        _integration, token = integration_create(name=name)
        self.stdout.write(f"integration: {name}\nwebhook:     POST /cti/{name}/events\n"
                          f"token:       {token}\n(the token is shown only now; store it in the PBX)")
