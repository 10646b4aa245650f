"""A mail server that accepts everything and keeps it: the smarthost a bounce is sent out through.

    .venv/bin/python bench/robots/lib/capture_smtp.py --port 24646 --dir DIR [--hostname smarthost.support.test]

Each message's DATA, byte for byte as received, goes to DIR/captured-N.eml (N = 1, 2...) and its
envelope to DIR/captured-N.json ({"from": ..., "to": [...]}). Prints "ready PORT" when it
listens; runs until killed (SIGTERM).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from refusing_smtp import serve  # this directory (the script's) is on sys.path


class Capture:
    def __init__(self, outdir: Path) -> None:
        self.outdir, self.n = outdir, 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.n += 1
        (self.outdir / f"captured-{self.n}.eml").write_bytes(envelope.original_content)
        (self.outdir / f"captured-{self.n}.json").write_text(
            json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}), encoding="utf-8")
        return "250 2.0.0 Ok: queued"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True, type=Path)
    ap.add_argument("--hostname", default="smarthost.support.test")
    args = ap.parse_args()
    serve(Capture(args.dir), args.port, args.hostname)


if __name__ == "__main__":
    main()
