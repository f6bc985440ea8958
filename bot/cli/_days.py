"""Days on the command line: the database, a guild's calendar, ``--from``/``--to`` ranges.

Shared by ``ascolto report`` and ``ascolto export``, so both read days, guilds and
summaries the same way and refuse the same mistakes with the same words.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from bot import clock
from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.days import local_day, parse_day
from bot.analysis.summary import DailySummary
from bot.cli._common import CliError
from bot.settings import Settings, validate_timezone
from bot.store import Store

MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class GuildDays:
    """A guild the database knows, its time zone and its latest complete day."""

    guild_id: int
    timezone: str
    yesterday: date


def parse_day_option(text: str, option: str) -> date:
    """The day given to ``option``; a malformed one is a CliError naming the option."""
    try:
        return parse_day(text)
    except ValueError as exc:
        raise CliError(f"{option}: {exc}") from None


def day_range(first: str | None, last: str | None, *, hint: str = "") -> tuple[date, date] | None:
    """``--from`` and ``--to`` as days, both or neither (None); ``hint`` ends the error."""
    if (first is None) != (last is None):
        given, missing = ("--from", "--to") if first is not None else ("--to", "--from")
        raise CliError(f"{given} needs {missing} as well{hint}")
    if first is None or last is None:
        return None
    start, end = parse_day_option(first, "--from"), parse_day_option(last, "--to")
    if start > end:
        raise CliError(f"--from {start} is after --to {end}")
    return start, end


def check_length(first: date, last: date) -> None:
    """Summaries are read or computed at most :data:`MAX_DAYS` days at a time."""
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise CliError(f"the range has {days} days; at most {MAX_DAYS} at a time")


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[Store]:
    """The configured database, open; a missing file is a CliError, not a new database."""
    path = settings.database.path
    if not path.is_file():
        raise CliError(f"no database at {path}")
    store = Store(path, flush_max_events=settings.database.flush_max_events)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def guild_days(store: Store, guild_id: int, settings: Settings) -> GuildDays:
    """The guild's time zone and yesterday; an unknown guild or bad zone is a CliError."""
    guilds = store.guilds
    if not await guilds.known(guild_id):
        raise CliError(f"unknown guild {guild_id}: the bot has never seen it in {store.path}")
    timezone = await guilds.timezone(guild_id, settings.defaults.timezone)
    try:
        validate_timezone(timezone)
    except ValueError as exc:
        raise CliError(f"guild {guild_id}: {exc}") from None
    yesterday = local_day(clock.utcnow(), timezone) - timedelta(days=1)
    return GuildDays(guild_id, timezone, yesterday)


async def ensure_summaries(
    store: Store,
    settings: Settings,
    guild: GuildDays,
    span: tuple[date, date] | None,
    *,
    default_days: int,
    purpose: str,
) -> tuple[list[DailySummary], str | None]:
    """The summaries of ``span`` (default: ``default_days`` ending yesterday), stored
    ones as stored and missing ones computed and saved, and a note when a range the
    user gave was shortened to the guild's first observed day. ``purpose`` ("report",
    "export") names the command in its messages."""
    if span is None:
        first, last = guild.yesterday - timedelta(days=default_days - 1), guild.yesterday
    else:
        first, last = span
    if last > guild.yesterday:
        raise CliError(
            f"{last} has not ended yet in {guild.timezone} "
            f"(the latest complete day is {guild.yesterday})"
        )
    note = None
    observed = await store.guilds.first_seen_day(guild.guild_id, guild.timezone)
    if observed is not None and first < observed:
        if last < observed:
            raise CliError(
                f"guild {guild.guild_id} was first observed on {observed}: "
                f"nothing to {purpose} up to {last}"
            )
        if span is not None:
            note = (
                f"guild {guild.guild_id} was first observed on {observed}; "
                f"the {purpose} starts there"
            )
        first = observed
    rule = BroadcasterRule.from_defaults(settings.defaults)
    computed_at = clock.to_db_time(clock.utcnow())
    found = await store.summaries.ensure(
        guild.guild_id, first, last, guild.timezone, computed_at, rule
    )
    return found, note
