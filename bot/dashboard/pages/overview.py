"""A guild's overview: the digest's figures for a day (with their usual values) or a
range (day by day), and the 90-day trends."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from bot.dashboard import render
from bot.dashboard.charts import trends_svg
from bot.dashboard.config import DATA
from bot.dashboard.data import TREND_DAYS, missing_days
from bot.dashboard.pages._common import days_of, export_links, guild_of, range_params, svg
from bot.dashboard.render import link
from bot.render.digest import headlines
from bot.render.inferred import inferred_note


async def overview(request: web.Request) -> web.StreamResponse:
    """The overview of a day (default: the latest with a stored summary) or a range."""
    data = request.app[DATA]
    guild = await guild_of(request)
    span = days_of(request, guild, 1)
    figures = await data.days(guild, span.first, span.last)
    one_day = figures[-1]
    figures_shown = None
    note = ""
    if span.first == span.last and one_day.summary is not None:
        usual = await data.usual(guild, span.last)
        figures_shown = [
            (label, value.split("\n"))
            for label, value in headlines(one_day.summary, usual, one_day.unknown)
        ]
        if guild.inferred:
            note = inferred_note(one_day.summary.inferred_replies)
    return render.page(
        request,
        "overview.html",
        title=f"{guild.title} · overview",
        guild=guild,
        span=span,
        params=range_params(span),
        figures=figures,
        headlines=figures_shown,
        inferred_note=note,
        missing=missing_days(figures),
        trend_days=TREND_DAYS,
        chart=link(f"/g/{guild.guild_id}/trends.svg", day=span.last.isoformat()),
        exports=export_links(guild, "summaries", span),
        section="overview",
    )


async def trends(request: web.Request) -> web.StreamResponse:
    """The 90 days ending on ``day`` (default: the guild's default day) as SVG."""
    data = request.app[DATA]
    guild = await guild_of(request)
    span = days_of(request, guild, 1)

    first, summaries = await data.trend(guild, span.last)
    key = ("trends.svg", guild.guild_id, guild.days.timezone, guild.inferred, span.last)
    return await svg(
        request, key, (first, summaries), partial(trends_svg, summaries, first, span.last)
    )
