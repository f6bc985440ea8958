"""The one error handler for slash commands."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.render.text import quoted

log = logging.getLogger(__name__)


class UserError(app_commands.AppCommandError):
    """A mistake the user can fix; the message says what to do instead."""


def explain(error: app_commands.AppCommandError) -> str | None:
    """The friendly text for an error a user caused, or None for a bug."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"This command is for members with the {needed} permission."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not read {quoted(error.value)} as a {error.type.name.lower()}."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


class AscoltoTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with friendly ephemeral answers to every failure."""

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        """Tell the user what went wrong; log tracebacks of unexpected errors."""
        message = explain(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = "Sorry, something went wrong on my side. The team has been told in the log."
        if interaction.response.is_done():
            # After "thinking…" (cogs/_respond.py) the first follow-up takes its place,
            # and stays private if the "thinking…" was.
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
