"""Conversation logging, driven through SimCord as members would use Discord."""

from __future__ import annotations

import pytest
from simcord.enums import MessageType

from tests.cogs.world import World
from tests.helpers import create_thread, query, stored


@pytest.fixture
async def world(simcord_env):
    """The shared world, where alice goes by a nickname the store must keep."""
    return World.build(simcord_env, name="Ascolto Test", alice_nick="Alice A.")


async def interactions(bot):
    return await stored(bot, "SELECT source_id, target_id, kind FROM interactions ORDER BY rowid")


async def test_message_is_stored_with_its_metadata(simcord_bot, world):
    message = await world.alice.send(world.general, "Does anyone know how to bake bread?")

    rows = await stored(
        simcord_bot,
        """SELECT guild_id, channel_id, thread_id, author_id, kind, is_question, length,
                  content, deleted, reply_to_message_id, created_at
           FROM messages WHERE message_id = ?""",
        message.id,
    )
    assert rows == [
        (
            world.guild.id,
            world.general.id,
            None,
            world.alice.id,
            "message",
            1,
            len("Does anyone know how to bake bread?"),
            "Does anyone know how to bake bread?",
            0,
            None,
            "2026-01-01T00:00:00.000Z",
        )
    ]
    assert await stored(
        simcord_bot, "SELECT display_name FROM members WHERE user_id = ?", world.alice.id
    ) == [("Alice A.",)]
    assert await stored(
        simcord_bot, "SELECT name, kind FROM channels WHERE channel_id = ?", world.general.id
    ) == [("general", "text")]
    assert await stored(simcord_bot, "SELECT guild_id, name FROM guilds") == [
        (world.guild.id, "Ascolto Test")
    ]


async def test_writes_wait_for_the_flush_interval(simcord_env, simcord_bot, world, db_path):
    await world.alice.send(world.general, "hello")
    assert query(db_path, "SELECT count(*) FROM messages") == [(0,)]  # queued, not on disk

    await simcord_env.advance_time(1.5)  # flush_interval_seconds defaults to 1.0
    assert query(db_path, "SELECT content FROM messages") == [("hello",)]


async def test_close_flushes_pending_writes(simcord_bot, world, db_path):
    await world.alice.send(world.general, "the last words before shutdown")

    await simcord_bot.close()

    assert query(db_path, "SELECT content FROM messages") == [("the last words before shutdown",)]


async def test_reply_is_an_interaction_towards_the_replied_author(simcord_bot, world):
    question = await world.alice.send(world.general, "Who is coming tonight?")

    reply = await world.bob.send(world.general, "Me!", reply_to=question)

    assert await interactions(simcord_bot) == [(world.bob.id, world.alice.id, "reply")]
    assert await stored(
        simcord_bot, "SELECT reply_to_message_id FROM messages WHERE message_id = ?", reply.id
    ) == [(question.id,)]


async def test_reply_that_mentions_its_target_is_one_interaction(simcord_bot, world):
    question = await world.alice.send(world.general, "Ideas for the meetup?")

    await world.bob.send(
        world.general, f"{world.alice.mention} {world.carol.mention} a picnic", reply_to=question
    )

    assert sorted(await interactions(simcord_bot)) == sorted(
        [(world.bob.id, world.alice.id, "reply"), (world.bob.id, world.carol.id, "mention")]
    )
    assert await stored(simcord_bot, "SELECT count(*) FROM message_mentions") == [(2,)]


async def test_replying_to_yourself_or_mentioning_yourself_is_no_interaction(simcord_bot, world):
    first = await world.alice.send(world.general, "Part one")

    await world.alice.send(world.general, f"Part two, says {world.alice.mention}", reply_to=first)

    assert await interactions(simcord_bot) == []


async def test_role_and_everyone_mentions_are_not_interactions(simcord_bot, world):
    role = world.guild.create_role("helpers", mentionable=True)

    await world.alice.send(world.general, f"@everyone and <@&{role.id}> and {world.bob.mention}")

    assert await interactions(simcord_bot) == [(world.alice.id, world.bob.id, "mention")]


