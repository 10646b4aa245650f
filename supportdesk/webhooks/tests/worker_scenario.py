"""Run in a child process on the database a worker uses (the parent's test database may be out of
its reach): ``python -m supportdesk.webhooks.tests.worker_scenario URL`` subscribes URL to
``ticket.created``, then creates a ticket through the services, so the delivery row comes from the
real event; prints the subscription's id and secret as JSON."""

from __future__ import annotations

import json
import os
import sys
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 - after django.setup()

from supportdesk.customers.services import customer_for_email  # noqa: E402
from supportdesk.tickets.services import ticket_create  # noqa: E402
from supportdesk.webhooks import events, services  # noqa: E402


def main(url: str) -> None:
    tag = uuid.uuid4().hex[:8]
    admin = get_user_model().objects.create_superuser(f"hooks-{tag}", f"hooks-{tag}@softlab.tv", None)
    subscription = services.subscription_create(by_user=admin, name=f"worker {tag}", url=url,
                                                events=[events.TICKET_CREATED])
    customer = customer_for_email(address=f"worker-{tag}@example.ru", name="Рабочий")
    ticket = ticket_create(customer=customer, subject="Через воркер", channel="email",
                           contact_email=f"worker-{tag}@example.ru")
    print(json.dumps({"subscription": subscription.pk, "secret": subscription.secret, "ticket": ticket.pk}))


if __name__ == "__main__":
    main(sys.argv[1])
