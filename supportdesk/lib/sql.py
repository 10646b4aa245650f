"""Small helpers for the few statements written as SQL (where building them through the ORM
costs more than running them, or where the ORM cannot say them)."""

from __future__ import annotations

from collections.abc import Sized


def marks(values: Sized) -> str:
    """One ``%s`` placeholder per value, comma-separated, for an ``IN (...)`` list."""
    return ", ".join(["%s"] * len(values))
