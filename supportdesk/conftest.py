"""Project-wide pytest configuration."""

import os

os.environ.setdefault("SUPPORTDESK_DEV", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in the test thread
