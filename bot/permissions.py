"""What the bot asks Discord for when it is invited: its permissions and scopes."""

from __future__ import annotations

import discord

# Reading: View Channels and Read Message History. The digest, alerts and /export:
# Send Messages, Embed Links, Attach Files. Alerts in a thread: Send Messages in
# Threads. Add Reactions is kept in the invite, so that a later version reacting to
# alerts needs no new invite.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    read_message_history=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
)
SCOPES = ("bot", "applications.commands")


def invite_url(client_id: int) -> str:
    """The OAuth2 link that adds the bot to a server with exactly what it needs."""
    return discord.utils.oauth_url(client_id, permissions=BOT_PERMISSIONS, scopes=SCOPES)
