"""/privacy optout while an import in another process holds the database's write lock:
the member is told the opt-out is in line, it is applied when the import lets go, and
what the bot remembers and what the file says never disagree."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from tests.dce.concurrent import paused_import
from tests.dce.exports import export, message, user, write
from tests.helpers import stored

HOLD_SECONDS = 7  # longer than SQLite's 5 s busy timeout: the opt-out must wait, then go on


def history_of(folder: Path, guild, general, alice, bob) -> None:
    """Two exported files in which Alice and Bob talk, for the import to write."""
    folder.mkdir()
    ada, ben = user(alice.id, "alice"), user(bob.id, "bob")
    for number in range(2):
        day = f"2025-06-0{number + 1}"
        first = 1000 + 10 * number
        data = export(
            [
                message(first, ada, f"{day}T09:00:00Z", "who is coming on Friday?"),
                message(first + 1, ben, f"{day}T09:05:00Z", f"me <@{alice.id}>", mentions=[ada]),
            ],
            channel=str(general.id),
        )
        data["guild"]["id"] = str(guild.id)
        write(folder, f"{number}.json", data)


@pytest.mark.simcord(settle_timeout=60)
async def test_an_opt_out_during_an_import_waits_its_turn_and_says_so(
    simcord_bot, world, tmp_path, monkeypatch
):
    await world.alice.send(world.general, "hello from today")
    await simcord_bot.store.flush()
    shown: list[str] = []
    edit = discord.Interaction.edit_original_response

    async def seen(self, **fields):  # what the member reads, in order
        if fields.get("content"):
            shown.append(fields["content"])
        return await edit(self, **fields)

    monkeypatch.setattr(discord.Interaction, "edit_original_response", seen)
    folder = tmp_path / "exports"
    history_of(folder, world.guild, world.general, world.alice, world.bob)

    with paused_import(
        simcord_bot.store.path, folder, tmp_path / "signals", "inside", release_after=HOLD_SECONDS
    ):
        result = await world.alice.slash(world.general, "privacy optout")

    assert result.ephemeral
    assert shown[0].startswith("Another task (such as an import of history) is writing")
    assert "Your opt-out is next in line and will not be dropped" in shown[0]
    assert result.response.content.startswith("Done: your activity in this server is no longer")
    assert not simcord_bot.policy.member_logged(world.guild.id, world.alice.id)
    # Neither the file the import held nor the one after it kept anything of hers.
    assert await stored(
        simcord_bot, "SELECT count(*) FROM messages WHERE author_id = ?", world.alice.id
    ) == [(0,)]
    assert await stored(
        simcord_bot,
        "SELECT count(*) FROM interactions WHERE ? IN (source_id, target_id)",
        world.alice.id,
    ) == [(0,)]
    assert await stored(
        simcord_bot, "SELECT count(*) FROM messages WHERE author_id = ?", world.bob.id
    ) == [(2,)]
    status = await world.alice.slash(world.general, "privacy status")
    assert "**off**" in status.response.content
