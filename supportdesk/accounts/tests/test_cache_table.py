"""`migrate` creates the shared cache's table (the embedded mode's rate-limit counters)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path


def test_migrate_creates_the_cache_table() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="sd-cache-"))
    env = {**os.environ, "SUPPORTDESK_DEV": "1", "SUPPORTDESK_DATA_DIR": str(data_dir), "DATABASE_URL": "",
           "SUPPORTDESK_REDIS_CACHE": ""}
    subprocess.run([sys.executable, "-m", "supportdesk.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    with sqlite3.connect(data_dir / "supportdesk.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"supportdesk_cache", "axes_accessattempt"} <= tables
