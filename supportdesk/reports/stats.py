"""Pure figures over lists of numbers: exact nearest-rank percentiles and histograms."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

PERCENTILES = (50, 75, 90, 95)


def percentile(sorted_values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts of values in [edges[i], edges[i+1]), the last bucket open-ended (len(edges) buckets)."""
    counts = [0] * len(edges)
    for value in values:
        counts[max(bisect_right(edges, value) - 1, 0)] += 1
    return counts


def share(part: int, whole: int) -> float | None:
    """Per cent, one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
