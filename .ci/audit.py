"""CI: pip-audit over the locked requirements (requirements.lock).

Fails (exit 1) on any known vulnerability that .ci/audit-allowlist does not accept; every
accepted one there names the package and why. A package the vulnerability service could
not answer for is not a pass: exit 3 with the count, unless SUPPORTDESK_AUDIT_UNREACHABLE=warn,
which turns only that case into a printed warning (a machine whose registry mirror has no
per-release JSON API and no route to OSV). Usage: .venv/bin/python .ci/audit.py [LOCK]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ALLOWLIST = REPO / ".ci" / "audit-allowlist"


def read_allowlist(text: str) -> dict[str, str]:
    """``ID package reason...`` per line, ``#`` comments -> {ID: "package: reason"}; an entry
    without a package and a reason is an error."""
    accepted: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise ValueError(f"audit-allowlist line {number}: write 'ID package why it is accepted'")
        accepted[parts[0]] = f"{parts[1]}: {parts[2]}"
    return accepted


def verdict(report: dict, *, unreachable_ok: bool) -> tuple[int, list[str]]:
    """pip-audit's JSON report -> (exit code, lines to print)."""
    found, skipped, audited = [], [], 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(f"{dep['name']}: {dep['skip_reason']}")
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
            found.append(f"{dep['name']} {dep.get('version', '')}: {vuln['id']} (fixed in: {fixes})")
    lines = [f"audited {audited} locked packages, {len(skipped)} could not be audited"]
    if found:
        return 1, [*lines, "known vulnerabilities (fix, or accept in .ci/audit-allowlist with a reason):", *found]
    if skipped:
        lines += ["NOT AUDITED (the vulnerability service gave no answer for these):", *skipped[:10]]
        if len(skipped) > 10:
            lines.append(f"... and {len(skipped) - 10} more")
        if unreachable_ok:
            return 0, [*lines, "WARNING: dependency audit incomplete (SUPPORTDESK_AUDIT_UNREACHABLE=warn)"]
        return 3, [*lines, "dependency audit incomplete: this is not a pass"]
    return 0, [*lines, "no known vulnerabilities"]


def main(argv: list[str]) -> int:
    lock = Path(argv[0]) if argv else REPO / "requirements.lock"
    accepted = read_allowlist(ALLOWLIST.read_text(encoding="utf-8")) if ALLOWLIST.exists() else {}
    for vuln_id, why in accepted.items():
        print(f"accepted: {vuln_id} ({why})")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
                   "--progress-spinner", "off", "--format", "json", "--output", str(out)]
        for vuln_id in accepted:
            command += ["--ignore-vuln", vuln_id]
        run = subprocess.run(command, capture_output=True, text=True, timeout=900)  # noqa: S603
        if not out.exists() or not out.read_text():
            print(f"pip-audit did not run (exit {run.returncode}):\n{run.stderr[-2000:]}", file=sys.stderr)
            return 2
        report = json.loads(out.read_text())
    code, lines = verdict(report, unreachable_ok=os.environ.get("SUPPORTDESK_AUDIT_UNREACHABLE") == "warn")
    print("\n".join(lines), file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
