"""Conversation logging, driven through SimCord as members would use Discord."""

from __future__ import annotations

import pytest
from simcord.enums import MessageType

from tests.helpers import create_thread, query, stored


@pytest.fixture
async def world(simcord_env):
    """A guild with #general and three members."""
    guild = simcord_env.create_guild("Ascolto Test")
    general = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"), nick="Alice A.")
    bob = guild.add_member(simcord_env.create_user("bob"))
    carol = guild.add_member(simcord_env.create_user("carol"))
    return guild, general, alice, bob, carol


async def interactions(bot):
    return await stored(bot, "SELECT source_id, target_id, kind FROM interactions ORDER BY rowid")


async def test_message_is_stored_with_its_metadata(simcord_bot, world):
    guild, general, alice, _, _ = world

    message = await alice.send(general, "Does anyone know how to bake bread?")

    rows = await stored(
        simcord_bot,
        """SELECT guild_id, channel_id, thread_id, author_id, kind, is_question, length,
                  content, deleted, reply_to_message_id, created_at
           FROM messages WHERE message_id = ?""",
        message.id,
    )
    assert rows == [
        (
            guild.id,
            general.id,
            None,
            alice.id,
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
        simcord_bot, "SELECT display_name FROM members WHERE user_id = ?", alice.id
    ) == [("Alice A.",)]
    assert await stored(
        simcord_bot, "SELECT name, kind FROM channels WHERE channel_id = ?", general.id
    ) == [("general", "text")]
    assert await stored(simcord_bot, "SELECT guild_id, name FROM guilds") == [
        (guild.id, "Ascolto Test")
    ]


async def test_writes_wait_for_the_flush_interval(simcord_env, simcord_bot, world, db_path):
    _, general, alice, _, _ = world

    await alice.send(general, "hello")
    assert query(db_path, "SELECT count(*) FROM messages") == [(0,)]  # queued, not on disk

    await simcord_env.advance_time(1.5)  # flush_interval_seconds defaults to 1.0
    assert query(db_path, "SELECT content FROM messages") == [("hello",)]


async def test_close_flushes_pending_writes(simcord_bot, world, db_path):
    _, general, alice, _, _ = world
    await alice.send(general, "the last words before shutdown")

    await simcord_bot.close()

    assert query(db_path, "SELECT content FROM messages") == [("the last words before shutdown",)]


async def test_reply_is_an_interaction_towards_the_replied_author(simcord_bot, world):
    _, general, alice, bob, _ = world
    question = await alice.send(general, "Who is coming tonight?")

    reply = await bob.send(general, "Me!", reply_to=question)

    assert await interactions(simcord_bot) == [(bob.id, alice.id, "reply")]
    assert await stored(
        simcord_bot, "SELECT reply_to_message_id FROM messages WHERE message_id = ?", reply.id
    ) == [(question.id,)]


async def test_reply_that_mentions_its_target_is_one_interaction(simcord_bot, world):
    _, general, alice, bob, carol = world
    question = await alice.send(general, "Ideas for the meetup?")

    await bob.send(general, f"{alice.mention} {carol.mention} a picnic", reply_to=question)

    assert sorted(await interactions(simcord_bot)) == sorted(
        [(bob.id, alice.id, "reply"), (bob.id, carol.id, "mention")]
    )
    assert await stored(simcord_bot, "SELECT count(*) FROM message_mentions") == [(2,)]


async def test_replying_to_yourself_or_mentioning_yourself_is_no_interaction(simcord_bot, world):
    _, general, alice, _, _ = world
    first = await alice.send(general, "Part one")

    await alice.send(general, f"Part two, says {alice.mention}", reply_to=first)

    assert await interactions(simcord_bot) == []


async def test_role_and_everyone_mentions_are_not_interactions(simcord_bot, world):
    guild, general, alice, bob, _ = world
    role = guild.create_role("helpers", mentionable=True)

    await alice.send(general, f"@everyone and <@&{role.id}> and {bob.mention}")

    assert await interactions(simcord_bot) == [(alice.id, bob.id, "mention")]


async def test_thread_reply_targets_the_starter_messages_author(simcord_env, simcord_bot, world):
    _, general, alice, bob, carol = world
    starter = await alice.send(general, "Let's plan the release")
    thread = create_thread(simcord_env, general, "release", carol, message=starter)
    await simcord_env.settle()

    message = await bob.send(thread, "I can write the notes")

    assert await interactions(simcord_bot) == [(bob.id, alice.id, "thread_reply")]
    assert await stored(
        simcord_bot, "SELECT channel_id, thread_id FROM messages WHERE message_id = ?", message.id
    ) == [(general.id, thread.id)]
    assert await stored(
        simcord_bot,
        "SELECT kind, parent_id, owner_id FROM channels WHERE channel_id = ?",
        thread.id,
    ) == [("public_thread", general.id, carol.id)]


async def test_thread_without_starter_is_owned_by_its_first_author(simcord_env, simcord_bot, world):
    _, general, alice, bob, _ = world
    thread = create_thread(simcord_env, general, "standalone", alice)
    await simcord_env.settle()
    await alice.send(thread, "Opening words")

    await bob.send(thread, "Welcome")
    reply_in_thread = await alice.send(thread, "thanks")

    assert await interactions(simcord_bot) == [(bob.id, alice.id, "thread_reply")]
    assert await stored(
        simcord_bot, "SELECT count(*) FROM interactions WHERE message_id = ?", reply_in_thread.id
    ) == [(0,)]


async def test_one_reaction_interaction_per_member_and_message(simcord_bot, world):
    _, general, alice, bob, _ = world
    post = await alice.send(general, "New logo!")

    await bob.react(post, "👍")
    await bob.react(post, "❤️")
    await alice.react(post, "🎉")  # one's own message: stored, but no interaction

    assert await interactions(simcord_bot) == [(bob.id, alice.id, "reaction")]
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(3,)]


