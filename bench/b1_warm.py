"""B1 "warm" mode: the intake into a copy of the 100k-ticket B2 database (PostgreSQL).

Used by b1_intake.py (``--mode warm``). The template database ``sd_b1_warm_template`` is
migrated and loaded once with bench/b2_workspace.py's loader (COPY, the dataset's ids and
dates kept), its search index built with ``reindex`` (a warm database has one), then
``VACUUM ANALYZE``; every run copies it with ``CREATE DATABASE … TEMPLATE``. The template is
rebuilt when a migration or the dataset changes (a fingerprint is kept next to the work
files). The dataset is ../shared/bench/gen_ticket_dataset.py --tickets 100000 --seed 1.

    .venv/bin/python bench/b1_warm.py --load DBNAME DATASET_DIR   # internal: the loader child
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/bench next to the checkout (a git worktree may sit deeper: the nearest one up).
SHARED = next((p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
              (ROOT / ".." / "shared" / "bench").resolve())
TEMPLATE = "sd_b1_warm_template"
TICKETS = 100_000
SEED = 1
DATA_DIR = Path(os.environ.get("B2_DATA_DIR", "/tmp/b2data"))


def dataset() -> Path:
    """The B2 dataset (generated if missing, into the folder b2_workspace.py uses)."""
    out = DATA_DIR / f"d{TICKETS // 1000}k"
    if not (out / "dataset.json").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(SHARED / "gen_ticket_dataset.py"), str(out), "--tickets", str(TICKETS),
                        "--seed", str(SEED)], check=True, stdout=subprocess.DEVNULL)
    return out


def fingerprint(data: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "supportdesk").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    for name in ("dataset.json", "tickets.jsonl", "followups.jsonl"):
        stat = (data / name).stat()
        digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    for script in ("b2_workspace.py", "b1_warm.py"):
        digest.update((ROOT / "bench" / script).read_bytes())
    return digest.hexdigest()


def _exists(name: str, pg_base: str) -> bool:
    import psycopg

    with psycopg.connect(pg_base + "postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def warm_template_db(work: Path, env: Callable[..., dict[str, str]], pg: Callable[[str], None], pg_base: str) -> str:
    """The name of a PostgreSQL database holding the migrated schema and the 100k tickets."""
    data = dataset()
    stamp = work / "warm_template.sha256"
    wanted = fingerprint(data)
    if stamp.exists() and stamp.read_text() == wanted and _exists(TEMPLATE, pg_base):
        return TEMPLATE
    pg(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    pg(f'CREATE DATABASE "{TEMPLATE}"')
    started = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--load", TEMPLATE, str(data)],
                   env=env(SUPPORTDESK_DATA_DIR=str(work / "warm_template"), DATABASE_URL=pg_base + TEMPLATE),
                   cwd=ROOT, check=True)
    print(f"warm template {TEMPLATE}: loaded in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(wanted)
    return TEMPLATE


def load(data: Path) -> None:
    """In a child process whose DATABASE_URL is the (empty) template database."""
    import django

    django.setup()
    from b2_workspace import load_dataset  # type: ignore[import-not-found]
    from django.core.management import call_command
    from django.db import connection

    from supportdesk.search.index import reindex

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_dataset(data, vendor=connection.vendor)
    loaded = time.perf_counter()
    counts = reindex(kinds=["ticket"])
    indexed = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"rows loaded in {loaded - started:.1f} s; search index ({counts}) in {indexed - loaded:.1f} s; "
          f"VACUUM ANALYZE in {time.perf_counter() - indexed:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--load":
        sys.path.insert(0, str(ROOT / "bench"))
        load(Path(sys.argv[3]))
    else:
        raise SystemExit(__doc__)
