"""`python -m supportdesk.mail.parsing FILE`: the JSON of `supportdesk mail parse FILE --json`
without starting Django (the parser is pure), for scoring whole corpora quickly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import parse_mail, parsed_mail_json

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m supportdesk.mail.parsing FILE")
    try:
        raw = Path(sys.argv[1]).read_bytes()
    except OSError as exc:
        sys.exit(f"cannot read {sys.argv[1]}: {exc.strerror}")
    print(json.dumps(parsed_mail_json(parse_mail(raw)), ensure_ascii=False, indent=2))