async def test_thread_reply_targets_the_starter_messages_author(simcord_env, simcord_bot, world):
    starter = await world.alice.send(world.general, "Let's plan the release")
    thread = create_thread(simcord_env, world.general, "release", world.carol, message=starter)
    await simcord_env.settle()

    message = await world.bob.send(thread, "I can write the notes")

    assert await interactions(simcord_bot) == [(world.bob.id, world.alice.id, "thread_reply")]
    assert await stored(
        simcord_bot, "SELECT channel_id, thread_id FROM messages WHERE message_id = ?", message.id
    ) == [(world.general.id, thread.id)]
    assert await stored(
        simcord_bot,
        "SELECT kind, parent_id, owner_id FROM channels WHERE channel_id = ?",
        thread.id,
    ) == [("public_thread", world.general.id, world.carol.id)]


async def test_thread_without_starter_is_owned_by_its_first_author(simcord_env, simcord_bot, world):
    thread = create_thread(simcord_env, world.general, "standalone", world.alice)
    await simcord_env.settle()
    await world.alice.send(thread, "Opening words")

    await world.bob.send(thread, "Welcome")
    reply_in_thread = await world.alice.send(thread, "thanks")

    assert await interactions(simcord_bot) == [(world.bob.id, world.alice.id, "thread_reply")]
    assert await stored(
        simcord_bot, "SELECT count(*) FROM interactions WHERE message_id = ?", reply_in_thread.id
    ) == [(0,)]


async def test_one_reaction_interaction_per_member_and_message(simcord_bot, world):
    post = await world.alice.send(world.general, "New logo!")

    await world.bob.react(post, "👍")
    await world.bob.react(post, "❤️")
    await world.alice.react(post, "🎉")  # one's own message: stored, but no interaction

    assert await interactions(simcord_bot) == [(world.bob.id, world.alice.id, "reaction")]
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(3,)]


async def test_removing_reactions_removes_the_interaction_with_the_last_one(simcord_bot, world):
    post = await world.alice.send(world.general, "New logo!")
    await world.bob.react(post, "👍")
    await world.bob.react(post, "❤️")

    await world.bob.unreact(post, "👍")
    assert await interactions(simcord_bot) == [(world.bob.id, world.alice.id, "reaction")]

    await world.bob.unreact(post, "❤️")
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]


async def test_edit_updates_text_question_flag_and_mentions(simcord_bot, world):
    message = await world.alice.send(world.general, f"Thanks {world.bob.mention}.")

    await world.alice.edit(message, f"Thanks {world.carol.mention}, are you in?")

    rows = await stored(
        simcord_bot,
        "SELECT content, is_question, edited_at IS NOT NULL FROM messages WHERE message_id = ?",
        message.id,
    )
    assert rows == [(f"Thanks {world.carol.mention}, are you in?", 1, 1)]
    assert await interactions(simcord_bot) == [(world.alice.id, world.carol.id, "mention")]


async def test_deleted_message_takes_its_interactions_with_it(simcord_bot, world):
    question = await world.alice.send(world.general, "Anyone?")
    reply = await world.bob.send(
        world.general, f"Yes, and {world.carol.mention} too", reply_to=question
    )
    await world.alice.react(reply, "🙏")

    await world.bob.delete(reply)

    assert await stored(
        simcord_bot, "SELECT deleted, content FROM messages WHERE message_id = ?", reply.id
    ) == [(1, None)]
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]


async def test_bulk_delete_marks_every_message(simcord_env, simcord_bot, world):
    first = await world.alice.send(world.general, "spam 1")
    second = await world.bob.send(world.general, "spam 2", reply_to=first)

    simcord_env.backend.bulk_delete_messages(world.general.id, [first.id, second.id])
    await simcord_env.settle()

    assert await stored(simcord_bot, "SELECT count(*) FROM messages WHERE deleted = 1") == [(2,)]
    assert await interactions(simcord_bot) == []


