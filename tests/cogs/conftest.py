"""Fixtures shared by the behaviour tests of the cogs."""

from __future__ import annotations

import discord
import pytest


@pytest.fixture
async def world(simcord_env):
    """A guild with a manager (maria) and two members; alice asked, bob replied and
    reacted. Modules with a world of their own define their own ``world``."""
    guild = simcord_env.create_guild("Ascolto Lab")
    general = guild.create_text_channel("general")
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    maria = guild.add_member(simcord_env.create_user("maria"), roles=[managers])
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    question = await alice.send(general, "Is anyone up for a code review?")
    await bob.send(general, f"Sure {alice.mention}", reply_to=question)
    await bob.react(question, "👀")
    return guild, general, maria, alice, bob
