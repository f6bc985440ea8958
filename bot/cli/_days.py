"""Days and guilds on the command line: the database, ``--from``/``--to``, and the words
for what the summary service refuses.

Shared by ``ascolto report``, ``ascolto export`` and ``ascolto guilds``. The rules (which
guild, which days) are the :class:`~bot.summaries.SummaryService`'s; this module reads
the options and turns the service's refusals into one-line :class:`CliError`s.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from bot import summaries
from bot.analysis.days import parse_day
from bot.cli._common import CliError, check_database_file, database_errors
from bot.settings import Settings
from bot.store import Store
from bot.summaries import (
    BadTimezone,
    DayNotEnded,
    NoDataForPeriod,
    NoGuilds,
    SeveralGuilds,
    SummaryError,
    TooManyDays,
    UnknownGuild,
)


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
    """Summaries are read or computed at most ``bot.summaries.MAX_DAYS`` days at a time."""
    try:
        summaries.check_length(first, last)
    except TooManyDays as exc:
        raise CliError(str(exc)) from None  # "the range has 367 days; at most 366 at a time"


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[Store]:
    """The configured database, open; a missing file is a CliError, not a new database,
    and so is anything SQLite cannot do with it (not SQLite, read-only, ...)."""
    path = settings.database.path
    if not path.is_file():
        raise CliError(f"no database at {path}")
    check_database_file(path)
    with database_errors(path):
        store = Store(path, flush_max_events=settings.database.flush_max_events)
        await store.open()
        try:
            yield store
        finally:
            await store.close()


@contextlib.contextmanager
def worded_errors(path: Path, purpose: str) -> Iterator[None]:
    """Turn the summary service's refusals into one-line CliErrors; ``path`` is the
    database's and ``purpose`` ("report", "export") names the command."""
    try:
        yield
    except SummaryError as exc:
        raise CliError(worded(exc, path, purpose)) from None


def worded(error: SummaryError, path: Path, purpose: str) -> str:
    """The one line the command line prints for ``error``."""
    if isinstance(error, UnknownGuild):
        return f"unknown guild {error.guild_id}: the bot has never seen it in {path}"
    if isinstance(error, NoGuilds):
        return f"no guilds in {path} yet: run the bot in a server, or import an export, first"
    if isinstance(error, SeveralGuilds):
        listed = ", ".join(f"{guild_id} ({name or 'no name'})" for guild_id, name in error.guilds)
        return f"{path} holds {len(error.guilds)} guilds; choose one with --guild: {listed}"
    if isinstance(error, BadTimezone):
        return f"guild {error.guild_id}: {error.reason}"
    if isinstance(error, DayNotEnded):
        return (
            f"{error.day} has not ended yet in {error.timezone} "
            f"(the latest complete day is {error.latest})"
        )
    if isinstance(error, NoDataForPeriod):
        if error.first_observed is None:
            return f"guild {error.guild_id} has not been observed yet: nothing to {purpose}"
        return (
            f"guild {error.guild_id} was first observed on {error.first_observed}: "
            f"nothing to {purpose} up to {error.last}"
        )
    return str(error)  # TooManyDays says it as the command line does
