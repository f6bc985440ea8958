"""``ascolto infer``: recompute the replies inferred from the flow of conversation.

After a model update (or to fill the table for history stored before it existed), every
channel and thread of a guild, or of every guild, is read again and its rows of
``inferred_replies`` replaced, so running it twice gives the same rows. The stored
summaries of the ended days whose rows changed are then computed again.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from bot import clock
from bot.analysis.days import local_day
from bot.cli._common import add_config_option, add_db_option, guild_id, settings_from
from bot.cli._days import opened_store, worded_errors
from bot.clock import from_db_time, to_db_time
from bot.inferred import InferenceService, Recomputed
from bot.render.text import plural
from bot.settings import Settings
from bot.summaries import NoGuilds, SummaryService, UnknownGuild

HELP = "recompute the replies inferred from the flow of conversation (after a model update)"

PLAIN_PROGRESS_SECONDS = 5.0

# Called with the guild, the places done, the places in all, and the messages read.
Progress = Callable[[int, int, int, int], None]


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto infer``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--guild",
        type=guild_id,
        metavar="ID",
        help="only this guild (server) id (default: every guild; ascolto guilds lists them)",
    )


def run(args: argparse.Namespace) -> int:
    """Recompute the table, then the summaries of the days it changed; one line of figures."""
    settings = settings_from(args)
    started = time.perf_counter()
    with _progress() as progress:
        done, channels, days = asyncio.run(_infer(settings, args.guild, progress))
    seconds = time.perf_counter() - started
    print(
        f"inferred {plural(done.read, 'message')} in "
        f"{plural(channels, 'channel or thread', 'channels and threads')}: "
        f"{plural(done.rows, 'inferred reply', 'inferred replies')} written, "
        f"summaries of {plural(days, 'day')} computed again, in {seconds:,.1f} s"
    )
    return 0


async def _infer(
    settings: Settings, only: int | None, progress: Progress
) -> tuple[Recomputed, int, int]:
    """(what was recomputed, channels and threads read, days summarised again)."""
    async with opened_store(settings) as store:
        summaries = SummaryService(store, settings.defaults)
        service = InferenceService(store)
        path = store.path
        with worded_errors(path, "infer"):
            if only is not None:
                if not await store.guilds.known(only):
                    raise UnknownGuild(only)
                guilds = [only]
            else:
                guilds = [g for g, _ in await store.guilds.listed()]
                if not guilds:
                    raise NoGuilds()
        total = Recomputed(changed=set())
        channels = days = 0
        now = clock.utcnow()
        # Text older than this was erased by retention (or never kept, at import).
        erased = to_db_time(now - timedelta(days=settings.privacy.content_retention_days))
        for guild in guilds:

            def on_place(done: int, of: int, read: int, guild: int = guild) -> None:
                progress(guild, done, of, total.read + read)

            recomputed = await service.recompute_guild(guild, on_place, text_erased_before=erased)
            channels += recomputed.places
            total.add(recomputed.read, recomputed.rows, recomputed.changed or set())
            with worded_errors(path, "infer"):
                days += await _summarise(summaries, guild, recomputed.changed or set(), now)
        return total, channels, days


async def _summarise(
    summaries: SummaryService, guild: int, changed: set[str], now: datetime
) -> int:
    """Compute again the ended, observed days holding a message whose row changed."""
    if not changed:
        return 0
    days = await summaries.guild_days(guild, now)
    touched = {local_day(from_db_time(at), days.timezone) for at in changed}
    wanted = sorted(
        day
        for day in touched
        if day <= days.latest and (days.first_observed is None or day >= days.first_observed)
    )
    for day in wanted:
        await summaries.recompute(guild, day, days.timezone, now)
    return len(wanted)


@contextmanager
def _progress(stream: TextIO | None = None) -> Iterator[Progress]:
    """How far it is, by channels and threads: a live bar on a terminal, else a plain
    line every few seconds."""
    out = sys.stderr if stream is None else stream
    started = time.perf_counter()
    if out.isatty():
        columns = (
            TextColumn("inferring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("channels, {task.fields[messages]:,} messages"),
            TimeElapsedColumn(),
        )
        with RichProgress(*columns, console=Console(file=out), transient=True) as bar:
            task = bar.add_task("infer", total=None, messages=0)

            def show(guild: int, done: int, of: int, read: int) -> None:
                bar.update(task, completed=done, total=of, messages=read)

            yield show
        return
    last_line = started
    begun = False

    def print_line(guild: int, done: int, of: int, read: int) -> None:
        nonlocal last_line, begun
        if not begun:  # only once the input is known good: an error stays one line
            begun = True
            print("inferring replies, channel by channel", file=out, flush=True)
        now = time.perf_counter()
        if now - last_line >= PLAIN_PROGRESS_SECONDS or done == of:
            last_line = now
            rate = read / max(now - started, 1e-9)
            print(
                f"inferring: guild {guild}, {done:,} of "
                f"{plural(of, 'channel or thread', 'channels and threads')}, "
                f"{read:,} messages ({rate:,.0f}/s)",
                file=out,
                flush=True,
            )

    yield print_line
