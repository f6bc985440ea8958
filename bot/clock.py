"""The one clock of the bot: Discord's, so that simulated time in tests applies."""

from __future__ import annotations

from datetime import UTC, datetime

import discord


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return discord.utils.utcnow()


def to_db_time(moment: datetime) -> str:
    """Format a time as the store keeps it: fixed-width ISO-8601 UTC, milliseconds, ``Z``.

    Fixed width means text order is time order, so range queries use plain indexes.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    return naive_utc.isoformat(timespec="milliseconds") + "Z"


def from_db_time(text: str) -> datetime:
    """Parse a time written by :func:`to_db_time`."""
    return datetime.fromisoformat(text)
