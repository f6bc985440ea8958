"""Every member's private commands about listening: ``/inbox`` and ``/nudges``."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.errors import UserError
from bot.render.nudges import delivery
from bot.render.reminders import inbox_embed
from bot.store.inbox import InboxItem
from cogs._respond import answer, thinking
from cogs._visibility import member_sights

INBOX_SHOWN = 10  # items listed, each with its Done button
INBOX_TIMEOUT_SECONDS = 900.0


class InboxView(discord.ui.View):
    """A Done button per listed item; pressing one marks it and shows the inbox again."""

    def __init__(
        self, bot: AscoltoBot, guild_id: int, user_id: int, member: discord.Member | None = None
    ) -> None:
        super().__init__(timeout=INBOX_TIMEOUT_SECONDS)
        self.bot = bot
        self.guild_id = guild_id
        self.user_id = user_id
        self.member = member  # as the command saw them, should the cache not hold them

    async def refresh(self) -> discord.Embed:
        """Read the inbox again and rebuild the buttons; returns the embed to show."""
        items = await self.bot.reminders.inbox(self.guild_id, self.user_id, utcnow())
        # Messages from where the member cannot read are left out, not counted: Discord
        # does not tell them about those either, and they could not open one to answer.
        # Text is quoted only from where they can read (permissions may change while
        # the view lives, so this is decided again at each refresh).
        guild = self.bot.get_guild(self.guild_id)
        member = (guild.get_member(self.user_id) if guild is not None else None) or self.member
        items, quotable = await member_sights(self.bot, guild, member, items)
        shown = items[:INBOX_SHOWN]
        self.clear_items()
        for number, item in enumerate(shown, start=1):
            self.add_item(DoneButton(number, item))
        return inbox_embed(self.guild_id, shown, len(items), quotable, guild)

    async def interaction_check(self, interaction: discord.Interaction[AscoltoBot]) -> bool:  # type: ignore[override]
        return interaction.user.id == self.user_id


class DoneButton(discord.ui.Button[InboxView]):
    """Marks one inbox item as dealt with."""

    def __init__(self, number: int, item: InboxItem) -> None:
        super().__init__(
            label=f"Done {number}",
            style=discord.ButtonStyle.success,
            custom_id=f"inbox-done:{item.message_id}",
            row=(number - 1) // 5,
        )
        self.item = item

    async def callback(self, interaction: discord.Interaction[AscoltoBot]) -> None:  # type: ignore[override]
        view = self.view
        assert view is not None  # a button is only pressed inside its view
        # A write and a read, either of which may wait on the store for seconds: take
        # the press now (a deferred update) and edit the inbox in place when done.
        await interaction.response.defer()
        await view.bot.reminders.mark_done(
            view.guild_id, view.user_id, self.item.message_id, utcnow()
        )
        embed = await view.refresh()
        await answer(interaction, embed=embed, view=view)


class Inbox(commands.Cog):
    """What each member owes a reply to, and the daily DM they may ask for."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    @app_commands.command(name="inbox")
    @app_commands.guild_only()
    async def inbox(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Replies and mentions of the last 7 days still waiting for your answer (private)."""
        assert interaction.guild_id is not None  # guild_only
        await thinking(interaction)
        user = interaction.user
        member = user if isinstance(user, discord.Member) else None
        view = InboxView(self.bot, interaction.guild_id, user.id, member)
        embed = await view.refresh()
        await answer(interaction, embed=embed, view=view)

    nudges = app_commands.Group(
        name="nudges", description="A private daily DM about replies you owe", guild_only=True
    )

    @nudges.command(name="on")
    @app_commands.describe(hour="Local hour of the DM, 0 to 23 (default: the server's)")
    async def nudges_on(
        self, interaction: discord.Interaction[AscoltoBot], hour: int | None = None
    ) -> None:
        """Get at most one DM a day listing new replies you owe (never when there are none)."""
        assert interaction.guild_id is not None  # guild_only
        if hour is not None and not 0 <= hour <= 23:
            raise UserError(f"`hour` must be a whole hour from 0 to 23, not {hour}.")
        await thinking(interaction)
        on = await self.bot.reminders.turn_nudges_on(
            interaction.guild_id, interaction.user.id, hour, utcnow()
        )
        later = delivery(on.hour, on.timezone, on.quiet)
        await answer(
            interaction,
            f"Nudges are on: at most one DM a day, at {on.hour:02d}:00 ({on.timezone}), only "
            "when something new waits for you. "
            + (f"{later} " if later else "")
            + f"The first could come {discord.utils.format_dt(on.first_due, 'R')}. Keep your "
            "DMs open for this server. `/nudges off` stops them.",
        )

    @nudges.command(name="off")
    async def nudges_off(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Stop the daily DM."""
        assert interaction.guild_id is not None  # guild_only
        await thinking(interaction)
        if not await self.bot.reminders.turn_nudges_off(
            interaction.guild_id, interaction.user.id, utcnow()
        ):
            raise UserError("Nudges are already off. `/nudges on` turns them on.")
        await answer(interaction, "Nudges are off.")

    @nudges.command(name="status")
    async def nudges_status(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Whether you get the daily DM, when, and when the last one came."""
        assert interaction.guild_id is not None  # guild_only
        await thinking(interaction)
        nudge = await self.bot.reminders.nudges(interaction.guild_id, interaction.user.id)
        if nudge is None or not nudge.enabled:
            text = "Nudges are off (the default). `/nudges on` turns them on."
            if nudge is not None and nudge.dm_refused:
                text = (
                    "Nudges are off: Discord refused my DM, so I stopped trying. Allow direct "
                    "messages from this server's members, then `/nudges on`."
                )
        else:
            zone = await self.bot.reminders.timezone(interaction.guild_id)
            quiet = await self.bot.reminders.quiet_hours(interaction.guild_id)
            text = f"Nudges are on, at {nudge.hour:02d}:00 ({zone})."
            if later := delivery(nudge.hour, zone, quiet):
                text += f" {later}"
            if nudge.next_due_at is not None:
                text += f" Next check: {discord.utils.format_dt(nudge.next_due_at, 'f')}."
        if nudge is not None and nudge.last_sent_at is not None:
            text += f" Last DM: {discord.utils.format_dt(nudge.last_sent_at, 'f')}."
        await answer(interaction, text)


async def setup(bot: AscoltoBot) -> None:
    """Load /inbox and /nudges."""
    await bot.add_cog(Inbox(bot))
