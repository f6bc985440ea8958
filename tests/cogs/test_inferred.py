"""Replies inferred from the flow of conversation, as the team and members meet them
under SimCord: answers that name the asker without Reply, inferred by the bot itself
(the board's test writes its row by hand, as bot/inference would, before the pass)."""

from __future__ import annotations

import pytest

from bot.settings import RemindersSettings
from tests.cogs.test_inferred_replies import an_active_channel
from tests.helpers import slow_clock_settings
from tests.store.history import infer, set_inference

MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR


@pytest.fixture
def settings(db_path):
    # The reminder pass runs every 5 simulated minutes.
    return slow_clock_settings(
        db_path, reminders=RemindersSettings(check_interval_seconds=5 * MINUTE)
    )


def board_text(world, bot) -> str:
    """The alerts board's title and list, "" before it is posted."""
    posts = [m for m in world.channel("team").history() if m.author.id == bot.user.id]
    return "\n".join(f"{m.embeds[0].title}\n{m.embeds[0].description}" for m in posts)


@pytest.mark.parametrize("inference", [True, False])
@pytest.mark.simcord(settle_timeout=60)
async def test_an_answer_typed_without_reply_leaves_the_board_only_with_inference_on(
    simcord_env, simcord_bot, world, inference
):
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=30
    )
    if not inference:
        await set_inference(simcord_bot.store, world.guild.id, False)
    question = await world.alice.send(world.general, "How do I join the reading group?")
    await simcord_env.advance_time(35 * MINUTE)
    assert f"/{question.id})" in board_text(world, simcord_bot)

    answer = await world.bob.send(world.general, "there's a sign-up sheet pinned upstairs")
    await infer(simcord_bot.store, answer.id, question.id)
    await simcord_env.advance_time(6 * MINUTE)
    listed = await world.maria.slash(world.general, "unanswered")

    still_listed = f"/{question.id})" in board_text(world, simcord_bot)
    in_unanswered = f"/{question.id})" in str(listed.response.embeds[0].description)
    assert still_listed is (not inference)
    assert in_unanswered is (not inference)


@pytest.mark.parametrize("inference", [True, False])
@pytest.mark.simcord(settle_timeout=30)
async def test_summary_and_member_count_inferred_replies_only_with_inference_on(
    simcord_env, simcord_bot, world, inference
):
    await an_active_channel(simcord_env, world)
    await world.alice.send(world.general, "Anyone up for a code review?")
    await simcord_env.advance_time(30)
    await world.bob.send(world.general, "alice, happy to, send the link")
    if not inference:
        await set_inference(simcord_bot.store, world.guild.id, False)
    await simcord_env.advance_time(DAY)

    summary = await world.maria.slash(world.general, "summary")
    profile = await world.maria.slash(world.general, "member", member=world.bob)

    shown = {f.name: f.value for f in summary.response.embeds[0].fields}
    member = {f.name: f.value for f in profile.response.embeds[0].fields}
    note = "1 reply inferred from the flow of conversation"
    if inference:
        # Three greetings, the question and bob's answer: 1 inferred reply in 5 messages.
        assert (shown["Listening ratio"], shown["Questions answered"]) == (
            "20%",
            "1 of 1\nmedian wait —",
        )
        assert note in str(summary.response.embeds[0].description)
        assert (member["Replies"], member["Listening ratio"]) == ("1", "50%")
        assert note in str(profile.response.embeds[0].description)
    else:
        assert (shown["Listening ratio"], shown["Questions answered"]) == (
            "0%",
            "0 of 1\nmedian wait —",
        )
        assert "inferred" not in str(summary.response.embeds[0].description)
        assert (member["Replies"], member["Listening ratio"]) == ("0", "0%")
        assert "inferred" not in str(profile.response.embeds[0].description)


@pytest.mark.simcord(settle_timeout=60)
async def test_the_digest_says_how_many_replies_were_inferred(simcord_env, simcord_bot, world):
    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await an_active_channel(simcord_env, world)
    await world.alice.send(world.general, "Who is coming to the meetup?")
    await simcord_env.advance_time(30)
    await world.bob.send(world.general, "alice, me, with snacks")
    await world.carol.send(world.general, "alice: count me in")

    await simcord_env.advance_time(33 * HOUR + 1)  # 09:00 on Jan 2

    [post] = [m for m in world.channel("digest").history() if m.author.id == simcord_bot.user.id]
    embed = post.embeds[0]
    shown = {f.name: f.value for f in embed.fields}
    assert "2 replies inferred from the flow of conversation" in str(embed.description)
    assert shown["Listening ratio"].startswith("33%")  # (0 + 2 + 0) / (6 + 0)
    assert shown["New connections"].startswith("2")