async def test_removing_reactions_removes_the_interaction_with_the_last_one(simcord_bot, world):
    _, general, alice, bob, _ = world
    post = await alice.send(general, "New logo!")
    await bob.react(post, "👍")
    await bob.react(post, "❤️")

    await bob.unreact(post, "👍")
    assert await interactions(simcord_bot) == [(bob.id, alice.id, "reaction")]

    await bob.unreact(post, "❤️")
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]


async def test_edit_updates_text_question_flag_and_mentions(simcord_bot, world):
    _, general, alice, bob, carol = world
    message = await alice.send(general, f"Thanks {bob.mention}.")

    await alice.edit(message, f"Thanks {carol.mention}, are you in?")

    rows = await stored(
        simcord_bot,
        "SELECT content, is_question, edited_at IS NOT NULL FROM messages WHERE message_id = ?",
        message.id,
    )
    assert rows == [(f"Thanks {carol.mention}, are you in?", 1, 1)]
    assert await interactions(simcord_bot) == [(alice.id, carol.id, "mention")]


async def test_deleted_message_takes_its_interactions_with_it(simcord_bot, world):
    _, general, alice, bob, carol = world
    question = await alice.send(general, "Anyone?")
    reply = await bob.send(general, f"Yes, and {carol.mention} too", reply_to=question)
    await alice.react(reply, "🙏")

    await bob.delete(reply)

    assert await stored(
        simcord_bot, "SELECT deleted, content FROM messages WHERE message_id = ?", reply.id
    ) == [(1, None)]
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]


async def test_bulk_delete_marks_every_message(simcord_env, simcord_bot, world):
    _, general, alice, bob, _ = world
    first = await alice.send(general, "spam 1")
    second = await bob.send(general, "spam 2", reply_to=first)

    simcord_env.backend.bulk_delete_messages(general.id, [first.id, second.id])
    await simcord_env.settle()

    assert await stored(simcord_bot, "SELECT count(*) FROM messages WHERE deleted = 1") == [(2,)]
    assert await interactions(simcord_bot) == []


