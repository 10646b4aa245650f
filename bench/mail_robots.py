"""Robot detection judged on robot mail that real mail software writes: bounces, delay warnings
and vacation replies to our own mail, made here by the MTAs and auto-responders themselves.

    .venv/bin/python bench/mail_robots.py [--install] [--only NAME ...] [--out DIR] [-v]

Every mail we send may come back from a robot: the customer's mail server refuses it (a bounce:
the agents must call the customer, the address is marked), keeps retrying it (a delay warning:
the address still works), or the customer's vacation program answers it (an auto-reply: no
ticket, no acknowledgment of the acknowledgment). The corpus holds such mail from public test
suites; here the software itself writes it, today's versions as Debian ships them: each
generator in ``bench/robots/`` (see its README) makes one program answer our mail
(``robots/lib/original.py``) in its scenarios (a user unknown, a refusal at RCPT or after
DATA, a full mailbox, a deferral that turns into a warning, a vacation reply) and states what
is true of each mail it captured. We check the parser's flags against that: a bounce, a delay,
an auto-reply, the address that failed and the Message-ID of our mail that failed. Nothing
here was tuned on; ``install_*.sh`` installs the programs from Debian's packages (unpacked
under /tmp where a package would replace the system's MTA). Prints the figures and the
machine, and ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "robots"
WORK = Path("/tmp/sd_robots")
KEYS = ("is_bounce", "bounce_delayed", "is_auto_reply", "is_robot", "bounced_recipient", "bounced_message_id")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import cpu_model  # noqa: E402
from mail_composers import install_all, run_writer  # noqa: E402

from supportdesk.mail.parsing import ParsedMail, parse_mail  # noqa: E402


def generators(only: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.sh") if not p.name.startswith("install_"))
    return [p for p in found if not only or p.stem in only]


def reading(parsed: ParsedMail) -> dict[str, Any]:
    """The parser's values for the keys a generator may state."""
    return {"is_bounce": parsed.is_bounce, "bounce_delayed": parsed.bounce_delayed,
            "is_auto_reply": parsed.is_auto_reply, "is_robot": parsed.is_robot,
            "bounced_recipient": (parsed.bounced_recipient or "").lower() or None,
            "bounced_message_id": (parsed.bounced_message_id or "").strip("<>") or None}


def wrong_keys(got: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    wrong = []
    for key in KEYS:
        if key not in expect:
            continue
        want = expect[key]
        if isinstance(want, str):
            want = want.strip("<>").lower() if key == "bounced_message_id" else want.lower()
            have = (got[key] or "").lower()
        else:
            have = got[key]
        if have != want:
            wrong.append(f"{key} {got[key]!r}, want {expect[key]!r}")
    return wrong


def run_generator(script: Path, out: Path) -> dict[str, Any]:
    result = run_writer(["bash", str(script), str(out)], out, env=dict(os.environ, SD_PYTHON=sys.executable), cwd=HERE)
    expect_file = out / "expect.jsonl"
    result["cases"] = [json.loads(line) for line in expect_file.read_text().splitlines() if line.strip()] \
        if result["available"] and expect_file.exists() else []
    return result


def score(script: Path, out: Path, verbose: bool) -> dict[str, Any]:
    result = run_generator(script, out)
    if not result["available"]:
        print(f"  {script.name:22} not available: {result['why']}")
        return {"available": False}
    right = total = silent = 0
    lines = []
    for case in result["cases"]:
        if case.get("silent"):
            silent += 1  # the program rightly wrote nothing (a responder silent to automatic mail)
            continue
        path = out / f"{case['case']}.eml"
        if not path.exists():
            lines.append(f"    {case['case']}: no mail written")
            total += 1
            continue
        total += 1
        try:
            got = reading(parse_mail(path.read_bytes()))
            wrong = wrong_keys(got, case["expect"])
        except Exception as exc:  # noqa: BLE001 - a crash is a miss to report, not the end of the run
            wrong = [f"crash {type(exc).__name__}: {exc}"]
        if wrong:
            lines.append(f"    {case['case']} ({case.get('what', '')}): " + "; ".join(wrong))
        else:
            right += 1
    print(f"  {script.name:22} {right}/{total} right" + (f", {silent} rightly silent" if silent else "")
          + (f", {len(result['skipped'])} skipped" if result["skipped"] else ""))
    if verbose:
        for case, reason in sorted(result["skipped"].items()):
            print(f"    skipped {case}: {reason}")
        if lines:
            print("\n".join(lines))
    return {"available": True, "mails": total, "right": right, "silent": silent, "skipped": len(result["skipped"])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install", action="store_true", help="run every bench/robots/install_*.sh first")
    ap.add_argument("--only", nargs="*", default=[], help="generator names (file stems)")
    ap.add_argument("--out", default=str(WORK / "out"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.install:
        install_all(HERE)
    print(f"machine: cpu={cpu_model()} cores={os.cpu_count()} python={platform.python_version()}")
    figures = {script.stem: score(script, Path(args.out) / script.stem, args.verbose)
               for script in generators(args.only)}
    ran = {k: v for k, v in figures.items() if v["available"]}
    mails = sum(v["mails"] for v in ran.values())
    right = sum(v["right"] for v in ran.values())
    print(f"total: {right}/{mails} robot mails read right ({100 * right / max(mails, 1):.1f} %) from "
          f"{len(ran)} programs ({len(figures) - len(ran)} not available)")
    print(json.dumps({"generators": figures, "mails": mails, "right": right,
                      "machine": {"cpu": cpu_model(), "cores": os.cpu_count()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
