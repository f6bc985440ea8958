"""Calendar days in a guild's time zone, as UTC ranges the store can query."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import to_db_time
from bot.render.text import quoted

# The days Ascolto can speak of. Nothing on Discord is older than its epoch (the first
# instant a Discord id can encode), and the last day leaves a year before ``date.max``
# so that a day's end in any time zone, and a range counted from it, never overflow.
FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(9998, 12, 31)
_DAY_LENGTH = len("YYYY-MM-DD")


def day_start(day: date, timezone: str) -> datetime:
    """The UTC instant at which ``day`` begins in ``timezone``."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_bounds(day: date, timezone: str) -> tuple[str, str]:
    """``[start, end)`` of a local day as store times; 23 or 25 hours long around DST."""
    return to_db_time(day_start(day, timezone)), to_db_time(day_start(day + timedelta(1), timezone))


# How long after its time a live write may reach the store: a batch flushed, a reply
# inferred. Later than that, a write dated in the past is one that marks what it
# changed (bot/store/dirty_days.py): an import, an edit, a deletion, an opt-out.
LATE_WRITES = timedelta(hours=1)

# A day's figures keep changing until its last responses are in: answers within 24 hours
# of a question (and of a reminder), plus the hour of late writes.
SETTLED_AFTER = timedelta(hours=24) + LATE_WRITES


def settled(day: date, timezone: str, computed_at: datetime) -> bool:
    """Whether a summary of ``day`` computed with responses known at ``computed_at``
    has every figure final: no live message can change it any more. (A write dated in
    the past can: it marks what it changed, and :func:`reads_window` says which days
    that mark makes dirty; bot/store/dirty_days.py.)"""
    return computed_at >= day_start(day + timedelta(1), timezone) + SETTLED_AFTER


# What a day's figures read besides the day itself: the week before it (the broadcasters'
# seven days, the newcomers who joined up to 7 days before their first message, the
# network's growth since a week before) and the responses after it (a mention within 24
# hours of a question, a reply to a newcomer; plus the hour of SETTLED_AFTER). Responses
# by reply or in a thread, however late, are marked at the time of what they answer; a
# change to a pair's first interaction is marked up to the pair's new first one.
READS_BEFORE = timedelta(days=7)
READS_AFTER = SETTLED_AFTER


def reads_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """``[start, end)``: the UTC instants whose data a summary of ``day`` reads. A write
    dated in it may change the day's figures; one outside it cannot."""
    return (
        day_start(day, timezone) - READS_BEFORE,
        day_start(day + timedelta(1), timezone) + READS_AFTER,
    )


def marks_day(marked_from: datetime, marked_to: datetime | None, day: date, timezone: str) -> bool:
    """Whether a change to the data of ``[marked_from, marked_to)`` (``None``: every
    later instant too) may change the figures of ``day``."""
    start, end = reads_window(day, timezone)
    return marked_from < end and (marked_to is None or marked_to > start)


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day that ``moment`` falls on in ``timezone``."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` day from :data:`FIRST_DAY` to :data:`LAST_DAY`; raises ValueError
    with a readable message (quoting at most a short prefix of ``text``) otherwise."""
    try:
        if len(text) != _DAY_LENGTH:  # before parsing: 20 characters or 5,000 alike
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{quoted(text)} is not a day written as YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"{day} is outside the days Ascolto knows: give a day from {FIRST_DAY} to {LAST_DAY}"
        )
    return day
