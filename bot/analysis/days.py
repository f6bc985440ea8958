"""Calendar days in a guild's time zone, as UTC ranges the store can query."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_db_time


def day_start(day: date, timezone: str) -> datetime:
    """The UTC instant at which ``day`` begins in ``timezone``."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_bounds(day: date, timezone: str) -> tuple[str, str]:
    """``[start, end)`` of a local day as store times; 23 or 25 hours long around DST."""
    return to_db_time(day_start(day, timezone)), to_db_time(day_start(day + timedelta(1), timezone))


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day that ``moment`` falls on in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` day; raises ValueError with a readable message otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a day written as YYYY-MM-DD") from None
