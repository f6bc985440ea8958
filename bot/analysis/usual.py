"""The usual value of each headline number: what the digest's arrows compare with.

A day-over-day arrow is noise (a Sunday is always quieter than a Saturday); the median
of the observed days before says whether a day was unusual, and one odd day among
them does not move it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.analysis.summary import DailySummary

USUAL_DAYS = 28  # the usual value is the median of this many observed days before

# The summary fields a headline's arrow follows (bot/render/digest.py).
USUAL_KEYS = (
    "messages",
    "active_members",
    "listening_ratio",
    "response_rate",
    "new_connections",
    "reciprocal_connections",
    "network_growth_7d",
    # What a guild with inference on sees instead of three of them.
    "listening_ratio_inferred",
    "response_rate_inferred",
    "new_connections_inferred",
)


@dataclass(frozen=True, slots=True)
class Usual:
    """Medians of headline fields over the observed days before a day."""

    days: int  # how many observed days they were taken over (1 to USUAL_DAYS)
    values: Mapping[str, float]  # field -> median; a field no day knew is absent

    def get(self, key: str) -> float | None:
        """The usual value of ``key``, or None when no day before had one."""
        return self.values.get(key)


def usual_values(
    days: Sequence[DailySummary], unknown: Sequence[AbstractSet[str]] | None = None
) -> Usual | None:
    """The medians of :data:`USUAL_KEYS` over ``days`` (the observed days before, at most
    the last :data:`USUAL_DAYS` are used); None when there is no day before.

    A ratio with no value (no questions that day) and a field in the day's ``unknown``
    set (imported history that could not know it) are left out, not read as zero.
    """
    kept = list(days)[-USUAL_DAYS:]
    unknowns = list(unknown)[-USUAL_DAYS:] if unknown is not None else [frozenset()] * len(kept)
    if not kept:
        return None
    values: dict[str, float] = {}
    for key in USUAL_KEYS:
        known = [
            float(value)
            for day, missing in zip(kept, unknowns, strict=True)
            if key not in missing and (value := getattr(day, key)) is not None
        ]
        if known:
            values[key] = statistics.median(known)
    return Usual(days=len(kept), values=values)
