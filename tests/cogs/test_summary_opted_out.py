"""/summary says how many members opted out of logging, so that a drop in the numbers
can be explained: a count, never names, in the private and the public summary."""

from __future__ import annotations

import pytest

from tests.helpers import slow_clock_settings

DAY = 24 * 3600


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


def note(result) -> str:
    return result.response.embeds[0].description or ""


@pytest.mark.simcord(settle_timeout=60)
async def test_summary_counts_the_members_who_opted_out(simcord_env, simcord_bot, world):
    await world.question_answered()
    await simcord_env.advance_time(DAY)
    before = await world.maria.slash(world.general, "summary")

    await world.alice.slash(world.general, "privacy optout")
    one_private = await world.maria.slash(world.general, "summary")
    one_public = await world.maria.slash(world.general, "summary", public=True)
    await world.bob.slash(world.general, "privacy optout")
    two = await world.maria.slash(world.general, "summary")

    assert "opted out" not in note(before)
    one = "1 member has opted out of logging; they appear in no number."
    assert note(one_private) == one
    assert not one_public.ephemeral and one in note(one_public)
    assert "alice" not in note(one_public)
    assert note(two) == "2 members have opted out of logging; they appear in no number."
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_a_member_who_opts_in_again_is_no_longer_counted(simcord_env, simcord_bot, world):
    await world.question_answered()
    await simcord_env.advance_time(DAY)
    await world.alice.slash(world.general, "privacy optout")
    await world.alice.slash(world.general, "privacy optin")

    result = await world.maria.slash(world.general, "summary")

    assert "opted out" not in note(result)
    assert not simcord_env.errors
