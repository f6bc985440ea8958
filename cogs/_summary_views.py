"""Turning summaries into what Discord shows: names from the guild, links, the chart file,
and the words for a request the summaries cannot meet."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

import discord

from bot.analysis.summary import DailySummary
from bot.errors import UserError
from bot.render.chart import ChartSpan, trend_chart
from bot.render.digest import TREND_FILENAME, JumpUrl
from bot.store.digest_context import Opener
from bot.store.newcomers import NewcomerDay
from bot.summaries import BadTimezone, DayNotEnded, NoDataForPeriod, SummaryError, TooManyDays


def explained(error: SummaryError) -> UserError:
    """What a manager reads when the days asked for cannot be summarised."""
    if isinstance(error, DayNotEnded):
        return UserError(
            f"{error.day} has not ended yet in {error.timezone}: "
            f"the latest full day is {error.latest}."
        )
    if isinstance(error, NoDataForPeriod):
        since = error.first_observed
        return UserError(
            "There is no data for that period: Ascolto started listening here "
            + (f"on {since}." if since else "only just now.")
        )
    if isinstance(error, TooManyDays):
        return UserError(
            f"That is {error.days} days of summaries; export at most {error.limit} at a time."
        )
    if isinstance(error, BadTimezone):
        return UserError(
            f"This server's time zone is not one I know ({error.reason}): "
            "set it again with `/config digest set`."
        )
    return UserError(f"{str(error).capitalize()}.")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the summaries' refusals into :class:`UserError`, for the one error handler."""
    try:
        yield
    except SummaryError as exc:
        raise explained(exc) from None


def with_names(summary: DailySummary, guild: discord.Guild) -> DailySummary:
    """Fill names the store does not know (members never seen posting) from the guild."""

    return replace(
        summary,
        top_connectors=tuple(
            replace(c, name=_name(guild, c.user_id, c.name)) for c in summary.top_connectors
        ),
        broadcasters=tuple(
            replace(b, name=_name(guild, b.user_id, b.name)) for b in summary.broadcasters
        ),
    )


def newcomers_named(newcomers: NewcomerDay, guild: discord.Guild) -> NewcomerDay:
    """The day's newcomers, with names the store does not know taken from the guild."""
    return NewcomerDay(
        joined=tuple(replace(n, name=_name(guild, n.user_id, n.name)) for n in newcomers.joined),
        first_messages=tuple(
            replace(f, name=_name(guild, f.user_id, f.name)) for f in newcomers.first_messages
        ),
    )


def openers_named(openers: Mapping[int, Opener], guild: discord.Guild) -> dict[int, Opener]:
    """Conversations' first messages, with names the store does not know from the guild."""
    return {key: replace(o, name=_name(guild, o.author_id, o.name)) for key, o in openers.items()}


def _name(guild: discord.Guild, user_id: int, known: str | None) -> str | None:
    if known is not None:
        return known
    member = guild.get_member(user_id)
    return member.display_name if member is not None else None


def jump_url_for(guild_id: int) -> JumpUrl:
    """Links into the guild: a message in a channel or thread."""

    def jump_url(channel_id: int, message_id: int) -> str:
        return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"

    return jump_url


async def chart_file(
    summaries: Sequence[DailySummary], span: ChartSpan, guild_name: str
) -> discord.File:
    """The trend chart of ``span`` as an attachment, drawn off the event loop; its title
    is also its description (the image's alt text)."""
    png = await asyncio.to_thread(trend_chart, list(summaries), span, guild_name=guild_name)
    return discord.File(
        io.BytesIO(png), filename=TREND_FILENAME, description=span.title(guild_name)
    )
