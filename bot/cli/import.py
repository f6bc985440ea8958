"""``ascolto import``: backfill history from DiscordChatExporter JSON exports.

Each file is read as a stream and checked whole before anything of it is written, then
written in transactions of about a second; a file much larger than the store is read
while it is written, in one transaction that a broken file rolls back
(bot/dce/importer.py). A broken file, or one with a value that is not what the format
says (bot/dce/format.py), is reported by name, position and reason on one line, leaves
nothing behind, and the others go on (exit code 1, the summary counting the files that
failed). Afterwards the daily summaries
of the days the import touched are computed again. A bad path, or a file named on the
command line that is not an export, is a one-line error (exit code 2) before anything
is written.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import gc
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

from bot import clock
from bot.analysis.days import local_day
from bot.cli._common import (
    CliError,
    add_config_option,
    add_db_option,
    check_database_file,
    create_database,
    database_errors,
    settings_from,
)
from bot.cli._days import worded_errors
from bot.dce.importer import Importer, Progress
from bot.dce.reader import ExportError, find_exports
from bot.dce.report import ImportReport
from bot.render.text import plural
from bot.settings import Settings
from bot.store import Store
from bot.store.imports import for_summaries, one_import_at_a_time
from bot.summaries import SummaryService

HELP = "import history from DiscordChatExporter JSON exports (files or folders)"

PLAIN_PROGRESS_SECONDS = 5.0


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto import``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a DiscordChatExporter JSON export, or a folder searched for them (recursively)",
    )


def run(args: argparse.Namespace) -> int:
    """Find the exports, import them, summarise the days again, and report."""
    settings = settings_from(args)
    refused: list[str] = []  # exports whose guild or channel holds a bad value
    try:
        exports, skipped = find_exports(args.paths, refused)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    for note in skipped:
        print(f"skipped: {note}", file=sys.stderr)
    if not exports and not refused:
        raise CliError("no DiscordChatExporter export found in the paths given")
    path = settings.database.path
    create_database(path)
    check_database_file(path)
    with database_errors(path):
        asyncio.run(_prepare(path))  # create the file, or bring its schema up to date
        with one_import_at_a_time(path, on_wait=lambda: _say_waiting(path)):
            started = time.perf_counter()
            importer = Importer(path, settings.privacy)
            try:
                with _progress(sum(e.size for e in exports)) as progress:
                    report = importer.run(exports, progress)
            finally:
                importer.close()
    seconds = time.perf_counter() - started
    report.failed[:0] = refused
    for failure in report.failed:
        print(f"failed: {failure} (nothing of it was kept)", file=sys.stderr)
    _give_back_memory()
    with database_errors(path):
        summarised = asyncio.run(_summarise(path, settings, report))
    print(_summary(report, seconds, summarised))
    return 1 if report.failed else 0


def _give_back_memory() -> None:
    """Hand the memory the import freed (its page cache, its batches) back to the
    system before the summaries map the file: with glibc, freed memory stays in the
    process (and in its RSS) until trimmed. Elsewhere nothing is done."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _say_waiting(path: Path) -> None:
    print(
        f"waiting: another import is writing to {path}; this one starts when it ends",
        file=sys.stderr,
        flush=True,
    )


async def _prepare(path: Path) -> None:
    store = Store(path)
    await store.open()
    await store.close()


async def _summarise(path: Path, settings: Settings, report: ImportReport) -> int:
    """Compute again, and store, the summaries of every ended day the import touched."""
    store = Store(path, flush_max_events=settings.database.flush_max_events)
    await store.open()
    try:
        await for_summaries(store.db)  # under 200 MiB of RSS (bot/store/imports.py)
        done = 0
        service = SummaryService(store, settings.defaults)
        now = clock.utcnow()
        for guild_id, (first, last) in sorted(report.spans.items()):
            with worded_errors(path, "import"):
                timezone = await service.timezone(guild_id)
            # Days after the span read it too (new pairs: the network's size), and any
            # stored one is computed again when next read.
            await service.changed_since(guild_id, first)
            day = local_day(first, timezone)
            end = min(local_day(last, timezone), local_day(now, timezone) - timedelta(days=1))
            while day <= end:
                await service.recompute(guild_id, day, timezone, now)
                done += 1
                day += timedelta(days=1)
            await service.prune_marks(guild_id)
        return done
    finally:
        await store.close()


def _summary(report: ImportReport, seconds: float, summarised: int) -> str:
    rate = report.read / seconds if seconds > 0 else 0.0
    lines = [
        f"files        {report.files} imported"
        + (f", {len(report.failed)} failed" if report.failed else ""),
        f"messages     {report.read:,} read in {seconds:,.1f} s ({rate:,.0f}/s): "
        f"{report.new:,} new, {report.known:,} already known, {report.skipped:,} skipped "
        "(bots, members who opted out, excluded channels)"
        + (f", {report.conflicts:,} in conflict" if report.conflicts else ""),
    ]
    if report.conflicts:
        lines.append(
            f"conflicts    {plural(report.conflicts, 'message')} not imported: "
            + ("its id is" if report.conflicts == 1 else "their ids are")
            + " stored already in another channel, so nothing of "
            + ("it" if report.conflicts == 1 else "them")
            + f" was merged (the first: {report.first_conflict})"
        )
    lines += [
        f"members      {len(report.members):,}",
        f"interactions {report.interactions:,} new",
        f"inferred     {plural(report.inferred, 'reply', 'replies')} inferred from the flow "
        "of conversation",
    ]
    for guild_id, (first, last) in sorted(report.spans.items()):
        days = (last.date() - first.date()).days + 1
        lines.append(
            f"days         guild {guild_id}: {first:%Y-%m-%d} to {last:%Y-%m-%d} (UTC), "
            + plural(days, "day")
        )
    lines.append(f"summaries    {plural(summarised, 'day')} computed again")
    return "\n".join(lines)


@contextmanager
def _progress(total_bytes: int, stream: TextIO | None = None) -> Iterator[Progress]:
    """How far the import is, by bytes of the files read (their size is known): a live
    bar with a percentage on a terminal, else a plain line every few seconds."""
    out = sys.stderr if stream is None else stream
    started = time.perf_counter()

    def rate(read: int, now: float) -> float:
        return read / max(now - started, 1e-9)

    if out.isatty():
        columns = (
            TextColumn("importing"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[messages]:,} messages ({task.fields[rate]:,.0f}/s)"),
            TimeRemainingColumn(),
        )
        console = Console(file=out)
        with RichProgress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("import", total=max(total_bytes, 1), messages=0, rate=0.0)

            def show(read: int, bytes_read: int) -> None:
                now = time.perf_counter()
                bar.update(task, completed=bytes_read, messages=read, rate=rate(read, now))

            yield show
        return
    last_line = started

    def print_line(read: int, bytes_read: int) -> None:
        nonlocal last_line
        now = time.perf_counter()
        if now - last_line >= PLAIN_PROGRESS_SECONDS:
            last_line = now
            print(
                f"importing: {_percent(bytes_read, total_bytes)}, {read:,} messages "
                f"({rate(read, now):,.0f}/s)",
                file=out,
                flush=True,
            )

    print(f"importing {total_bytes / 1e6:,.1f} MB of exports", file=out, flush=True)
    yield print_line


def _percent(done: int, total: int) -> str:
    """``done`` of ``total`` as a whole percentage, 100% only when all is done."""
    if total <= 0 or done >= total:
        return "100%"
    return f"{min(done * 100 // total, 99)}%"
