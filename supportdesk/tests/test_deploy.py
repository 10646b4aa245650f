"""The deployment files in deploy/: systemd units that systemd itself accepts, commands that exist,
a compose file that parses, and only environment variables SupportDesk reads."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
VENV_BIN = Path(sys.executable).parent


def _exec_lines(unit: Path) -> list[list[str]]:
    text = unit.read_text().replace("\\\n", " ")
    return [shlex.split(m.group(1)) for m in re.finditer(r"^Exec(?:Start|StartPre)=(.+)$", text, flags=re.M)]


def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("needs systemd-analyze")
    for unit in [*UNITS, DEPLOY / "systemd" / "supportdesk.target"]:
        text = unit.read_text().replace("/opt/supportdesk/venv/bin", str(VENV_BIN))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],  # noqa: S603
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    assert {u.name for u in UNITS} == {"supportdesk-web.service", "supportdesk-worker.service",
                                        "supportdesk-beat.service", "supportdesk-lmtp.service",
                                        "supportdesk-imap.service"}


def test_every_command_the_units_run_exists() -> None:
    for unit in UNITS:
        for argv in _exec_lines(unit):
            program = Path(argv[0]).name
            if program == "supportdesk":
                help_argv = [sys.executable, "-m", "supportdesk.cli", *[a for a in argv[1:] if not a.startswith("-")][:2],
                             "--help"]
                if argv[1] == "check":
                    help_argv = [sys.executable, "-m", "supportdesk.cli", "check", "--help"]
                result = subprocess.run(help_argv, capture_output=True, text=True, timeout=120, cwd=REPO,  # noqa: S603
                                        env={"PATH": "/usr/bin:/bin", "SUPPORTDESK_DEV": "1",
                                             "SUPPORTDESK_DATA_DIR": str(REPO / "var" / "test-deploy")})
                assert result.returncode == 0, f"{unit.name}: {' '.join(argv)}\n{result.stderr}"
            elif program == "celery":
                assert argv[1:3] == ["-A", "supportdesk.celery"], unit.name
                assert argv[3] in {"worker", "beat"}, unit.name
            elif program == "gunicorn":
                assert argv[1] == "supportdesk.wsgi:application", unit.name
            else:
                raise AssertionError(f"{unit.name} runs an unknown program {program}")
            assert (VENV_BIN / program).exists(), f"{program} is not installed with SupportDesk"


def test_compose_file_has_every_role_and_one_image() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat", "lmtp"} <= set(services)
    for role in ("web", "worker", "beat", "lmtp", "migrate"):
        assert services[role]["image"] == "supportdesk:latest"
        assert services[role]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_deploy_files_name_only_variables_supportdesk_reads() -> None:
    code = "\n".join(p.read_text() for p in (REPO / "supportdesk").rglob("*.py"))
    texts = [p.read_text() for p in DEPLOY.rglob("*") if p.is_file()]
    named = {m for text in texts for m in re.findall(r"\b(SUPPORTDESK_[A-Z_]+)\b", text)}
    assert named, "the deploy files configure SupportDesk through its environment"
    unknown = {name for name in named if name not in code and not name.startswith("SUPPORTDESK_IMAP_")}
    assert not unknown, f"variables SupportDesk never reads: {sorted(unknown)}"
