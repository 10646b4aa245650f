"""Parsing judged on mail other software wrote: the same cases composed by many mail libraries.

    .venv/bin/python bench/mail_composers.py [--install] [--only NAME ...] [--out DIR] [-v]

Our customers' mail is written by mailers we do not control: web forms (PHPMailer, Symfony
Mailer), scripts (Perl's MIME::Lite, Python's email, nodemailer), monitoring tools (JavaMail,
Go and Rust libraries), terminal mailers (mutt, mailx). Each composer in ``bench/composers/``
writes every case of ``bench/composers/cases.json`` (Cyrillic names of 130 characters, double
spaces, semicolons, emoji, windows-1251 and KOI8-R bodies, inline images, an attached message)
the way that library's documentation shows (``--gateway``: then rewritten by what a mail
server on the way does, ``composers/gateways/``), and we check that our parser gives back exactly
what was put in: subject, sender, the body's text and every attachment's name. The expectations
are the cases themselves, so nothing here was tuned on anybody's test data; a case a library
cannot express is skipped by its composer, and a value the library itself loses (the standard
library's parser reads it the same wrong way) is shown as such with ``-v``.

A composer is ``NAME.EXT`` run as ``RUNNER NAME.EXT CASES OUTDIR`` (``.py`` with this Python,
``.pl`` perl, ``.php`` php, ``.rb`` ruby, ``.js`` node, ``.sh`` bash: the compiled languages'
composers build and run their sources under ``bench/composers/<lang>/``). It writes
``OUTDIR/<case id>.eml`` and prints ``{"case": id, "skipped": reason}`` for a case it cannot
write; exit code 3 means its library is not installed (``--install`` runs every
``install_*.sh``, which installs from Debian's packages and the npm registry into
/tmp/sd_composers). Prints the figures and the machine, and ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import json
import os
import platform
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "composers"
WORK = Path("/tmp/sd_composers")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import cpu_model  # noqa: E402
from mail_unseen import misses  # noqa: E402

from supportdesk.mail.parsing import parse_mail  # noqa: E402

RUNNERS = {".py": [sys.executable], ".pl": ["perl"], ".php": ["php"], ".rb": ["ruby"], ".js": ["node"],
           ".sh": ["bash"]}
NOT_INSTALLED = 3


def composers(only: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.iterdir() if p.suffix in RUNNERS and not p.name.startswith("install_"))
    return [p for p in found if not only or p.stem in only]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def expectation(case: dict[str, Any]) -> dict[str, Any]:
    """What a reader of the composed mail must get back: the case's own values, in Unicode's
    composed form (the parser's, ``charsets.nfc``: a Mac's decomposed "й" is the same text)."""
    names = [a["name"] for a in case.get("attachments") or []]
    names += [i["name"] for i in case.get("inline") or []]
    if case.get("forward"):
        names.append(case["forward"]["name"])
    lines = [line.strip() for line in (case.get("text") or "").splitlines() if line.strip()]
    expect: dict[str, Any] = {"subject": _nfc(case["subject"]), "from_addr": case["from"]["addr"],
                              "from_name": _nfc(case["from"]["name"]), "attachments_include": [_nfc(n) for n in names]}
    if lines:
        expect["body_contains"] = [_nfc(max(lines, key=len))]
    return expect


def stdlib_reading(raw: bytes) -> dict[str, Any]:
    """The standard library's reading of the same values (is the loss the composer's?)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    sender = msg["from"]
    addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    names = []
    for part in msg.walk():
        name = part.get_filename()
        if name is not None:
            names.append(str(name))
    return {"subject": str(msg["subject"] or ""), "from_name": addresses[0].display_name if addresses else "",
            "attachments": names}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def stdlib_reads_what_we_miss(theirs: dict[str, Any], expect: dict[str, Any], wrong: list[str]) -> bool:
    """Every value we miss (subject, sender's name, file names) read right by the standard
    library: the bytes carry it, and the loss is ours, not the composer's."""
    checks = []
    for miss in wrong:
        if miss.startswith("subject"):
            checks.append(_norm(theirs["subject"]) == _norm(expect["subject"]))
        elif miss.startswith("from name"):
            checks.append(_norm(theirs["from_name"]) == _norm(expect["from_name"]))
        elif miss.startswith("attachment"):
            checks.append(all(n in [_nfc(t) for t in theirs["attachments"]] for n in expect["attachments_include"]))
        else:
            return False  # the body and the address: not compared with the standard library here
    return all(checks)