async def test_bots_and_webhooks_are_never_stored(simcord_env, simcord_bot, world):
    guild, general, alice, _, _ = world
    robot = guild.add_member(simcord_env.create_user("robot", bot=True))
    hook = guild.create_webhook(general, "announcer")
    bot_post = await robot.send(general, f"Beep {alice.mention}?")
    await hook.send("Release notes are out")

    await alice.send(general, "Thanks robot", reply_to=bot_post)
    await alice.react(bot_post, "🤖")
    alice_post = await alice.send(general, "Hello humans")
    await robot.react(alice_post, "👍")

    assert await stored(simcord_bot, "SELECT author_id FROM messages ORDER BY message_id") == [
        (alice.id,),
        (alice.id,),
    ]
    assert await interactions(simcord_bot) == []
    assert await stored(simcord_bot, "SELECT count(*) FROM reactions") == [(0,)]
    assert await stored(
        simcord_bot, "SELECT count(*) FROM members WHERE user_id = ?", robot.id
    ) == [(0,)]


async def test_direct_messages_are_not_logged(simcord_bot, world):
    _, _, alice, _, _ = world

    await alice.send_dm("Can you help me?")

    assert await stored(simcord_bot, "SELECT count(*) FROM messages") == [(0,)]


async def test_joins_and_leaves_are_member_events(simcord_env, simcord_bot, world):
    guild, _, _, _, _ = world
    dana = guild.add_member(simcord_env.create_user("dana"))
    await simcord_env.settle()
    guild.remove_member(dana)
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
    guild, general, _, bob, carol = world
    dana = guild.add_member(simcord_env.create_user("dana"))
    join = guild.create_system_message(general, MessageType.NEW_MEMBER, author=dana)
    await simcord_env.settle()

    await bob.react(join, "👋")
    await carol.send(general, "Welcome Dana!", reply_to=join)

    assert sorted(await interactions(simcord_bot)) == sorted(
        [(bob.id, dana.id, "reaction"), (carol.id, dana.id, "reply")]
    )
    assert await stored(simcord_bot, "SELECT kind FROM messages WHERE message_id = ?", join.id) == [
        ("system",)
    ]


async def test_a_forward_is_not_a_reply(simcord_bot, world):
    guild, general, alice, bob, _ = world
    elsewhere = guild.create_text_channel("elsewhere")
    post = await alice.send(general, "Worth sharing")

    forwarded = await bob.forward(post, elsewhere)

    assert await interactions(simcord_bot) == []
    assert await stored(
        simcord_bot, "SELECT reply_to_message_id FROM messages WHERE message_id = ?", forwarded.id
    ) == [(None,)]


async def test_a_reply_inside_a_thread_targets_the_replied_author(simcord_env, simcord_bot, world):
    _, general, alice, bob, carol = world
    thread = create_thread(simcord_env, general, "help", alice)
    await simcord_env.settle()
    await alice.send(thread, "Opening")
    carols = await carol.send(thread, "Some context")

    await bob.send(thread, "Good point", reply_to=carols)

    assert await interactions(simcord_bot) == [
        (carol.id, alice.id, "thread_reply"),
        (bob.id, carol.id, "reply"),
    ]


async def test_renamed_members_keep_their_current_display_name(simcord_env, simcord_bot, world):
    guild, general, alice, _, _ = world
    await alice.send(general, "hi")

    simcord_env.backend.edit_member(guild.id, alice.id, {"nick": "Alice the Great"})
    await simcord_env.settle()

    assert await stored(
        simcord_bot, "SELECT display_name FROM members WHERE user_id = ?", alice.id
    ) == [("Alice the Great",)]


async def test_channel_renames_are_recorded(simcord_env, simcord_bot, world):
    _, general, _, _, _ = world

    simcord_env.backend.edit_channel(general.id, {"name": "lobby"})
    await simcord_env.settle()

    assert await stored(
        simcord_bot, "SELECT name FROM channels WHERE channel_id = ?", general.id
    ) == [("lobby",)]
