"""The one error handler answers privately, whether or not the command said "thinking…"."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import UserError
from tests.cogs.world import World
from tests.helpers import answered_at_once

APOLOGY = "Sorry, something went wrong on my side. The team has been told in the log."


@pytest.fixture
async def world(simcord_env):
    """The cogs' shared world (their conftest does not reach this folder)."""
    return World.build(simcord_env)


async def test_an_unexpected_error_after_thinking_gets_the_apology_in_its_place(
    simcord_env, simcord_bot, world, monkeypatch, caplog
):
    release = asyncio.Event()

    async def broken(*_args: object) -> None:
        await simcord_env.external_wait(release.wait(), reason="the test holds the failure")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(simcord_bot.reminders, "inbox", broken)

    result = await world.alice.slash(world.general, "inbox")
    assert result.deferred and result.ephemeral  # "thinking…", privately, before it failed
    release.set()
    await simcord_env.settle()

    assert result.ephemeral and result.response.content == APOLOGY
    assert result.followups == []  # in place of the "thinking…", not beside it
    assert [str(error.__cause__ or error) for error in simcord_env.errors] == ["disk on fire"]
    assert "command /inbox failed" in caplog.text


async def test_a_user_error_found_after_thinking_is_answered_in_its_place(
    simcord_env, simcord_bot, world
):
    result = await world.alice.slash(world.general, "nudges off")

    assert result.ephemeral and not answered_at_once(result)
    assert result.response.content == "Nudges are already off. `/nudges on` turns them on."
    assert result.followups == []
    assert [type(error) for error in simcord_env.errors] == [UserError]


async def test_an_unexpected_error_before_thinking_gets_the_apology_at_once(
    simcord_env, simcord_bot, world, monkeypatch
):
    def broken(*_args: object) -> bool:
        raise RuntimeError("cache on fire")

    monkeypatch.setattr(simcord_bot.policy, "member_logged", broken)

    result = await world.alice.slash(world.general, "privacy optout")

    assert result.ephemeral and answered_at_once(result)
    assert result.response.content == APOLOGY
    assert [str(error.__cause__ or error) for error in simcord_env.errors] == ["cache on fire"]
