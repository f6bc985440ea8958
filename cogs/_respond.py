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

from collections.abc import Awaitable, Callable

import discord

# What a member or manager reads while a change of consent waits for the database: it
# is never given up, so they are told it is in line rather than left with "thinking…".
WAITING = (
    "Another task (such as an import of history) is writing to Ascolto's database right "
    "now. Your {change} is next in line and will not be dropped: this message changes "
    "as soon as it is done."
)


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


def waiting_note(
    interaction: discord.Interaction[discord.Client], change: str
) -> Callable[[], Awaitable[None]]:
    """For a write that waits its turn: the first wait replaces "thinking…" with a note
    that ``change`` ("opt-out", "exclusion", ...) is in line; later waits say nothing."""
    told = False

    async def tell() -> None:
        nonlocal told
        if not told:
            told = True
            await interaction.edit_original_response(content=WAITING.format(change=change))

    return tell
