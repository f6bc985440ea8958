"""What the pages of a guild share: its guild, its days, its export links, its pictures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from aiohttp import web

from bot.dashboard.config import DATA
from bot.dashboard.data import Guild
from bot.dashboard.params import asked_days, guild_id
from bot.dashboard.render import link
from bot.export import FORMATS_OF
from bot.summaries import DayRange


async def guild_of(request: web.Request) -> Guild:
    """The guild the address names: 400 when it is no id, 404 when unknown."""
    return await request.app[DATA].guild(guild_id(request.match_info["guild"]))


def days_of(request: web.Request, guild: Guild, default_days: int) -> DayRange:
    """The days the address asks for, or the page's default, checked. A default that
    starts before the guild was first observed starts there, without a note."""
    asked = asked_days(request.query)
    span = request.app[DATA].span(guild, asked, default_days)
    return span if asked.given else DayRange(span.first, span.last, span.first)


def range_params(span: DayRange) -> dict[str, str]:
    """The query that names ``span``: ``day`` for one day, else ``from`` and ``to``."""
    if span.first == span.last:
        return {"day": span.first.isoformat()}
    return {"from": span.first.isoformat(), "to": span.last.isoformat()}


@dataclass(frozen=True, slots=True)
class ExportLink:
    """A link to one export of the page's table."""

    label: str
    href: str


def export_links(guild: Guild, kind: str, span: DayRange | None) -> list[ExportLink]:
    """The links to ``kind`` in each of its formats, for the same days as the page."""
    params = {} if span is None else {"from": span.first.isoformat(), "to": span.last.isoformat()}
    return [
        ExportLink(fmt.upper(), link(f"/g/{guild.guild_id}/export/{kind}.{fmt}", params))
        for fmt in FORMATS_OF[kind]
    ]


async def svg(
    request: web.Request, key: Hashable, inputs: object, draw: Callable[[], bytes]
) -> web.Response:
    """A picture served as SVG: the one drawn for ``key`` from ``inputs`` while they are
    the same (``==``: a write elsewhere in the store does not draw it again), else the
    one ``draw()`` makes of them, drawn in a worker thread (matplotlib blocks)."""
    body = await request.app[DATA].cache.get(key, lambda: asyncio.to_thread(draw), inputs)
    return web.Response(body=body, content_type="image/svg+xml")
