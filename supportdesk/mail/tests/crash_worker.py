"""The process the crash test kills: ``python -m supportdesk.mail.tests.crash_worker setup|poll|report``.

Runs against the database named by the environment (DATABASE_URL / SUPPORTDESK_DATA_DIR).
"""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.db.models import Count
    from django.db.models.signals import post_save

    from supportdesk.mail.models import InboundMail, Mailbox
    from supportdesk.mail.polling import poll_mailbox
    from supportdesk.tickets.models import Message

    command = argv[0]
    if command == "setup":
        host, port, user, password_env = argv[1:5]
        Mailbox.objects.create(name="crash", kind=Mailbox.Kind.IMAP, host=host, port=int(port), use_ssl=False,
                               username=user, password_env=password_env, folder="INBOX")
    elif command == "poll":
        # One line per stored mail: the test kills this process after a random number of them,
        # whatever this machine's speed.
        def stored(sender: object, created: bool = False, **kwargs: object) -> None:
            if created:
                print("stored", flush=True)

        post_save.connect(stored, sender=InboundMail, weak=False)
        print(json.dumps(poll_mailbox(Mailbox.objects.get(name="crash")).as_dict()), flush=True)
    elif command == "report":
        per_id = dict(Message.objects.filter(kind=Message.Kind.INCOMING).values_list("message_id")
                      .annotate(n=Count("id")).values_list("message_id", "n"))
        states = dict(InboundMail.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        print(json.dumps({"per_id": per_id, "states": states}))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