async def test_bots_and_webhooks_are_never_stored(simcord_env, simcord_bot, world):
    robot = world.guild.add_member(simcord_env.create_user("robot", bot=True))
    hook = world.guild.create_webhook(world.general, "announcer")
    bot_post = await robot.send(world.general, f"Beep {world.alice.mention}?")
    await hook.send("Release notes are out")

    await world.alice.send(world.general, "Thanks robot", reply_to=bot_post)
    await world.alice.react(bot_post, "🤖")
    alice_post = await world.alice.send(world.general, "Hello humans")
    await robot.react(alice_post, "👍")

    assert await stored(simcord_bot, "SELECT author_id FROM messages ORDER BY message_id") == [
        (world.alice.id,),
        (world.alice.id,),
    ]
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]
    assert await stored(
        simcord_bot, "SELECT count(*) FROM members WHERE user_id = ?", robot.id
    ) == [(0,)]


async def test_direct_messages_are_not_logged(simcord_bot, world):
    await world.alice.send_dm("Can you help me?")

    assert await stored(simcord_bot, "SELECT count(*) FROM messages") == [(0,)]


async def test_joins_and_leaves_are_member_events(simcord_env, simcord_bot, world):
    dana = world.guild.add_member(simcord_env.create_user("dana"))
    await simcord_env.settle()
    world.guild.remove_member(dana)
    await simcord_env.settle()

    assert await stored(
        simcord_bot, "SELECT kind FROM member_events WHERE user_id = ? ORDER BY rowid", dana.id
    ) == [("join",), ("leave",)]
    assert await stored(
        simcord_bot,
        "SELECT joined_at IS NOT NULL, left_at IS NOT NULL FROM members WHERE user_id = ?",
        dana.id,
    ) == [(1, 1)]


async def test_welcoming_a_join_message_is_an_interaction_with_the_newcomer(
    simcord_env, simcord_bot, world
):
    dana = world.guild.add_member(simcord_env.create_user("dana"))
    join = world.guild.create_system_message(world.general, MessageType.NEW_MEMBER, author=dana)
    await simcord_env.settle()

    await world.bob.react(join, "👋")
    await world.carol.send(world.general, "Welcome Dana!", reply_to=join)

    assert sorted(await interactions(simcord_bot)) == sorted(
        [(world.bob.id, dana.id, "reaction"), (world.carol.id, dana.id, "reply")]
    )
    assert await stored(simcord_bot, "SELECT kind FROM messages WHERE message_id = ?", join.id) == [
        ("system",)
    ]


async def test_a_forward_is_not_a_reply(simcord_bot, world):
    elsewhere = world.guild.create_text_channel("elsewhere")
    post = await world.alice.send(world.general, "Worth sharing")

    forwarded = await world.bob.forward(post, elsewhere)

    assert await interactions(simcord_bot) == []
    assert await stored(
        simcord_bot, "SELECT reply_to_message_id FROM messages WHERE message_id = ?", forwarded.id
    ) == [(None,)]


async def test_a_reply_inside_a_thread_targets_the_replied_author(simcord_env, simcord_bot, world):
    thread = create_thread(simcord_env, world.general, "help", world.alice)
    await simcord_env.settle()
    await world.alice.send(thread, "Opening")
    carols = await world.carol.send(thread, "Some context")

    await world.bob.send(thread, "Good point", reply_to=carols)

    assert await interactions(simcord_bot) == [
        (world.carol.id, world.alice.id, "thread_reply"),
        (world.bob.id, world.carol.id, "reply"),
    ]


async def test_renamed_members_keep_their_current_display_name(simcord_env, simcord_bot, world):
    await world.alice.send(world.general, "hi")

    simcord_env.backend.edit_member(world.guild.id, world.alice.id, {"nick": "Alice the Great"})
    await simcord_env.settle()

    assert await stored(
        simcord_bot, "SELECT display_name FROM members WHERE user_id = ?", world.alice.id
    ) == [("Alice the Great",)]


async def test_channel_renames_are_recorded(simcord_env, simcord_bot, world):
    simcord_env.backend.edit_channel(world.general.id, {"name": "lobby"})
    await simcord_env.settle()

    assert await stored(
        simcord_bot, "SELECT name FROM channels WHERE channel_id = ?", world.general.id
    ) == [("lobby",)]
