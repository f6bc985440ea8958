"""Each member's inbox of replies owed, and /unanswered's pages, under SimCord."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from tests.helpers import answered_at_once, answers_before_slow_work, query, slow_clock_settings

MINUTE = 60


@pytest.fixture
def settings(db_path):
    # /unanswered's pages advance the clock minute by minute: a one-second flush loop
    # would tick sixty times a minute.
    return slow_clock_settings(db_path)


def listed(result):
    embed = result.response.embeds[0]
    return embed.title, embed.description or ""


async def test_the_inbox_lists_replies_and_mentions_owed_newest_first(simcord_bot, world):
    mine = await world.alice.send(world.general, "Here is my plan for the event")
    reply = await world.bob.send(world.general, "Looks good, one question though", reply_to=mine)
    await simcord_bot.store.flush()
    mention = await world.carol.send(
        world.channel("random"), f"<@{world.alice.user.id}> can you check the poster?"
    )
    await world.bob.send(world.general, "unrelated chatter")

    result = await world.alice.slash(world.general, "inbox")

    assert result.ephemeral
    title, text = listed(result)
    assert title == "2 waiting for your reply"
    assert text.index(f"/{mention.id})") < text.index(f"/{reply.id})")  # newest first
    assert "mentioned you" in text and "replied to you" in text
    assert [c["label"] for row in result.response.components for c in row["components"]] == [
        "Done 1",
        "Done 2",
    ]


async def test_answering_or_done_takes_items_out_of_the_inbox(simcord_env, simcord_bot, world):
    mine = await world.alice.send(world.general, "Plan for Saturday")
    from_bob = await world.bob.send(world.general, "I can help", reply_to=mine)
    from_carol = await world.carol.send(
        world.channel("random"), f"<@{world.alice.user.id}> poster?"
    )
    reacted = await world.carol.send(
        world.general, f"<@{world.alice.user.id}> thanks for organising!"
    )

    await world.alice.send(
        world.general, "Great, thank you!", reply_to=from_bob
    )  # answered by replying
    await world.alice.react(reacted, "❤️")  # answered by reacting
    result = await world.alice.slash(world.general, "inbox")
    assert listed(result)[0] == "1 waiting for your reply"
    assert f"/{from_carol.id})" in listed(result)[1]

    await world.alice.click(result.response, label="Done 1")

    assert listed(result)[0] == "Your inbox is empty"
    assert query(simcord_bot.store.path, "SELECT message_id FROM inbox_done") == [(from_carol.id,)]
    assert (await world.alice.slash(world.general, "inbox")).response.embeds[0].title == (
        "Your inbox is empty"
    )


async def test_a_mention_answered_in_the_same_place_leaves_the_inbox(simcord_bot, world):
    await world.bob.send(world.general, f"<@{world.alice.user.id}> are you coming tonight?")
    await world.alice.send(world.general, f"<@{world.bob.user.id}> yes, see you there")

    result = await world.alice.slash(world.general, "inbox")

    assert listed(result)[0] == "Your inbox is empty"


async def test_unanswered_lists_open_questions_oldest_first_a_page_at_a_time(
    simcord_env, simcord_bot, world
):
    asked = []
    for number in range(12):
        asked.append(await world.alice.send(world.general, f"Question number {number}?"))
        await simcord_env.advance_time(MINUTE)
    answered = await world.bob.send(world.channel("random"), "Anyone around?")
    await world.alice.send(world.channel("random"), "yes", reply_to=answered)

    result = await world.maria.slash(world.general, "unanswered")
    title, first_page = listed(result)
    await world.maria.click(result.response, label="Next")
    _, second_page = listed(result)
    recent = await world.maria.slash(
        world.general, "unanswered", channel=world.general, older_than_minutes=5
    )

    assert result.ephemeral
    assert title == "12 waiting: 11 questions, 1 newcomer"  # alice's first is a newcomer's
    assert first_page.index(f"/{asked[0].id})") < first_page.index(f"/{asked[9].id})")
    assert f"/{asked[10].id})" in second_page and f"/{asked[0].id})" not in second_page
    assert f"/{answered.id})" not in first_page + second_page
    assert listed(recent)[0] == "8 waiting: 7 questions, 1 newcomer"  # the last 4 are too recent


async def test_bad_unanswered_options_get_a_clear_answer(simcord_env, simcord_bot, world):
    result = await world.maria.slash(world.general, "unanswered", older_than_minutes=-5)

    assert result.ephemeral
    assert "from 0 to 10080" in result.response.content and "not -5" in result.response.content
    assert answered_at_once(result)  # refused before any "thinking…"
    assert [type(error) for error in simcord_env.errors] == [UserError]


# Discord's three seconds: each command answers (defers) before it reads or writes


async def test_the_inbox_answers_before_reading_and_its_done_button_still_works(
    simcord_env, simcord_bot, world, monkeypatch
):
    mine = await world.alice.send(world.general, "Plan for Saturday")
    await world.bob.send(world.general, "I can help", reply_to=mine)
    from_carol = await world.carol.send(
        world.channel("random"), f"<@{world.alice.user.id}> poster?"
    )

    result = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.reminders, "inbox"),
        lambda: world.alice.slash(world.general, "inbox"),
    )
    assert result.ephemeral and listed(result)[0] == "2 waiting for your reply"

    # The press is taken at once (a deferred update) and the inbox is edited in place.
    pressed = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.reminders, "mark_done"),
        lambda: world.alice.click(result.response, label="Done 1"),
        ephemeral=False,  # no new message: the pressed one is edited
    )

    assert pressed.response.id == result.response.id
    assert result.response.ephemeral and listed(result)[0] == "1 waiting for your reply"
    assert query(simcord_bot.store.path, "SELECT message_id FROM inbox_done") == [(from_carol.id,)]
    await world.alice.click(result.response, label="Done 1")
    assert listed(result)[0] == "Your inbox is empty"


async def test_unanswered_answers_before_reading_and_its_pages_still_turn(
    simcord_env, simcord_bot, world, monkeypatch
):
    asked = [
        await world.alice.send(world.general, f"Question number {number}?") for number in range(12)
    ]

    result = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.reminders, "unanswered"),
        lambda: world.maria.slash(world.general, "unanswered"),
    )
    first_page = listed(result)[1]
    await world.maria.click(result.response, label="Next")
    second_page = listed(result)[1]
    await world.maria.click(result.response, label="Previous")

    assert result.ephemeral and listed(result)[0] == "12 waiting: 11 questions, 1 newcomer"
    assert f"/{asked[0].id})" in first_page and f"/{asked[10].id})" not in first_page
    assert f"/{asked[10].id})" in second_page and f"/{asked[0].id})" not in second_page
    assert listed(result)[1] == first_page
