"""The sender the interrupted-send test kills: ``python -m supportdesk.outbox.tests.killed_sender``.

Flushes the outbox of the database named by the environment (DATABASE_URL) to the SMTP server it
names, and dies by SIGKILL (as bench/topology.py kills a Celery worker) right after the server
accepted the first mail, before the send is recorded.
"""

from __future__ import annotations

import os
import signal

import django


def main() -> None:
    django.setup()
    from supportdesk.outbox import services
    from supportdesk.outbox.models import OutgoingMail

    def accepted_then_killed(mail: OutgoingMail) -> None:
        services.smtp_transport(mail)
        os.kill(os.getpid(), signal.SIGKILL)

    services.outbox_flush(transport=accepted_then_killed)


if __name__ == "__main__":
    main()
