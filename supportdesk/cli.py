"""The ``supportdesk`` command: Django management plus our own sub-commands.

``supportdesk run`` migrates, loads the demo data once and serves on SQLite with the
embedded worker loop; every other word is a Django management command
(``supportdesk calendar days 2026 --json``, ``supportdesk mail parse FILE``, ...).
"""

from __future__ import annotations

import os
import sys

# The commands that start SupportDesk: the first of them to run generates the secret key
# file when there is no key (supportdesk/lib/secret_key.py). The others serve no web
# requests and need no key.
STARTS = {"run", "runserver", "migrate", "worker"}
# The commands that serve pages or send mail with links: production needs its public URL.
SERVES = {"runserver", "worker"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")
    if args[:1] == ["run"]:
        # The one-command embedded mode is a development server.
        os.environ.setdefault("SUPPORTDESK_DEV", "1")
    if args[:1] and args[0] in STARTS:
        from supportdesk.lib.env import data_dir
        from supportdesk.lib.secret_key import secret_key_ensure

        secret_key_ensure(data_dir=data_dir())
    if args[:1] and args[0] in SERVES:
        import django

        from supportdesk.policy.public_url import public_url_require

        django.setup()
        public_url_require()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["supportdesk", *args])


if __name__ == "__main__":
    main()
