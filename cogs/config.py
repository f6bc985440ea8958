"""The managers' ``/config`` commands (Manage Server), replies private to the manager."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import AscoltoBot
from bot.errors import UserError

LoggableChannel = (
    discord.TextChannel
    | discord.ForumChannel
    | discord.VoiceChannel
    | discord.StageChannel
    | discord.Thread
)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config"):
    """Server settings for Ascolto (Manage Server)."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[AscoltoBot]) -> bool:  # type: ignore[override]
        """Check Manage Server again when a command runs, whatever the server's overrides."""
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    @app_commands.command(name="exclude")
    @app_commands.describe(channel="The channel (or thread) to stop logging")
    async def exclude(
        self, interaction: discord.Interaction[AscoltoBot], channel: LoggableChannel
    ) -> None:
        """Stop logging a channel and its threads, and delete what was stored from it."""
        guild_id = _guild_id(interaction)
        if channel.id in self.bot.policy.excluded_channels(guild_id):
            raise UserError(f"{channel.mention} is already excluded. `/config show` lists them.")
        deleted = await self.bot.policy.exclude_channel(guild_id, channel.id)
        await interaction.response.send_message(
            f"{channel.mention} is no longer logged; {deleted} stored messages from it were "
            "deleted. `/config include` logs it again.",
            ephemeral=True,
        )

    @app_commands.command(name="include")
    @app_commands.describe(channel="The excluded channel (or thread) to log again")
    async def include(
        self, interaction: discord.Interaction[AscoltoBot], channel: LoggableChannel
    ) -> None:
        """Log an excluded channel again, from now on."""
        if not await self.bot.policy.include_channel(_guild_id(interaction), channel.id):
            raise UserError(f"{channel.mention} is not excluded, so it is already logged.")
        await interaction.response.send_message(
            f"{channel.mention} is logged again from now on.", ephemeral=True
        )

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Show this server's Ascolto settings."""
        guild_id = _guild_id(interaction)
        settings = self.bot.settings
        excluded = sorted(self.bot.policy.excluded_channels(guild_id))
        embed = discord.Embed(title="Ascolto settings for this server")
        embed.add_field(name="Time zone", value=settings.defaults.timezone)
        embed.add_field(
            name="Message text",
            value=(
                f"kept {settings.privacy.content_retention_days} days"
                if settings.privacy.store_content
                else "not stored"
            ),
        )
        embed.add_field(
            name="Excluded channels",
            value=", ".join(f"<#{c}>" for c in excluded) if excluded else "none",
            inline=False,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


def _guild_id(interaction: discord.Interaction[AscoltoBot]) -> int:
    assert interaction.guild_id is not None  # guild_only
    return interaction.guild_id


async def setup(bot: AscoltoBot) -> None:
    """Load the managers' configuration commands."""
    await bot.add_cog(Config(bot))
