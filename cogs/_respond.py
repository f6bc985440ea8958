"""Answering slash commands within Discord's three seconds.

Discord drops an interaction that is not answered within 3 seconds ("The application
did not respond"). Any store access may take longer than that: a read flushes the
queued writes first, and a write waits for the database's write lock, which an
``ascolto import`` or a large deletion can hold for seconds. So a command first checks
its options (a mistake is refused at once, with no "thinking…"), then calls
:func:`thinking`, does its work, and puts the result in place with :func:`answer`.
An error raised after :func:`thinking` is answered in the same place by the command
tree's error handler (bot/errors.py).
"""

from __future__ import annotations

import discord


async def thinking(interaction: discord.Interaction[discord.Client]) -> None:
    """Acknowledge the command now with a private "thinking…" that :func:`answer` replaces."""
    await interaction.response.defer(ephemeral=True, thinking=True)


async def answer(
    interaction: discord.Interaction[discord.Client],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Put the result in place of the "thinking…" answer (or, after a button press was
    deferred, in the message whose button was pressed); the view's buttons then work
    on that message."""
    await interaction.edit_original_response(content=content, embed=embed, view=view)
