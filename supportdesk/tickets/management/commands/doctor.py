"""``supportdesk doctor``: check this deployment and say what is wrong in plain words."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from supportdesk.doctor import FAIL, OK, WARN, run_checks

MARKS = {OK: "ok  ", WARN: "WARN", FAIL: "FAIL"}


class Command(BaseCommand):
    help = ("Check the deployment: database, task broker, SMTP, mailboxes, public https address, disk space, "
            "clock, policy file, production calendar, secret and DKIM keys, Django's deployment checks. "
            "Exits 1 when something fails.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object per finding")

    def handle(self, *args: Any, **opts: Any) -> None:
        findings = run_checks()
        if opts["json"]:
            for finding in findings:
                self.stdout.write(json.dumps(finding.as_dict(), ensure_ascii=False))
        else:
            width = max(len(f.check) for f in findings)
            for finding in findings:
                self.stdout.write(f"{MARKS[finding.status]}  {finding.check:<{width}}  {finding.message}")
            failures = sum(f.status == FAIL for f in findings)
            warnings = sum(f.status == WARN for f in findings)
            self.stdout.write(f"\n{len(findings)} checks: {failures} failed, {warnings} with a warning")
        if any(f.status == FAIL for f in findings):
            sys.exit(1)
