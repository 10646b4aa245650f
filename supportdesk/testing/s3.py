"""A local S3-compatible server for tests: moto's server mode as a child process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from supportdesk.testing.net import LOOPBACK, free_port, wait_port

ACCESS_KEY, SECRET_KEY, REGION = "sd-test-key", "sd-test-secret", "us-east-1"  # noqa: S105 - a throwaway local server


def moto_server_command() -> str | None:
    found = Path(sys.executable).with_name("moto_server")
    return str(found) if found.exists() else shutil.which("moto_server")


class S3Server:
    """``moto_server`` on a free loopback port; ``bucket(name)`` creates a bucket in it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> S3Server:
        command = moto_server_command()
        if command is None:
            raise RuntimeError("moto_server is not installed (pip install 'moto[server]')")
        self._proc = subprocess.Popen(  # noqa: S603
            [command, "-H", LOOPBACK, "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "1"},
        )
        wait_port(LOOPBACK, self.port, self._proc, timeout=60)
        return self

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
