"""Asking for the numbers: /summary, /trend and /member for managers, /me for everyone."""

from __future__ import annotations

from datetime import date, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis.days import day_bounds, local_day, parse_day
from bot.analysis.summary import DailySummary
from bot.app import AscoltoBot
from bot.clock import to_db_time, utcnow
from bot.errors import UserError
from bot.render.digest import digest_embed, summary_embed
from bot.render.profile import profile_embed
from cogs._checks import require_manage_guild
from cogs._summary_views import chart_file, jump_url_for, with_names


class Summaries(commands.Cog):
    """Daily summaries, trends and member profiles on request."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    async def _timezone(self, guild_id: int) -> str:
        return await self.bot.store.guilds.timezone(guild_id, self.bot.settings.defaults.timezone)

    async def _days(self, guild_id: int, first: date, last: date, tz: str) -> list[DailySummary]:
        """Summaries of observed days in ``first..last``, computing the missing ones."""
        observed = await self.bot.store.guilds.first_seen_day(guild_id, tz)
        if observed is None or last < observed:
            raise UserError(
                "There is no data for that period: Ascolto started listening here "
                + (f"on {observed}." if observed else "only just now.")
            )
        return await self.bot.store.summaries.ensure(
            guild_id, max(first, observed), last, tz, to_db_time(utcnow()), self.bot.digests.rule
        )

    @app_commands.command(name="summary")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_guild)
    @app_commands.describe(
        day="The day, as YYYY-MM-DD (default: yesterday)",
        public="Post it in the channel for everyone (default: only you see it)",
    )
    async def summary(
        self,
        interaction: discord.Interaction[AscoltoBot],
        day: str | None = None,
        public: bool = False,
    ) -> None:
        """A day's networking summary: talk and listening, questions, connections, people."""
        guild = interaction.guild
        assert guild is not None
        tz = await self._timezone(guild.id)
        yesterday = local_day(utcnow(), tz) - timedelta(days=1)
        try:
            wanted = parse_day(day) if day else yesterday
        except ValueError as exc:
            raise UserError(f"{exc}, for example {yesterday}.") from None
        if wanted > yesterday:
            raise UserError(
                f"{wanted} has not ended yet in {tz}: the latest full day is {yesterday}."
            )
        [found] = await self._days(guild.id, wanted, wanted, tz)
        found = with_names(found, guild)
        jump = jump_url_for(guild.id)
        if public:
            settings = await self.bot.store.digests.settings(guild.id)
            embed = digest_embed(
                found,
                None,
                guild_name=guild.name,
                show_people=bool(settings and settings.show_people),
                jump_url=jump,
            )
            embed.set_image(url=None)  # /summary attaches no chart: /trend draws it
        else:
            embed = summary_embed(found, jump_url=jump)
        await interaction.response.send_message(embed=embed, ephemeral=not public)

    @app_commands.command(name="trend")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_guild)
    @app_commands.describe(days="How many days back, from 7 to 90 (default 14)")
    async def trend(self, interaction: discord.Interaction[AscoltoBot], days: int = 14) -> None:
        """A chart of the last days: messages, listening ratio, new connections, answers."""
        if not 7 <= days <= 90:
            raise UserError(f"`days` must be between 7 and 90; {days} is not.")
        guild = interaction.guild
        assert guild is not None
        tz = await self._timezone(guild.id)
        last = local_day(utcnow(), tz) - timedelta(days=1)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self._days(guild.id, last - timedelta(days=days - 1), last, tz)
        chart = await chart_file(found, f"{guild.name} · last {days} days")
        await interaction.followup.send(file=chart, ephemeral=True)

    @app_commands.command(name="member")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_guild)
    @app_commands.describe(member="The member whose last 7 days to show")
    async def member(
        self, interaction: discord.Interaction[AscoltoBot], member: discord.Member
    ) -> None:
        """A member's last 7 days: talking, listening, connections, questions."""
        await self._profile(interaction, member, own=False)

    @app_commands.command(name="me")
    @app_commands.guild_only()
    async def me(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Your own last 7 days here: how much you talk, listen and connect."""
        assert isinstance(interaction.user, discord.Member)
        await self._profile(interaction, interaction.user, own=True)

    async def _profile(
        self, interaction: discord.Interaction[AscoltoBot], member: discord.Member, *, own: bool
    ) -> None:
        guild_id = member.guild.id
        if member.bot:
            raise UserError(f"{member.display_name} is a bot: Ascolto does not follow bots.")
        if not self.bot.policy.member_logged(guild_id, member.id):
            who = "You" if own else member.display_name
            raise UserError(f"{who} opted out of logging here, so there is nothing to show.")
        tz = await self._timezone(guild_id)
        today = local_day(utcnow(), tz)
        start, end = day_bounds(today - timedelta(days=6), tz)[0], day_bounds(today, tz)[1]
        found = await self.bot.store.profiles.profile(guild_id, member.id, start, end)
        embed = profile_embed(member.display_name, found, own=own)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: AscoltoBot) -> None:
    """Load the summary commands."""
    await bot.add_cog(Summaries(bot))
