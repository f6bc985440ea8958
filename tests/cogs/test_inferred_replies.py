"""Replies inferred from the flow of conversation, kept in `inferred_replies` as members
post, edit, delete, opt out, and managers exclude channels or switch inference."""

from __future__ import annotations

from typing import Any

from bot import AscoltoBot
from tests.helpers import stored

ROWS = "SELECT message_id, target_message_id, target_id, source_id FROM inferred_replies"


async def an_active_channel(env: Any, world: Any) -> None:
    """Everyone has just said hello (a first message in an hour usually starts something)."""
    await world.alice.send(world.general, "morning everyone")
    await world.bob.send(world.general, "hey")
    await world.carol.send(world.general, "hi all, coffee time")
    for _ in range(4):
        await env.advance_time(90)


async def settled(bot: AscoltoBot) -> None:
    """Let the inference started by the last flush finish."""
    await bot.inference.settle()


async def test_an_answer_typed_without_reply_gets_its_row_at_the_next_flush(
    simcord_env, simcord_bot, world
):
    await an_active_channel(simcord_env, world)
    question = await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    answer = await world.bob.send(world.general, "alice, try restarting the printer")

    await simcord_env.advance_time(2)  # one tick of the flush loop starts the pass
    await simcord_bot.inference.idle()

    assert await stored(simcord_bot, ROWS) == [
        (answer.id, question.id, world.alice.id, world.bob.id)
    ]
    score, version, where = (
        await stored(simcord_bot, "SELECT score, model_version, channel_id FROM inferred_replies")
    )[0]
    assert score >= simcord_bot.inference.model.threshold
    assert version == simcord_bot.inference.model.version
    assert where == world.general.id


async def test_a_monologue_gets_no_row(simcord_env, simcord_bot, world):
    for text in ("I am reading a book", "it is about birds", "they fly south", "fascinating"):
        await world.alice.send(world.general, text)
        await simcord_env.advance_time(20)

    await settled(simcord_bot)

    assert await stored(simcord_bot, ROWS) == []


async def test_a_reply_with_the_button_is_not_inferred(simcord_env, simcord_bot, world):
    await an_active_channel(simcord_env, world)
    question = await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await world.bob.send(world.general, "alice, try restarting the printer", reply_to=question)

    await settled(simcord_bot)

    assert await stored(simcord_bot, ROWS) == []


async def test_an_edit_that_names_the_asker_adds_the_row_and_one_that_unnames_removes_it(
    simcord_env, simcord_bot, world
):
    await an_active_channel(simcord_env, world)
    question = await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    answer = await world.bob.send(world.general, "lunch anyone")
    await settled(simcord_bot)
    assert await stored(simcord_bot, ROWS) == []

    await world.bob.edit(answer, "alice, try restarting the printer")
    await settled(simcord_bot)
    assert await stored(simcord_bot, ROWS) == [
        (answer.id, question.id, world.alice.id, world.bob.id)
    ]

    await world.bob.edit(answer, "lunch anyone")
    await settled(simcord_bot)
    assert await stored(simcord_bot, ROWS) == []


async def test_deleting_either_message_removes_the_row(simcord_env, simcord_bot, world):
    await an_active_channel(simcord_env, world)
    question = await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    answer = await world.bob.send(world.general, "alice, try restarting the printer")
    await settled(simcord_bot)
    assert len(await stored(simcord_bot, ROWS)) == 1

    await world.alice.delete(question)
    await settled(simcord_bot)

    assert (
        await stored(
            simcord_bot,
            "SELECT count(*) FROM inferred_replies WHERE target_message_id = ? OR message_id = ?",
            question.id,
            question.id,
        )
    ) == [(0,)]
    await world.bob.delete(answer)
    await settled(simcord_bot)
    assert await stored(simcord_bot, ROWS) == []


async def test_opting_out_removes_the_rows_about_the_member(simcord_env, simcord_bot, world):
    await an_active_channel(simcord_env, world)
    await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    await world.bob.send(world.general, "alice, try restarting the printer")
    await settled(simcord_bot)
    assert len(await stored(simcord_bot, ROWS)) == 1

    await world.bob.slash(world.general, "privacy optout")

    assert await stored(simcord_bot, ROWS) == []


async def test_excluding_the_channel_removes_its_rows(simcord_env, simcord_bot, world):
    await an_active_channel(simcord_env, world)
    await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    await world.bob.send(world.general, "alice, try restarting the printer")
    await settled(simcord_bot)
    assert len(await stored(simcord_bot, ROWS)) == 1

    await world.maria.slash(world.general, "config exclude", channel=world.general)

    assert await stored(simcord_bot, ROWS) == []


async def test_inference_off_and_on_answer_what_changes_and_persist(
    simcord_env, simcord_bot, world
):
    off = await world.maria.slash(world.general, "config inference off")
    shown_off = await world.maria.slash(world.general, "config show")
    assert await simcord_bot.inference.enabled(world.guild.id) is False

    on = await world.maria.slash(world.general, "config inference on")
    shown_on = await world.maria.slash(world.general, "config show")

    assert off.ephemeral and on.ephemeral
    assert "now show only replies marked with Reply, threads and mentions" in (off.response.content)
    assert "now count replies inferred from the flow of conversation" in on.response.content
    assert await stored(simcord_bot, "SELECT guild_id, enabled FROM inference_settings") == [
        (world.guild.id, 1)
    ]

    def field(result: Any) -> str:
        embed = result.response.embeds[0]
        return next(f.value for f in embed.fields if f.name == "Inferred replies")

    assert field(shown_off) == "off"
    assert field(shown_on) == "on: answers typed without Reply count"


async def test_rows_are_written_while_inference_is_off(simcord_env, simcord_bot, world):
    await world.maria.slash(world.general, "config inference off")
    await an_active_channel(simcord_env, world)
    await world.alice.send(world.general, "how do I get my printer on the wifi?")
    await simcord_env.advance_time(30)
    await world.bob.send(world.general, "alice, try restarting the printer")

    await settled(simcord_bot)

    assert len(await stored(simcord_bot, ROWS)) == 1


async def test_members_cannot_switch_inference(simcord_bot, world):
    assert "config inference on" in world.maria.available_commands(world.general)
    assert "config inference off" not in world.alice.available_commands(world.general)


async def test_one_flush_of_two_channels_gets_each_answer_its_own_question(
    simcord_env, simcord_bot, world
):
    random = world.channel("random")
    for channel in (world.general, random):
        await world.alice.send(channel, "morning everyone")
        await world.bob.send(channel, "hey")
        await world.carol.send(channel, "hi all, coffee time")
    for _ in range(4):
        await simcord_env.advance_time(90)
    printer = await world.alice.send(world.general, "how do I get my printer on the wifi?")
    lunch = await world.carol.send(random, "where do we go for lunch today?")
    printed = await world.bob.send(world.general, "alice, try restarting the printer")
    eaten = await world.alice.send(random, "carol, the pizza place for lunch")

    await settled(simcord_bot)

    assert sorted(await stored(simcord_bot, ROWS)) == sorted(
        [
            (printed.id, printer.id, world.alice.id, world.bob.id),
            (eaten.id, lunch.id, world.carol.id, world.alice.id),
        ]
    )
