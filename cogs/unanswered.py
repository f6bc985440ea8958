"""``/unanswered``: the questions and newcomers' first messages that wait for a response
(or, ``expired:true``, that went unanswered), for managers, a page at a time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.errors import UserError
from bot.render.reminders import UNANSWERED_PAGE, unanswered_embed
from bot.render.text import Names
from bot.settings import MAX_ALERT_MINUTES
from bot.store.alerts import EXPIRED_LISTED_DAYS, AlertItem
from cogs._checks import require_manage_guild
from cogs._respond import answer, thinking
from cogs._visibility import member_sights

PAGE_SIZE = UNANSWERED_PAGE
PAGES_TIMEOUT_SECONDS = 600.0

Place = discord.TextChannel | discord.ForumChannel | discord.VoiceChannel | discord.Thread


class Pages(discord.ui.View):
    """Previous and Next buttons over a list of waiting items; only for who asked."""

    def __init__(
        self,
        guild_id: int,
        items: Sequence[AlertItem],
        owner_id: int,
        quotable: AbstractSet[int] = frozenset(),
        *,
        expired: bool = False,
        expire_days: int = 7,
        names: Names | None = None,
    ) -> None:
        super().__init__(timeout=PAGES_TIMEOUT_SECONDS)
        self.names = names
        self.guild_id = guild_id
        self.items = items
        self.owner_id = owner_id
        self.quotable = quotable
        self.expired = expired
        self.expire_days = expire_days
        self.page = 0
        self.pages = max(math.ceil(len(items) / PAGE_SIZE), 1)
        self._update_buttons()

    def embed(self) -> discord.Embed:
        """The current page."""
        return unanswered_embed(
            self.guild_id,
            self.items,
            self.page,
            self.pages,
            self.quotable,
            expired=self.expired,
            expire_days=self.expire_days,
            names=self.names,
        )

    def _update_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction[AscoltoBot]) -> bool:  # type: ignore[override]
        return interaction.user.id == self.owner_id

    async def _turn(self, interaction: discord.Interaction[AscoltoBot], step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[AscoltoBot], _: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[AscoltoBot], _: discord.ui.Button[Pages]
    ) -> None:
        await self._turn(interaction, 1)


class Unanswered(commands.Cog):
    """Lists what is still waiting for an answer."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    @app_commands.command(name="unanswered")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_guild)
    @app_commands.describe(
        channel="Only items posted in this channel or thread (default: everywhere)",
        older_than_minutes="Only items posted at least this many minutes ago "
        f"(0 to {MAX_ALERT_MINUTES}; default 0)",
        expired="List what went unanswered instead: no response in time, asked in the "
        f"last {EXPIRED_LISTED_DAYS} days (default: false)",
    )
    async def unanswered(
        self,
        interaction: discord.Interaction[AscoltoBot],
        channel: Place | None = None,
        older_than_minutes: int = 0,
        expired: bool = False,
    ) -> None:
        """Questions and newcomers' first messages waiting for a response, oldest first
        (Manage Server)."""
        if not 0 <= older_than_minutes <= MAX_ALERT_MINUTES:
            raise UserError(
                f"`older_than_minutes` must be a whole number from 0 to {MAX_ALERT_MINUTES} "
                f"(7 days), not {older_than_minutes}."
            )
        assert interaction.guild_id is not None  # guild_only
        await thinking(interaction)
        items = await self.bot.reminders.unanswered(
            interaction.guild_id,
            utcnow(),
            channel_id=channel.id if channel is not None else None,
            older_than=timedelta(minutes=older_than_minutes),
            expired=expired,
        )
        # Every waiting item is listed, for the team to see what waits; the text only
        # of those the manager can read.
        user = interaction.user
        member = user if isinstance(user, discord.Member) else None
        _, quotable = await member_sights(self.bot, interaction.guild, member, items)
        pages = Pages(
            interaction.guild_id,
            items,
            user.id,
            quotable,
            expired=expired,
            expire_days=self.bot.reminders.expire_days,
            names=interaction.guild,
        )
        # One page needs no buttons; the pages are all in memory, so turning one answers
        # at once.
        await answer(interaction, embed=pages.embed(), view=pages if pages.pages > 1 else None)


async def setup(bot: AscoltoBot) -> None:
    """Load /unanswered."""
    await bot.add_cog(Unanswered(bot))
