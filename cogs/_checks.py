"""Checks shared by the managers' commands."""

from __future__ import annotations

import discord
from discord import app_commands


def require_manage_guild(interaction: discord.Interaction[discord.Client]) -> bool:
    """Manage Server, checked when a command runs: ``default_permissions`` only hides a
    command, and a server can override that."""
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True