def run_writer(command: list[str], out: Path, *, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run a script that writes mails into ``out`` (emptied first): available or not (exit 3:
    its software is not installed; any other failure: why), and the cases it skipped, each
    printed as a JSON line {"case": ..., "skipped": reason}. Shared with mail_robots.py."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"available": False, "why": str(exc)[:200]}
    if done.returncode == NOT_INSTALLED:
        return {"available": False, "why": (done.stderr or done.stdout).strip()[-200:]}
    if done.returncode != 0:
        return {"available": False, "why": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
    skipped = {}
    for line in done.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "skipped" in item:
            skipped[item["case"]] = item["skipped"]
    return {"available": True, "skipped": skipped}


def install_all(folder: Path) -> None:
    """Run every ``install_*.sh`` in ``folder`` (each idempotent; one that fails leaves its
    writers reporting themselves not installed). Shared with mail_robots.py."""
    for script in sorted(folder.glob("install_*.sh")):
        print(f"installing: {script.name}", flush=True)
        subprocess.run(["bash", str(script)], check=False, cwd=folder)


def run_composer(script: Path, cases_file: Path, out: Path) -> dict[str, Any]:
    env = dict(os.environ, NODE_PATH=str(WORK / "node" / "node_modules"), SD_COMPOSERS=str(WORK))
    return run_writer([*RUNNERS[script.suffix], str(script), str(cases_file), str(out)], out, env=env, cwd=HERE)


def through_gateway(gateway: str, out: Path) -> str | None:
    """Every composed mail rewritten in place by ``composers/gateways/<gateway>.sh`` (what a
    mail server on the way does to it: a disclaimer added, say); the reason when it cannot run."""
    script = HERE / "gateways" / f"{gateway}.sh"
    for path in sorted(out.glob("*.eml")):
        done = subprocess.run(["bash", str(script), str(path)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            return (done.stderr or f"exit {done.returncode}").strip()[-200:]
    return None


def score(script: Path, cases: list[dict[str, Any]], out: Path, verbose: bool, gateway: str = "") -> dict[str, Any]:
    result = run_composer(script, HERE / "cases.json", out)
    if result["available"] and gateway:
        why = through_gateway(gateway, out)
        if why:
            result = {"available": False, "why": f"gateway {gateway}: {why}"}
    if not result["available"]:
        print(f"  {script.name:32} not available: {result['why']}")
        return {"available": False}
    right = total = behind = 0
    lines = []
    for case in cases:
        path = out / f"{case['id']}.eml"
        if not path.exists():
            if case["id"] not in result["skipped"]:
                lines.append(f"    {case['id']}: no mail written and no reason given")
            continue
        raw = path.read_bytes()
        total += 1
        try:
            wrong = misses(parse_mail(raw), expectation(case))
        except Exception as exc:  # noqa: BLE001 - a crash is a miss to report, not the end of the run
            wrong = [f"crash {type(exc).__name__}: {exc}"]
        if not wrong:
            right += 1
            continue
        theirs = stdlib_reading(raw)
        if stdlib_reads_what_we_miss(theirs, expectation(case), wrong):
            behind += 1
            wrong.append("(the standard library reads it right)")
        lines.append(f"    {case['id']}: " + "; ".join(wrong))
        lines.append(f"      stdlib reads: {json.dumps(theirs, ensure_ascii=False)[:400]}")
    print(f"  {script.name:32} {right}/{total} right, {len(result['skipped'])} skipped"
          + (f", {behind} the standard library reads right" if behind else ""))
    if verbose:
        for reason in sorted(set(result["skipped"].values())):
            print(f"    skipped: {reason}")
        print("\n".join(lines)) if lines else None
    return {"available": True, "mails": total, "right": right, "skipped": len(result["skipped"]), "behind_stdlib": behind}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install", action="store_true", help="run every bench/composers/install_*.sh first")
    ap.add_argument("--only", nargs="*", default=[], help="composer names (file stems)")
    ap.add_argument("--out", default=str(WORK / "out"))
    ap.add_argument("--gateway", default="", help="pass every composed mail through composers/gateways/NAME.sh")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.install:
        install_all(HERE)
    cases = json.loads((HERE / "cases.json").read_text())["cases"]
    for case in cases:  # the attachments' bytes are checked by each composer's reader, not here
        for item in (case.get("attachments") or []) + (case.get("inline") or []):
            base64.b64decode(item["content_b64"], validate=True)
    print(f"machine: cpu={cpu_model()} cores={os.cpu_count()} python={platform.python_version()}")
    print(f"cases: {len(cases)}" + (f", through the gateway {args.gateway}" if args.gateway else ""))
    figures: dict[str, Any] = {}
    for script in composers(args.only):
        out = Path(args.out) / (script.stem + (f"@{args.gateway}" if args.gateway else ""))
        figures[script.stem] = score(script, cases, out, args.verbose, args.gateway)
    ran = {k: v for k, v in figures.items() if v["available"]}
    mails = sum(v["mails"] for v in ran.values())
    right = sum(v["right"] for v in ran.values())
    behind = sum(v["behind_stdlib"] for v in ran.values())
    print(f"total: {right}/{mails} mails fully right ({100 * right / max(mails, 1):.1f} %) "
          f"from {len(ran)} composers ({len(figures) - len(ran)} not available); of the {mails - right} misses, "
          f"{behind} where the standard library reads what we miss")
    print(json.dumps({"cases": len(cases), "gateway": args.gateway or None, "composers": figures, "mails": mails, "right": right,
                      "behind_stdlib": behind,
                      "machine": {"cpu": cpu_model(), "cores": os.cpu_count()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
