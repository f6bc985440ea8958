"""A stored day is computed again when a write has changed what it counts since (a
deletion, an edit, an opt-out), and only then: /summary and /trend show the new figures
and keep every other stored day as it was (bot/store/dirty_days.py)."""

from __future__ import annotations

import pytest

from tests.helpers import slow_clock_settings, stored

DAY = 24 * 3600


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


def fields(result) -> dict[str, str]:
    return {f.name: f.value for f in result.response.embeds[0].fields}


async def computed_at(bot, day: str) -> str:
    [(at,)] = await stored(bot, "SELECT computed_at FROM daily_summaries WHERE day = ?", day)
    return at


async def two_questions(world):
    """January 1: alice's question, answered by bob; carol's, unanswered."""
    await world.question_answered()
    return await world.carol.send(world.general, "Does the printer work?")


@pytest.mark.simcord(settle_timeout=60)
async def test_summary_of_a_day_counts_a_question_deleted_since_no_more(
    simcord_env, simcord_bot, world
):
    asked = await two_questions(world)
    await simcord_env.advance_time(2 * DAY)
    before = await world.maria.slash(world.general, "summary", day="2026-01-01")

    await world.carol.delete(asked)
    after = await world.maria.slash(world.general, "summary", day="2026-01-01")

    assert fields(before)["Questions answered"].startswith("1 of 2")
    assert fields(before)["Messages"] == "3"
    assert fields(after)["Questions answered"].startswith("1 of 1")
    assert fields(after)["Messages"] == "2"
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_summary_of_a_day_counts_a_moderators_bulk_deletion(simcord_env, simcord_bot, world):
    question = await world.question_answered()
    asked = await world.carol.send(world.general, "Does the printer work?")
    await simcord_env.advance_time(2 * DAY)
    await world.maria.slash(world.general, "summary", day="2026-01-01")

    simcord_env.backend.bulk_delete_messages(world.general.id, [question.id, asked.id])
    await simcord_env.settle()
    after = await world.maria.slash(world.general, "summary", day="2026-01-01")

    assert fields(after)["Messages"] == "1"
    assert fields(after)["Questions answered"] == "no questions"
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_summary_of_a_day_follows_an_edit_that_removes_the_question_mark(
    simcord_env, simcord_bot, world
):
    asked = await two_questions(world)
    await simcord_env.advance_time(2 * DAY)
    before = await world.maria.slash(world.general, "summary", day="2026-01-01")

    await world.carol.edit(asked, "The printer works.")
    after = await world.maria.slash(world.general, "summary", day="2026-01-01")

    assert fields(before)["Questions answered"].startswith("1 of 2")
    assert fields(after)["Questions answered"].startswith("1 of 1")
    assert fields(after)["Messages"] == "3"
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_an_opt_out_erases_the_member_from_a_stored_day(simcord_env, simcord_bot, world):
    await two_questions(world)
    await simcord_env.advance_time(2 * DAY)
    before = await world.maria.slash(world.general, "summary", day="2026-01-01")

    await world.bob.slash(world.general, "privacy optout")
    after = await world.maria.slash(world.general, "summary", day="2026-01-01")

    assert fields(before)["Active members"] == "3"
    assert fields(after)["Active members"] == "2"
    assert fields(after)["Messages"] == "2"
    assert fields(after)["Questions answered"].startswith("0 of 2")
    assert fields(after)["New connections"] == "0"
    assert "bob" not in fields(after)["Top connectors"]
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=120)
async def test_trend_computes_again_only_the_days_a_write_has_touched(
    simcord_env, simcord_bot, world
):
    await two_questions(world)
    await simcord_env.advance_time(9 * DAY)
    late = await world.carol.send(world.general, "Anyone for lunch?")  # January 10
    await simcord_env.advance_time(2 * DAY)
    await world.maria.slash(world.general, "trend", days=14)  # every day stored
    first_computed = await computed_at(simcord_bot, "2026-01-01")
    tenth_computed = await computed_at(simcord_bot, "2026-01-10")
    await simcord_env.advance_time(DAY)
    await world.maria.slash(world.general, "trend", days=14)  # nothing written: all kept
    assert await computed_at(simcord_bot, "2026-01-10") == tenth_computed

    await world.carol.delete(late)
    await world.maria.slash(world.general, "trend", days=14)
    summary = await world.maria.slash(world.general, "summary", day="2026-01-10")

    assert await computed_at(simcord_bot, "2026-01-01") == first_computed
    assert await computed_at(simcord_bot, "2026-01-10") != tenth_computed
    assert fields(summary)["Messages"] == "0"
    assert await stored(simcord_bot, "SELECT count(*) FROM summary_marks") == [(0,)]
    assert not simcord_env.errors
