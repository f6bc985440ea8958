"""Asking for the numbers: /summary, /trend and /member for managers, /me for everyone."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis.days import parse_day
from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.errors import UserError
from bot.render.chart import ChartSpan
from bot.render.digest import digest_embed, summary_embed
from bot.render.inferred import shown_summary
from bot.render.legend import installed_metrics_url
from bot.render.profile import profile_embed
from cogs._checks import require_manage_guild
from cogs._summary_views import (
    chart_file,
    jump_url_for,
    newcomers_named,
    user_errors,
    with_names,
)


class Summaries(commands.Cog):
    """Daily summaries, trends and member profiles on request.

    Each command checks its options first, so that a mistake gets a private answer at
    once, then defers (Discord waits 3 seconds only) and sends the result when ready.
    """

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

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
        service = self.bot.summaries
        with user_errors():
            days = await service.guild_days(guild.id, utcnow())
        try:
            wanted = parse_day(day) if day else days.latest
        except ValueError as exc:
            raise UserError(f"{exc}, for example {days.latest}.") from None
        with user_errors():
            span = days.span(wanted, wanted)
        await interaction.response.defer(ephemeral=not public, thinking=True)
        [found] = await service.read(days, span, utcnow())
        unknowns = await service.unknowns([found])
        [unknown], why = unknowns.fields, unknowns.why()
        found = with_names(found, guild)
        newcomers = newcomers_named(await self.bot.digests.newcomers(found), guild)
        jump = jump_url_for(guild.id)
        opted_out = await service.opted_out(guild.id)
        inferred = await service.inference_shown(guild.id)
        if public:
            settings = await self.bot.digests.settings(guild.id)
            # In the channel, names follow the digest's show_people, as in the digest.
            embed = digest_embed(
                found,
                guild_name=guild.name,
                show_people=bool(settings and settings.show_people),
                jump_url=jump,
                newcomers=newcomers,
                newcomers_label="Newcomers",
                metrics_url=installed_metrics_url(),
                unknown=unknown,
                why=why,
                opted_out=opted_out,
                inferred=inferred,
            )
            embed.set_image(url=None)  # /summary attaches no chart: /trend draws it
        else:
            embed = summary_embed(
                found,
                jump_url=jump,
                newcomers=newcomers,
                unknown=unknown,
                why=why,
                opted_out=opted_out,
                inferred=inferred,
            )
        await interaction.followup.send(embed=embed, ephemeral=not public)

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
        service = self.bot.summaries
        # At once, before any read: days with no stored summary are computed, which
        # can take longer than the 3 seconds Discord waits for an answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        with user_errors():
            calendar = await service.guild_days(guild.id, utcnow())
            span = calendar.last_days(days)
        found = await service.read(calendar, span, utcnow())
        inferred = await service.inference_shown(guild.id)
        found = [shown_summary(day, inferred) for day in found]
        # The whole range asked for: days before Ascolto arrived show as not observed.
        chart_span = ChartSpan.observed_days(span.asked_first, span.last, calendar.first_observed)
        chart = await chart_file(found, chart_span, guild.name)
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
        await interaction.response.defer(ephemeral=True, thinking=True)
        with user_errors():
            found = await self.bot.summaries.member_week(guild_id, member.id, utcnow())
        embed = profile_embed(member.display_name, found, own=own)
        await interaction.followup.send(embed=embed, ephemeral=True)


async def setup(bot: AscoltoBot) -> None:
    """Load the summary commands."""
    await bot.add_cog(Summaries(bot))
