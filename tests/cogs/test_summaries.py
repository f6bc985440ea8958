"""/summary, /trend, /member and /me, driven through SimCord."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from tests.helpers import answered_at_once, answers_before_slow_work, slow_clock_settings

DAY = 24 * 3600


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


@pytest.mark.simcord(settle_timeout=30)
async def test_summary_of_yesterday_shows_numbers_and_people_to_the_manager(
    simcord_env, simcord_bot, world
):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    result = await world.maria.slash(world.general, "summary")

    assert result.ephemeral
    embed = result.response.embeds[0]
    assert "2026-01-01" in embed.title
    text = str(embed.to_dict())
    assert "alice" in text and "bob" in text  # top connectors are for managers


@pytest.mark.simcord(settle_timeout=30)
async def test_a_public_summary_leaves_people_out(simcord_env, simcord_bot, world):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    result = await world.maria.slash(world.general, "summary", day="2026-01-01", public=True)

    assert not result.ephemeral
    assert "alice" not in str(result.response.embeds[0].to_dict())


async def test_summary_refuses_bad_future_and_unobserved_days(simcord_env, simcord_bot, world):
    await world.question_answered()

    malformed = await world.maria.slash(world.general, "summary", day="01/02/2026")
    future = await world.maria.slash(world.general, "summary", day="2026-01-05")
    before = await world.maria.slash(world.general, "summary", day="2025-12-01")

    assert all(r.ephemeral for r in (malformed, future, before))
    assert "YYYY-MM-DD" in malformed.response.content
    assert "has not ended yet" in future.response.content
    assert "no data" in before.response.content
    assert [type(e) for e in simcord_env.errors] == [UserError] * 3


@pytest.mark.simcord(settle_timeout=30)
async def test_trend_draws_the_chart_and_checks_its_range(simcord_env, simcord_bot, world):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    too_short = await world.maria.slash(world.general, "trend", days=5)
    chart = await world.maria.slash(world.general, "trend", days=7)

    assert too_short.ephemeral and "between 7 and 90" in too_short.response.content
    assert chart.ephemeral
    [png] = chart.response.attachments  # the follow-up replaces the "thinking…" answer
    assert png.filename == "trend.png"
    assert (await png.read()).startswith(b"\x89PNG")
    assert len(simcord_env.errors) == 1


async def test_member_and_me_show_the_last_seven_days(simcord_env, simcord_bot, world):
    await world.question_answered()

    about_bob = await world.maria.slash(world.general, "member", member=world.bob)
    mine = await world.alice.slash(world.general, "me")

    assert about_bob.ephemeral and mine.ephemeral
    bob_fields = {f.name: f.value for f in about_bob.response.embeds[0].fields}
    assert bob_fields["Messages"] == "1"
    assert bob_fields["Replies"] == "1"
    assert bob_fields["Reactions given"] == "1"
    assert bob_fields["Listening ratio"] == "100%"
    assert bob_fields["Connections"] == "1 (1 new this week)"
    assert bob_fields["Questions"] == "0 asked, 1 answered"
    alice_fields = {f.name: f.value for f in mine.response.embeds[0].fields}
    assert alice_fields["Questions"] == "1 asked, 0 answered"


async def test_a_member_sees_only_their_own_profile(simcord_env, simcord_bot, world):
    await world.question_answered()

    visible = world.alice.available_commands(world.general)

    assert "me" in visible
    assert not {"member", "summary", "trend"} & set(visible)


async def test_no_profile_of_a_member_who_opted_out(simcord_env, simcord_bot, world):
    await world.question_answered()
    await world.alice.slash(world.general, "privacy optout")

    result = await world.maria.slash(world.general, "member", member=world.alice)

    assert result.ephemeral and "opted out" in result.response.content
    assert [type(e) for e in simcord_env.errors] == [UserError]


# Discord's three seconds: each command answers (defers) before its slow work


@pytest.mark.simcord(settle_timeout=30)
async def test_summary_answers_before_computing(simcord_env, simcord_bot, world, monkeypatch):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    private = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "read"),
        lambda: world.maria.slash(world.general, "summary"),
    )
    public = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "read"),
        lambda: world.maria.slash(world.general, "summary", public=True),
        ephemeral=False,
    )

    assert "2026-01-01" in private.response.embeds[0].title
    assert not public.response.ephemeral and "2026-01-01" in public.response.embeds[0].title


async def test_a_bad_day_for_a_public_summary_is_answered_privately(
    simcord_env, simcord_bot, world
):
    await world.question_answered()

    result = await world.maria.slash(world.general, "summary", day="tomorrow", public=True)

    assert result.ephemeral and "YYYY-MM-DD" in result.response.content
    assert answered_at_once(result)  # refused at once, before any "thinking…"
    assert [type(e) for e in simcord_env.errors] == [UserError]


@pytest.mark.simcord(settle_timeout=30)
async def test_trend_answers_before_computing(simcord_env, simcord_bot, world, monkeypatch):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    result = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "read"),
        lambda: world.maria.slash(world.general, "trend", days=7),
    )

    [png] = result.response.attachments
    assert png.filename == "trend.png"


async def test_member_and_me_answer_before_reading(simcord_env, simcord_bot, world, monkeypatch):
    await world.question_answered()

    about_bob = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "member_week"),
        lambda: world.maria.slash(world.general, "member", member=world.bob),
    )
    mine = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "member_week"),
        lambda: world.alice.slash(world.general, "me"),
    )

    assert {f.name: f.value for f in about_bob.response.embeds[0].fields}["Messages"] == "1"
    assert {f.name: f.value for f in mine.response.embeds[0].fields}["Messages"] == "1"
