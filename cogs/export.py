"""/export for managers: the server's summaries, connections, inferred replies or messages
as a file."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis.days import day_bounds, parse_day
from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.errors import UserError
from bot.export import (
    SHOWN_AS,
    SUMMARY_DAYS,
    MessagesCsv,
    Upload,
    format_problem,
    write_connections,
    write_connections_graphml,
    write_inferred_replies,
    write_summaries,
)
from bot.summaries import DayRange, GuildDays
from cogs._checks import require_manage_guild
from cogs._summary_views import user_errors

Kind = Literal["summaries", "connections", "inferred_replies", "messages"]
Format = Literal["csv", "json", "graphml"]

# Discord's upload limit when the guild does not say (a server without boosts).
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024
_MEGABYTE = 1024 * 1024


def upload_limit(guild: discord.Guild | None) -> int:
    """The largest file the bot may attach in this guild."""
    return guild.filesize_limit if guild is not None else DEFAULT_UPLOAD_LIMIT


@dataclass(frozen=True, slots=True)
class _Request:
    """An export a manager asked for, checked."""

    kind: str
    format: str
    guild_id: int
    span: tuple[date, date] | None  # None: all time
    days: GuildDays
    summary_days: DayRange | None  # kind summaries: the days checked by the service
    names: bool
    content: bool

    def filename(self) -> str:
        """The attachment's name: what it holds, and its days."""
        days = "" if self.span is None else f"-{self.span[0]}-{self.span[1]}"
        return f"ascolto-{self.kind}{days}.{self.format}"

    def command_line(self) -> str:
        """The ``ascolto export`` command that writes the same file on the server."""
        words = ["ascolto", "export", self.kind, "--guild", str(self.guild_id)]
        if self.span is not None:
            words += ["--from", str(self.span[0]), "--to", str(self.span[1])]
        words += ["--format", self.format]
        words += ["--names"] * self.names + ["--content"] * self.content
        return " ".join([*words, "--output", self.filename()])


class Export(commands.Cog):
    """Exports of a server's data for managers, as CSV, JSON or GraphML files."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    @app_commands.command(name="export")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_guild)
    @app_commands.rename(from_day="from", to_day="to")
    @app_commands.describe(
        kind=(
            "Daily summaries, the network of connections, replies inferred from the flow "
            "of conversation, or message metadata"
        ),
        format="csv or json; graphml for connections (Gephi); messages come as csv only",
        from_day=(
            f"First day, YYYY-MM-DD, with `to` (default: summaries {SUMMARY_DAYS} days, "
            "the rest all time)"
        ),
        to_day="Last day, YYYY-MM-DD, included",
        names="Connections only: add the members' display names",
        content="Messages only: add the stored message text",
    )
    async def export(
        self,
        interaction: discord.Interaction[AscoltoBot],
        kind: Kind,
        format: Format,
        from_day: str | None = None,
        to_day: str | None = None,
        names: bool = False,
        content: bool = False,
    ) -> None:
        """Download this server's data as a file: summaries, connections, inferred replies or
        messages."""
        guild = interaction.guild
        assert guild is not None
        problem = format_problem(kind, format)
        if problem is not None:
            raise UserError(f"{problem[0].upper()}{problem[1:]}.")
        if names and kind != "connections":
            raise UserError("`names:true` is only for `kind:connections`.")
        if content and kind != "messages":
            raise UserError("`content:true` is only for `kind:messages`.")
        with user_errors():
            days = await self.bot.summaries.guild_days(guild.id, utcnow())
        span = _span(from_day, to_day, days.latest)
        summary_days = None
        if kind == "summaries":
            with user_errors():
                summary_days = days.span(*span) if span else days.last_days(SUMMARY_DAYS)
            span = summary_days.first, summary_days.last
        request = _Request(kind, format, guild.id, span, days, summary_days, names, content)

        await interaction.response.defer(ephemeral=True, thinking=True)
        upload = Upload(upload_limit(guild))
        why = await self._write(request, upload)
        if upload.too_large:
            await interaction.followup.send(
                f"This export is too large for Discord ({_megabytes(upload.size)} MB): use "
                f"`{request.command_line()}` on the server. Discord takes files up to "
                f"{_megabytes(upload.limit)} MB here.",
                ephemeral=True,
            )
            return
        period = "all time" if span is None else f"{span[0]} to {span[1]}"
        done = f"{kind.replace('_', ' ').capitalize()} of {guild.name}, {period} ({format})."
        await interaction.followup.send(
            f"{done}\n{why}" if why else done,
            file=discord.File(io.BytesIO(upload.getvalue()), filename=request.filename()),
            ephemeral=True,
        )

    async def _write(self, request: _Request, upload: Upload) -> str:
        """Read the rows and write the file (in a worker thread); returns the line saying
        why some summaries' values are unknown, or ""."""
        store, guild_id, span = self.bot.store, request.guild_id, request.span
        if request.summary_days is not None:
            found = await self.bot.summaries.read(request.days, request.summary_days, utcnow())
            unknowns = await self.bot.summaries.unknowns(found)
            await asyncio.to_thread(write_summaries, upload, found, request.format, unknowns.fields)
            return unknowns.why(SHOWN_AS[request.format]) if unknowns else ""
        tz = request.days.timezone
        start = None if span is None else day_bounds(span[0], tz)[0]
        end = None if span is None else day_bounds(span[1], tz)[1]
        if request.kind == "connections":
            pairs = await store.exports.connections(guild_id, start, end)
            if request.format == "graphml":
                inferred = await store.exports.inferred_pairs(guild_id, start, end)
                await asyncio.to_thread(
                    write_connections_graphml,
                    upload,
                    pairs,
                    names=request.names,
                    inferred=inferred,
                )
            else:
                await asyncio.to_thread(
                    write_connections, upload, pairs, request.format, names=request.names
                )
            return ""
        if request.kind == "inferred_replies":
            rows = await store.exports.inferred_replies(guild_id, start, end)
            await asyncio.to_thread(write_inferred_replies, upload, rows, request.format)
            return ""
        table = MessagesCsv(upload, content=request.content)
        async for batch in store.exports.messages(guild_id, start, end, content=request.content):
            await asyncio.to_thread(table.write, batch)
        return ""


def _span(from_day: str | None, to_day: str | None, example: date) -> tuple[date, date] | None:
    """``from`` and ``to`` as days, both or neither (None)."""
    if (from_day is None) != (to_day is None):
        raise UserError("Give both `from` and `to` (YYYY-MM-DD), or neither.")
    if from_day is None or to_day is None:
        return None
    try:
        first, last = parse_day(from_day), parse_day(to_day)
    except ValueError as exc:
        raise UserError(f"{exc}, for example {example}.") from None
    if first > last:
        raise UserError(f"`from` {first} is after `to` {last}.")
    return first, last


def _megabytes(size: int) -> str:
    return f"{max(size / _MEGABYTE, 0.1):.1f}"


async def setup(bot: AscoltoBot) -> None:
    """Load /export."""
    await bot.add_cog(Export(bot))
