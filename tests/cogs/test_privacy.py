"""Members' privacy commands, driven through SimCord."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers import answered_at_once, answers_before_slow_work, create_thread, stored


def places_holding(path: Path, user_id: int) -> list[str]:
    """Every table.column whose value is, or whose text contains, the id."""
    found = []
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                hits = db.execute(
                    # Names come from sqlite_master itself, not from input.
                    f"SELECT count(*) FROM {table} WHERE {column} = ? OR instr({column}, ?) > 0",  # noqa: S608
                    (user_id, str(user_id)),
                ).fetchone()[0]
                if hits:
                    found.append(f"{table}.{column}")
    return found


async def a_conversation_about(simcord_env, general, alice, bob, carol):
    """Alice talks, is replied to, mentioned and reacted to; she reacts and starts a thread."""
    question = await alice.send(general, "Is the meetup on Friday?")
    answer = await bob.send(general, f"Yes {alice.mention}!", reply_to=question)
    await alice.react(answer, "🙏")
    await carol.react(question, "👀")
    await carol.send(general, f"<@!{alice.id}> bring snacks")
    thread = create_thread(simcord_env, general, "snacks", alice, message=question)
    await simcord_env.settle()
    await bob.send(thread, "Chips?")
    return question, answer


async def test_status_reports_what_is_stored(simcord_bot, world):
    question = await world.alice.send(world.general, "Hello?")
    await world.bob.send(world.general, "Hi!", reply_to=question)

    result = await world.alice.slash(world.general, "privacy status")

    assert result.ephemeral
    assert "**on**" in result.response.content
    assert "1 message, 1 interaction with other members, 0 reactions." in result.response.content
    await world.alice.send(world.general, "Anyone?")
    await world.bob.react(question, "👍")
    again = await world.alice.slash(world.general, "privacy status")
    assert "2 messages, 2 interactions with other members, 0 reactions." in again.response.content


async def test_opting_out_deletes_everything_about_the_member(
    simcord_env, simcord_bot, world, db_path
):
    _, answer = await a_conversation_about(
        simcord_env, world.general, world.alice, world.bob, world.carol
    )

    result = await world.alice.slash(world.general, "privacy optout")

    assert result.ephemeral
    assert "deleted" in result.response.content
    await simcord_bot.store.flush()
    assert places_holding(db_path, world.alice.id) == ["members.user_id"]
    assert await stored(
        simcord_bot,
        "SELECT opted_out, display_name FROM members WHERE user_id = ?",
        world.alice.id,
    ) == [(1, None)]
    # Bob's reply stays, without the interaction towards Alice.
    assert await stored(
        simcord_bot, "SELECT content FROM messages WHERE message_id = ?", answer.id
    ) == [("Yes @someone!",)]
    assert await stored(simcord_bot, "SELECT count(*) FROM interactions") == [(0,)]


async def test_nothing_is_logged_after_opting_out(simcord_bot, world, db_path):
    await world.alice.slash(world.general, "privacy optout")

    mine = await world.alice.send(world.general, f"Still here, {world.bob.mention}?")
    await world.bob.send(world.general, f"Yes {world.alice.mention}", reply_to=mine)
    await world.bob.react(mine, "👍")
    await world.alice.react(await world.bob.send(world.general, "news"), "👍")

    await simcord_bot.store.flush()
    assert places_holding(db_path, world.alice.id) == ["members.user_id"]
    assert await stored(simcord_bot, "SELECT count(*) FROM interactions") == [(0,)]
    status = await world.alice.slash(world.general, "privacy status")
    assert "**off** (you opted out on <t:1767225600:D>)" in status.response.content


async def test_opting_in_again_logs_from_then_on(simcord_bot, world):
    await world.alice.send(world.general, "before")
    await world.alice.slash(world.general, "privacy optout")
    await world.alice.send(world.general, "while out")

    result = await world.alice.slash(world.general, "privacy optin")
    question = await world.alice.send(world.general, "back again?")
    await world.bob.send(world.general, "welcome back", reply_to=question)

    assert result.ephemeral
    assert await stored(
        simcord_bot, "SELECT content FROM messages WHERE author_id = ?", world.alice.id
    ) == [("back again?",)]
    # Her name and join time (as Discord tells it) are known again from her first message.
    assert await stored(
        simcord_bot,
        "SELECT opted_out, display_name, joined_at FROM members WHERE user_id = ?",
        world.alice.id,
    ) == [(0, "alice", "2026-01-01T00:00:00.000Z")]
    assert await stored(simcord_bot, "SELECT kind FROM interactions") == [("reply",)]


async def test_forget_deletes_and_keeps_logging_off(simcord_env, simcord_bot, world, db_path):
    await a_conversation_about(simcord_env, world.general, world.alice, world.bob, world.carol)

    result = await world.alice.slash(world.general, "privacy forget")
    await world.alice.send(world.general, "after forgetting")

    assert result.ephemeral
    assert "/privacy optin" in result.response.content
    await simcord_bot.store.flush()
    assert places_holding(db_path, world.alice.id) == ["members.user_id"]


async def test_choices_survive_a_restart(simcord_env, simcord_bot, world, settings):
    from bot import create_bot

    await world.alice.slash(world.general, "privacy optout")
    await simcord_bot.close()

    new_bot = create_bot(settings)
    try:
        await simcord_env.restart_bot(new_bot)
        await world.alice.send(world.general, "am I logged?")
        assert await stored(new_bot, "SELECT count(*) FROM messages") == [(0,)]
    finally:
        await new_bot.close()


async def test_privacy_commands_are_for_servers_only(simcord_env, simcord_bot, world):
    available = world.alice.user.available_commands()

    assert not any(name.startswith("privacy") for name in available)


# Discord's three seconds: deleting a long history can take longer than Discord waits


async def test_each_privacy_command_answers_before_touching_the_store(
    simcord_env, simcord_bot, world, db_path, monkeypatch
):
    await a_conversation_about(simcord_env, world.general, world.alice, world.bob, world.carol)
    policy = simcord_bot.policy

    def held(slow, command):
        return answers_before_slow_work(
            simcord_env,
            monkeypatch,
            slow,
            lambda: world.alice.slash(world.general, f"privacy {command}"),
        )

    status = await held((simcord_bot.store.consent, "status"), "status")
    optout = await held((policy, "opt_out"), "optout")
    optin = await held((policy, "opt_in"), "optin")  # one row, behind the write lock
    forget = await held((policy, "opt_out"), "forget")

    assert "2 messages, 5 interactions with other members" in status.response.content
    assert optout.response.content.startswith("Done: your activity in this server is no longer")
    assert optin.response.content.startswith("Logging of your activity in this server is on")
    assert forget.response.content.startswith("Everything Ascolto stored about you")
    assert all(r.ephemeral for r in (status, optout, optin, forget))
    await simcord_bot.store.flush()
    assert places_holding(db_path, world.alice.id) == ["members.user_id"]


async def test_nothing_to_change_is_answered_at_once(simcord_env, simcord_bot, world):
    already_in = await world.alice.slash(world.general, "privacy optin")
    await world.alice.slash(world.general, "privacy optout")
    already_out = await world.alice.slash(world.general, "privacy optout")

    assert already_in.ephemeral and answered_at_once(already_in)
    assert already_in.response.content == "Logging of your activity here is already on."
    assert already_out.ephemeral and answered_at_once(already_out)
    assert already_out.response.content.startswith("You had already opted out")
