"""Signals of the releases app, sent inside the publishing transaction."""

from django.dispatch import Signal

# A release was published. kwargs: release, reopened (list of the tickets that waited on it),
# by_user (User | None).
release_published = Signal()
