"""Webhooks: what event capture costs the writer, and how fast the job delivers.

    .venv/bin/python bench/webhooks.py [--db sqlite|pg] [--tickets 300] [--deliveries 300]

On a fresh migrated database (SQLite file in a temporary folder, or the PostgreSQL database
``sd_hooks_bench``, dropped and created): creates ``--tickets`` tickets (ticket_create + the
customer's first message + a status change, one transaction each) with no subscription and then
with five subscriptions to every event, and reports the mean time per ticket of each; then delivers
``--deliveries`` rows to a local threaded HTTP receiver with ``webhooks_deliver`` and reports
deliveries per second. Ends with one line of JSON holding every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/sd_hooks_bench"


def prepare(db: str) -> None:
    data = tempfile.mkdtemp(prefix="sd-hooks-bench-")
    os.environ.update(SUPPORTDESK_DEV="1", SUPPORTDESK_DATA_DIR=data, DJANGO_SETTINGS_MODULE="supportdesk.settings",
                      SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8", SUPPORTDESK_LOG_LEVEL="WARNING",
                      DATABASE_URL=PG_URL if db == "pg" else "")
    if db == "pg":
        for sql in ("DROP DATABASE IF EXISTS sd_hooks_bench", "CREATE DATABASE sd_hooks_bench"):
            subprocess.run(["psql", PG_ADMIN, "-qc", sql], check=True)
    subprocess.run([sys.executable, "-m", "supportdesk.cli", "migrate", "-v0"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def per_ticket_ms(count: int, tag: str) -> float:
    from supportdesk.customers.services import customer_for_email
    from supportdesk.tickets import services as tickets
    from supportdesk.tickets.models import Message, Status

    customer = customer_for_email(address=f"bench-{tag}@example.ru", name="Bench")
    started = time.perf_counter()
    for n in range(count):
        ticket = tickets.ticket_create(customer=customer, subject=f"Вопрос {n}", channel="email",
                                       contact_email=f"bench-{tag}@example.ru")
        tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Не выводятся титры.",
                                   author_customer=customer)
        tickets.ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=None)
    return (time.perf_counter() - started) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--deliveries", type=int, default=300)
    args = parser.parse_args()
    prepare(args.db)

    from django.contrib.auth import get_user_model

    from supportdesk.webhooks import events, services
    from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription
    from supportdesk.webhooks.tests.receiver import Receiver

    figures: dict[str, object] = {"db": args.db, "tickets": args.tickets, "deliveries": args.deliveries}
    figures["ms_per_ticket_no_subscription"] = round(per_ticket_ms(args.tickets, "a"), 2)
    admin = get_user_model().objects.create_superuser("bench", "bench@softlab.tv", None)
    with Receiver() as receiver:
        for n in range(5):
            services.subscription_create(by_user=admin, name=f"s{n}", url=receiver.url, events=list(events.EVENTS))
        figures["ms_per_ticket_five_subscriptions"] = round(per_ticket_ms(args.tickets, "b"), 2)
        figures["rows_per_ticket"] = round(WebhookDelivery.objects.count() / args.tickets, 2)
        WebhookDelivery.objects.all().delete()
        WebhookSubscription.objects.exclude(name="s0").delete()
        sub = WebhookSubscription.objects.get()
        for _ in range(args.deliveries):
            services.subscription_ping(subscription=sub, by_user=admin)
        started = time.perf_counter()
        delivered = 0
        while delivered < args.deliveries:
            result = services.webhooks_deliver(limit=100)
            if not result.delivered:
                break
            delivered += result.delivered
        elapsed = time.perf_counter() - started
    figures["delivered"] = delivered
    figures["deliveries_per_second"] = round(delivered / elapsed, 1)
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    figures["machine"] = {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version()}
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
