"""``/g/{guild}/export/{kind}.{format}``: the files of ``ascolto export``, by bot/export.py's
writers, for the days of the page that links them.

Summaries are the stored ones (the dashboard computes nothing): a day not computed yet
is absent from the file. Without days, summaries cover the 30 days ending on the
guild's default day, the others all time, as on the command line. Connections carry
the members' names (the pages show them too); members who opted out are left out.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

from aiohttp import web

from bot.analysis.days import day_bounds
from bot.dashboard.config import DATA
from bot.dashboard.pages._common import guild_of
from bot.dashboard.params import NotFound, asked_days
from bot.dashboard.streamed import JsonArray, connection_elements, connection_lines
from bot.export import (
    SUMMARY_DAYS,
    MessagesCsv,
    SafeCsvWriter,
    connection_columns,
    format_problem,
    write_connections_graphml,
    write_inferred_replies,
    write_summaries,
)
from bot.store.readonly import ReadOnlyStore

BATCH = 2000  # pairs of the connections export read and sent at a time
CONTENT_TYPES = {"csv": "text/csv", "json": "application/json", "graphml": "application/xml"}


async def export(request: web.Request) -> web.StreamResponse:
    """One export file, downloaded."""
    data = request.app[DATA]
    guild = await guild_of(request)
    kind, _, fmt = request.match_info["file"].rpartition(".")
    problem = format_problem(kind, fmt) if kind else f"{request.match_info['file']!r} has no format"
    if problem is not None:
        raise NotFound(
            "No such export",
            f"{problem}. Exports are named KIND.FORMAT, for example summaries.csv.",
        )
    asked = asked_days(request.query)
    if kind == "summaries":
        span = data.span(guild, asked, SUMMARY_DAYS)
    elif asked.given:
        span = data.span(guild, asked, 1)
    else:
        span = None
    name = f"ascolto-{guild.guild_id}-{kind}"
    if span is not None:
        name += f"-{span.first}-{span.last}"
    response = web.StreamResponse(
        headers={
            "Content-Type": f"{CONTENT_TYPES[fmt]}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        }
    )
    tz = guild.days.timezone
    start = None if span is None else day_bounds(span.first, tz)[0]
    end = None if span is None else day_bounds(span.last, tz)[1]
    store = data.store
    opted_out = await store.dashboard.opted_out(guild.guild_id)
    text = io.StringIO()
    if kind == "summaries":
        assert span is not None
        found = await store.summaries.stored(guild.guild_id, span.first, span.last)
        unknowns = await data.service.unknowns(found)
        write_summaries(text, found, fmt, unknowns.fields)
    elif kind == "connections" and fmt != "graphml":
        await response.prepare(request)
        async for part in _connections(store, guild.guild_id, start, end, opted_out, fmt):
            await response.write(part)
        await response.write_eof()
        return response
    elif kind == "connections":  # GraphML: a graph, written whole
        pairs = [
            c
            for c in await store.exports.connections(guild.guild_id, start, end)
            if c.source not in opted_out and c.target not in opted_out
        ]
        inferred = [
            p
            for p in await store.exports.inferred_pairs(guild.guild_id, start, end)
            if p.source not in opted_out and p.target not in opted_out
        ]
        raw = io.BytesIO()
        write_connections_graphml(raw, pairs, names=True, inferred=inferred)
        await response.prepare(request)
        await response.write(raw.getvalue())
        await response.write_eof()
        return response
    elif kind == "inferred_replies":
        rows = [
            row
            for row in await store.exports.inferred_replies(guild.guild_id, start, end)
            if row[3] not in opted_out and row[5] not in opted_out
        ]
        write_inferred_replies(text, rows, fmt)
    else:  # messages, CSV: streamed, a batch at a time (it may hold millions of rows)
        table = MessagesCsv(text, content=False)
        await response.prepare(request)
        async for batch in store.exports.messages(guild.guild_id, start, end):
            table.write(batch)
            await response.write(_take(text))
        await response.write(_take(text))
        await response.write_eof()
        return response
    await response.prepare(request)
    await response.write(text.getvalue().encode("utf-8"))
    await response.write_eof()
    return response


async def _connections(
    store: ReadOnlyStore,
    guild_id: int,
    start: str | None,
    end: str | None,
    opted_out: frozenset[int],
    fmt: str,
) -> AsyncIterator[bytes]:
    """The connections file (CSV or JSON) in parts, a batch of pairs at a time (a busy
    week holds about 100,000), as ``write_connections`` writes it whole."""
    text = io.StringIO()
    array = JsonArray()
    if fmt == "csv":
        SafeCsvWriter(text).writerow(connection_columns(names=True))
    async for batch in store.dashboard.connections(guild_id, start, end, opted_out, BATCH):
        if fmt == "json":
            text.write(array.elements(connection_elements(batch)))
        else:
            text.write(connection_lines(batch))
        yield _take(text)
    if fmt == "json":
        text.write(array.end())
    yield _take(text)


def _take(text: io.StringIO) -> bytes:
    """What was written to ``text`` since the last take, as UTF-8; ``text`` is emptied."""
    value = text.getvalue()
    text.seek(0)
    text.truncate()
    return value.encode("utf-8")
