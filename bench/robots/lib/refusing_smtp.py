"""A remote mail server that refuses or defers what it is sent (the far end of a bounce).

    .venv/bin/python bench/robots/lib/refusing_smtp.py --port 24650 --rcpt 550 [--data 250] [--log FILE]

Answers RCPT TO with --rcpt and DATA with --data, in the words real servers use; 250 accepts
(an accepted message is appended to --log as one line with its envelope). Prints "ready PORT"
when it listens; runs until killed.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from typing import Any

from aiosmtpd.controller import Controller

REPLIES = {
    250: "250 2.0.0 Ok: queued",
    450: "450 4.2.1 <{rcpt}>: Recipient address rejected: mailbox temporarily unavailable, try again later",
    451: "451 4.3.0 Temporary local problem, please try again later",
    452: "452 4.2.2 <{rcpt}>: mailbox full, try again later",
    550: "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
    552: "552 5.2.2 <{rcpt}>: Mailbox full: quota exceeded",
    554: "554 5.7.1 <{rcpt}>: Message rejected as spam by content filter",
}


class Refusing:
    def __init__(self, rcpt: int, data: int, log: str | None) -> None:
        self.rcpt, self.data, self.log = rcpt, data, log

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt != 250:
            return REPLIES[self.rcpt].format(rcpt=address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        rcpt = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        if self.data != 250:
            return REPLIES[self.data].format(rcpt=rcpt)
        if self.log:
            with open(self.log, "a", encoding="utf-8") as f:
                f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                    "size": len(envelope.original_content or b"")}) + "\n")
        return REPLIES[250]


def serve(handler: Any, port: int, server_hostname: str) -> None:
    """Run an aiosmtpd handler on 127.0.0.1:PORT: print "ready PORT" once it listens, stop on SIGTERM.
    (lib/capture_smtp.py serves its handler with it too.)"""
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname=server_hostname)
    controller.start()
    print(f"ready {port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rcpt", type=int, default=250, choices=sorted(REPLIES))
    ap.add_argument("--data", type=int, default=250, choices=sorted(REPLIES))
    ap.add_argument("--log")
    args = ap.parse_args()
    serve(Refusing(args.rcpt, args.data, args.log), args.port, "mx.customer.test")


if __name__ == "__main__":
    main()
