"""Members' own privacy commands: every reply is private to the member who asked."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import from_db_time
from bot.render.text import plural
from bot.store.connection import OnBusy
from cogs._respond import answer, thinking, waiting_note


@app_commands.guild_only()
class Privacy(commands.GroupCog, group_name="privacy"):
    """See and choose what Ascolto keeps about you in this server.

    A command with something to count, delete or record answers "thinking…" first:
    deleting a long history can take seconds, longer than Discord waits.
    """

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="status")
    async def status(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Whether your activity here is logged, and what is stored about you."""
        guild, user = _ids(interaction)
        await thinking(interaction)
        found = await self.bot.policy.status(guild, user)
        if found.opted_out:
            since = (
                f" on {discord.utils.format_dt(from_db_time(found.changed_at), 'D')}"
                if found.changed_at
                else ""
            )
            text = (
                f"Logging of your activity in this server is **off** (you opted out{since}). "
                "Nothing about you is stored here. `/privacy optin` turns it back on."
            )
        else:
            text = (
                "Logging of your activity in this server is **on**. Stored about you here: "
                f"{plural(found.messages, 'message')}, "
                f"{plural(found.interactions, 'interaction')} with other members, "
                f"{plural(found.reactions, 'reaction')}.\n"
                "`/privacy optout` stops logging and deletes it all; "
                "`/privacy forget` deletes it all and keeps logging off until you opt in."
            )
        await answer(interaction, text)

    @app_commands.command(name="optout")
    async def optout(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Stop logging your activity here, and delete what is already stored."""
        guild, user = _ids(interaction)
        if not self.bot.policy.member_logged(guild, user):
            await interaction.response.send_message(
                "You had already opted out: nothing about you is stored here.", ephemeral=True
            )
            return
        await thinking(interaction)
        await self._forget(guild, user, waiting_note(interaction, "opt-out"))
        await answer(
            interaction,
            "Done: your activity in this server is no longer logged, and everything stored "
            "about you here has been deleted. `/privacy optin` turns logging back on.",
        )

    @app_commands.command(name="optin")
    async def optin(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Allow logging of your activity here again, from now on."""
        guild, user = _ids(interaction)
        if self.bot.policy.member_logged(guild, user):
            await interaction.response.send_message(
                "Logging of your activity here is already on.", ephemeral=True
            )
            return
        await thinking(interaction)  # one row, but it waits for the store's write lock
        await self.bot.policy.opt_in(guild, user, on_busy=waiting_note(interaction, "opt-in"))
        self.bot.recorder.forget_member(guild, user)
        await answer(
            interaction, "Logging of your activity in this server is on again, from now on."
        )

    @app_commands.command(name="forget")
    async def forget(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Delete everything stored about you here; logging stays off until you opt in."""
        guild, user = _ids(interaction)
        await thinking(interaction)
        await self._forget(guild, user, waiting_note(interaction, "request to be forgotten"))
        await answer(
            interaction,
            "Everything Ascolto stored about you in this server has been deleted, and logging "
            "stays off until you run `/privacy optin`.",
        )

    async def _forget(self, guild_id: int, user_id: int, on_busy: OnBusy) -> None:
        await self.bot.policy.opt_out(guild_id, user_id, on_busy=on_busy)
        self.bot.recorder.forget_member(guild_id, user_id)


def _ids(interaction: discord.Interaction[AscoltoBot]) -> tuple[int, int]:
    assert interaction.guild_id is not None  # guild_only
    return interaction.guild_id, interaction.user.id


async def setup(bot: AscoltoBot) -> None:
    """Load the privacy commands."""
    await bot.add_cog(Privacy(bot))
