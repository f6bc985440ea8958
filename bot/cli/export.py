"""``ascolto export``: write a guild's summaries, connections, inferred replies or messages
to a file.

Reads the database, no Discord needed. Summaries are read or computed like
``ascolto report`` does; connections and messages are read as stored. The writers
are bot/export.py's, the same as ``/export``'s. A reader that stops early
(``| head``) ends the export quietly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from bot import clock
from bot.analysis.days import day_bounds
from bot.cli._common import (
    CliError,
    add_config_option,
    add_db_option,
    guild_id,
    settings_from,
)
from bot.cli._days import check_length, day_range, opened_store, worded_errors
from bot.export import (
    FORMATS,
    FORMATS_OF,
    KINDS,
    SHOWN_AS,
    SUMMARY_DAYS,
    MessagesCsv,
    format_problem,
    write_connections,
    write_connections_graphml,
    write_inferred_replies,
    write_summaries,
)
from bot.settings import Settings
from bot.store import Store
from bot.summaries import SummaryService

HELP = (
    "write a guild's daily summaries, connections, inferred replies or messages as CSV, JSON "
    "or GraphML"
)

_EPILOG = (
    "Days are YYYY-MM-DD, local days of the guild's time zone, --to included. "
    f"Without --from and --to, summaries cover the last {SUMMARY_DAYS} days ending "
    "yesterday in the guild's time zone (or on the latest day with messages, when "
    "yesterday has none), and connections and messages cover all time. "
    "Without --guild, the database's only guild (see ascolto guilds). "
    "Formats by kind: "
    + "; ".join(f"{kind}: {', '.join(formats)}" for kind, formats in FORMATS_OF.items())
    + "."
)


@dataclass(frozen=True, slots=True)
class _Request:
    """What the command line asked for, checked as far as it can be without the database."""

    kind: str
    fmt: str
    guild_id: int | None  # None: the store's only guild
    span: tuple[date, date] | None
    output: Path | None
    names: bool
    content: bool


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto export``."""
    parser.epilog = _EPILOG
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--guild",
        type=guild_id,
        metavar="ID",
        help="the guild (server) id; needed when the database holds several (ascolto guilds)",
    )
    parser.add_argument(
        "--from",
        dest="first",
        metavar="YYYY-MM-DD",
        help=f"first day (with --to; default: summaries {SUMMARY_DAYS} days, others all time)",
    )
    parser.add_argument(
        "--to", dest="last", metavar="YYYY-MM-DD", help="last day, included (with --from)"
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=FORMATS,
        required=True,
        metavar="FORMAT",
        help=f"{' | '.join(FORMATS)} (graphml: connections only; messages: csv only)",
    )
    parser.add_argument(
        "--output", type=Path, metavar="PATH", help="write to this file (default: standard output)"
    )
    parser.add_argument(
        "--names", action="store_true", help="connections: add the members' display names"
    )
    parser.add_argument(
        "--content", action="store_true", help="messages: add the stored text (a content column)"
    )


def run(args: argparse.Namespace) -> int:
    """Check the request, read the rows and write them."""
    request = _request(args)
    settings = settings_from(args)
    for note in asyncio.run(_export(settings, request)):
        print(f"note: {note}", file=sys.stderr)
    return 0


def _request(args: argparse.Namespace) -> _Request:
    """Every mistake that needs no database is caught here."""
    problem = format_problem(args.kind, args.fmt)
    if problem is not None:
        raise CliError(problem)
    if args.names and args.kind != "connections":
        raise CliError(f"--names is only for connections, not {args.kind}")
    if args.content and args.kind != "messages":
        raise CliError(f"--content is only for messages, not {args.kind}")
    span = day_range(args.first, args.last)
    if span is not None and args.kind == "summaries":
        check_length(*span)
    output: Path | None = args.output
    if output is not None:
        if output.is_dir():
            raise CliError(f"--output {output} is a folder; give a file name")
        if not output.parent.is_dir():
            raise CliError(f"--output {output}: there is no folder {output.parent}")
    return _Request(args.kind, args.fmt, args.guild, span, output, args.names, args.content)


async def _export(settings: Settings, request: _Request) -> list[str]:
    """Read and write the export; returns the notes for stderr, if any."""
    async with opened_store(settings) as store:
        with worded_errors(store.path, "export"):
            service = SummaryService(store, settings.defaults)
            guild_id = await service.choose_guild(request.guild_id)
            if request.kind == "summaries":
                return await _write_summaries(service, guild_id, request)
            timezone = await service.timezone(guild_id)
        start, end = (None, None)
        if request.span is not None:
            start = day_bounds(request.span[0], timezone)[0]
            end = day_bounds(request.span[1], timezone)[1]
        if request.kind == "connections":
            pairs = await store.exports.connections(guild_id, start, end)
            if request.fmt == "graphml":
                inferred = await store.exports.inferred_pairs(guild_id, start, end)
                with _binary_output(request.output) as raw:
                    write_connections_graphml(raw, pairs, names=request.names, inferred=inferred)
            else:
                with _text_output(request.output) as out:
                    write_connections(out, pairs, request.fmt, names=request.names)
            return []
        if request.kind == "inferred_replies":
            rows = await store.exports.inferred_replies(guild_id, start, end)
            with _text_output(request.output) as out:
                write_inferred_replies(out, rows, request.fmt)
            return []
        await _write_messages(store, guild_id, start, end, request)
        return []


async def _write_summaries(service: SummaryService, guild_id: int, request: _Request) -> list[str]:
    """Write the summaries asked for (default: the last days with messages); returns notes
    when the days are not quite those asked for, and when some values are unknown."""
    days = await service.guild_days(guild_id, clock.utcnow())
    note = None
    if request.span is None:
        span = await service.recent(days, SUMMARY_DAYS)
        if span.last != days.latest:
            note = (
                f"no --from/--to given: exporting {span.first} to {span.last}, "
                "ending on the latest day with messages"
            )
    else:
        span = days.span(*request.span)
        if span.shortened:
            note = f"guild {guild_id} was first observed on {span.first}; the export starts there"
    found = await service.read(days, span, clock.utcnow())
    unknowns = await service.unknowns(found)
    with _text_output(request.output) as out:
        write_summaries(out, found, request.fmt, unknowns.fields)
    notes = [] if note is None else [note]
    if unknowns:
        notes.append(unknowns.why(SHOWN_AS[request.fmt]))
    return notes


async def _write_messages(
    store: Store, guild_id: int, start: str | None, end: str | None, request: _Request
) -> None:
    # aclosing: when the reader goes away (a BrokenPipeError from a write), the rows'
    # cursor is closed here, while the database is still open, not later by the garbage
    # collector on a closed one (which printed a traceback).
    rows = store.exports.messages(guild_id, start, end, content=request.content)
    async with contextlib.aclosing(rows):
        with _text_output(request.output) as out:
            table = MessagesCsv(out, content=request.content)
            async for batch in rows:
                table.write(batch)


@contextlib.contextmanager
def _text_output(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or a UTF-8 file that appears only once it is complete."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with _replacing(path) as part, part.open("w", encoding="utf-8", newline="") as out:
        yield out


@contextlib.contextmanager
def _binary_output(path: Path | None) -> Iterator[IO[bytes]]:
    """Standard output's bytes, or a file that appears only once it is complete."""
    if path is None:
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with _replacing(path) as part, part.open("wb") as out:
        yield out


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` that replaces it on success and is removed on
    failure, so an interrupted export leaves no half-written file behind."""
    part = path.with_name(f".{path.name}.part")
    try:
        yield part
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
