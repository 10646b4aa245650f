"""Where the Django secret key comes from.

1. ``SUPPORTDESK_SECRET_KEY`` when set: it always wins.
2. Else the file ``$SUPPORTDESK_DATA_DIR/secret_key``: readable by its owner only (0600),
   otherwise start-up refuses.
3. Else a process that starts SupportDesk (the web application, ``run``, ``runserver``,
   ``migrate``, ``worker``, or any process in the development mode) generates that file once,
   mode 0600, and every later start reads it. Commands that serve no web requests
   (``calendar``, ``mail parse``, ...) neither need a key nor create one.

Several hosts sharing one installation need one key: set the variable (or copy the file).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

SECRET_KEY_VAR = "SUPPORTDESK_SECRET_KEY"  # noqa: S105 - the variable's name, not a key
KEY_FILE_NAME = "secret_key"


def secret_key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE_NAME


def secret_key_read(*, data_dir: Path) -> str:
    """The key from the environment or the key file; "" when there is neither."""
    from_env = os.environ.get(SECRET_KEY_VAR, "").strip()
    if from_env:
        return from_env
    path = secret_key_file(data_dir)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return ""
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(f"secret key file {path} is readable by other users: chmod 600 {path}")
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(f"secret key file {path} is empty: delete it to generate a new key, "
                                   f"or set {SECRET_KEY_VAR}")
    return key


def secret_key_ensure(*, data_dir: Path) -> str:
    """The key as :func:`secret_key_read` finds it, generating the key file when there is none.

    The file is written aside (0600) and linked into place, so processes starting together
    all end up with the one key that won, and none ever reads a half-written file.
    """
    key = secret_key_read(data_dir=data_dir)
    if key:
        return key
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")  # mkstemp makes it 0600
    except OSError as exc:
        raise ImproperlyConfigured(f"cannot create the secret key file in {data_dir} ({exc}): "
                                   f"set {SECRET_KEY_VAR} or make the data directory writable") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(get_random_secret_key() + "\n")
        with contextlib.suppress(FileExistsError):  # another process was first: its key is the key
            os.link(partial, secret_key_file(data_dir))
    finally:
        Path(partial).unlink(missing_ok=True)
    return secret_key_read(data_dir=data_dir)


def secret_key_require(*, data_dir: Path) -> str:
    """The key, or a clear refusal for a process that must not start without one (a Celery worker)."""
    key = secret_key_read(data_dir=data_dir)
    if not key:
        raise ImproperlyConfigured(f"no secret key: set {SECRET_KEY_VAR}, or start SupportDesk once "
                                   f"(supportdesk migrate) to generate {secret_key_file(data_dir)}")
    return key
