"""Managers' /config commands, driven through SimCord."""

from __future__ import annotations

import discord

from bot.errors import UserError
from tests.helpers import answered_at_once, answers_before_slow_work, create_thread, query, stored


async def test_members_without_manage_server_do_not_see_config(simcord_bot, world):
    assert "config exclude" in world.maria.available_commands(world.general)
    assert not any(
        name.startswith("config") for name in world.alice.available_commands(world.general)
    )
    assert "privacy status" in world.alice.available_commands(world.general)


async def test_permission_is_checked_again_when_the_command_runs(simcord_env, simcord_bot, world):
    commands = await simcord_bot.tree.fetch_commands()
    config = next(command for command in commands if command.name == "config")
    world.guild.set_command_permissions(
        config, {world.alice: True}
    )  # a server override lets her see it

    result = await world.alice.slash(world.general, "config show")

    assert result.ephemeral
    assert (
        result.response.content == "This command is for members with the Manage Guild permission."
    )
    assert [type(error).__name__ for error in simcord_env.errors] == ["MissingPermissions"]


async def test_excluding_a_channel_stops_logging_and_deletes_its_data(
    simcord_env, simcord_bot, world
):
    secret = await world.alice.send(world.channel("staff-room"), "private staff talk?")
    await world.maria.send(world.channel("staff-room"), "yes", reply_to=secret)
    thread = create_thread(
        simcord_env, world.channel("staff-room"), "sub", world.alice, message=secret
    )
    await simcord_env.settle()
    await world.maria.send(thread, "in the thread")
    await world.alice.send(world.general, "public hello")

    result = await world.maria.slash(
        world.general, "config exclude", channel=world.channel("staff-room")
    )
    await world.alice.send(world.channel("staff-room"), "after exclusion")
    await world.alice.send(thread, "thread after exclusion")
    await world.maria.react(secret, "👍")

    assert result.ephemeral
    assert "3 stored messages" in result.response.content
    assert await stored(simcord_bot, "SELECT content FROM messages") == [("public hello",)]
    assert await stored(simcord_bot, "SELECT count(*) FROM interactions") == [(0,)]
    assert await stored(simcord_bot, "SELECT channel_id FROM excluded_channels") == [
        (world.channel("staff-room").id,)
    ]


async def test_including_a_channel_logs_it_again(simcord_bot, world):
    await world.maria.slash(world.general, "config exclude", channel=world.channel("staff-room"))

    result = await world.maria.slash(
        world.general, "config include", channel=world.channel("staff-room")
    )
    await world.alice.send(world.channel("staff-room"), "logged again")

    assert result.ephemeral
    assert await stored(simcord_bot, "SELECT content FROM messages") == [("logged again",)]


async def test_bad_choices_get_a_clear_private_answer(simcord_env, simcord_bot, world):
    not_excluded = await world.maria.slash(
        world.general, "config include", channel=world.channel("staff-room")
    )
    await world.maria.slash(world.general, "config exclude", channel=world.channel("staff-room"))
    twice = await world.maria.slash(
        world.general, "config exclude", channel=world.channel("staff-room")
    )

    assert not_excluded.ephemeral
    assert "is not excluded" in not_excluded.response.content
    assert twice.ephemeral
    assert "already excluded" in twice.response.content
    assert answered_at_once(not_excluded) and answered_at_once(twice)
    assert [type(error) for error in simcord_env.errors] == [UserError, UserError]


async def test_show_lists_the_settings(simcord_bot, world):
    await world.maria.slash(world.general, "config exclude", channel=world.channel("staff-room"))
    before = await world.maria.slash(world.general, "config show")
    await world.maria.slash(
        world.general, "config alerts set", channel=world.general, after_minutes=45
    )
    await world.maria.slash(world.general, "config quiet", start="22:00", end="07:30")

    after = await world.maria.slash(world.general, "config show")

    assert before.ephemeral
    fields = {field.name: field.value for field in before.response.embeds[0].fields}
    assert fields == {
        "Time zone": "UTC",
        "Daily digest": "off",
        "Alerts": "off",
        "Quiet hours (no DMs)": "none",
        "Inferred replies": "on: answers typed without Reply count",
        "Message text": "kept 90 days",
        "Excluded channels": f"<#{world.channel('staff-room').id}>",
    }
    fields = {field.name: field.value for field in after.response.embeds[0].fields}
    assert fields["Alerts"] == f"<#{world.general.id}> after 45 min (newcomers 60 min)"
    assert fields["Quiet hours (no DMs)"] == "22:00 to 07:30"


async def test_exclusions_survive_a_restart(simcord_env, simcord_bot, world, settings):
    from bot import create_bot

    await world.maria.slash(world.general, "config exclude", channel=world.channel("staff-room"))
    await simcord_bot.close()

    new_bot = create_bot(settings)
    try:
        await simcord_env.restart_bot(new_bot)
        await world.alice.send(world.channel("staff-room"), "still excluded?")
        await world.alice.send(world.general, "logged")
        assert await stored(new_bot, "SELECT content FROM messages") == [("logged",)]
    finally:
        await new_bot.close()


# Discord's three seconds: each command answers (defers) before it touches the store


async def test_exclude_include_and_show_answer_before_touching_the_store(
    simcord_env, simcord_bot, world, monkeypatch
):
    await world.alice.send(world.channel("staff-room"), "staff talk")
    policy = simcord_bot.policy

    def held(slow, command, **options):
        return answers_before_slow_work(
            simcord_env,
            monkeypatch,
            slow,
            lambda: world.maria.slash(world.general, f"config {command}", **options),
        )

    excluded = await held(
        (policy, "exclude_channel"), "exclude", channel=world.channel("staff-room")
    )
    shown = await held((simcord_bot.store.digests, "settings"), "show")
    included = await held(
        (policy, "include_channel"), "include", channel=world.channel("staff-room")
    )

    assert "1 stored message from it was deleted" in excluded.response.content
    fields = {field.name: field.value for field in shown.response.embeds[0].fields}
    assert fields["Excluded channels"] == f"<#{world.channel('staff-room').id}>"
    assert (
        included.response.content
        == f"{world.channel('staff-room').mention} is logged again from now on."
    )
    assert all(r.ephemeral for r in (excluded, shown, included))
    assert await stored(simcord_bot, "SELECT count(*) FROM excluded_channels") == [(0,)]


async def test_the_digest_commands_answer_before_touching_the_store(
    simcord_env, simcord_bot, world, monkeypatch
):
    on = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.digests, "configure"),
        lambda: world.maria.slash(
            world.general,
            "config digest set",
            channel=world.channel("staff-room"),
            time="09:00",
            timezone="Europe/Rome",
        ),
    )
    off = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.digests, "disable"),
        lambda: world.maria.slash(world.general, "config digest off"),
    )

    assert on.ephemeral and "at 09:00 (Europe/Rome)" in on.response.content
    assert off.ephemeral and off.response.content == "The daily digest is off."


async def test_bad_digest_options_are_refused_at_once(simcord_env, simcord_bot, world, db_path):
    closed = discord.PermissionOverwrite(send_messages=False)
    staff = world.guild.create_text_channel("announcements", overwrites={simcord_bot.user: closed})

    bad_time = await world.maria.slash(
        world.general, "config digest set", channel=world.general, time="9am"
    )
    bad_zone = await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.general,
        time="09:00",
        timezone="Mars/Base",
    )
    no_rights = await world.maria.slash(
        world.general, "config digest set", channel=staff, time="09:00"
    )

    assert "HH:MM" in bad_time.response.content and "Mars/Base" in bad_zone.response.content
    assert no_rights.response.content.startswith(f"I cannot post in {staff.mention}")
    for refused in (bad_time, bad_zone, no_rights):
        assert refused.ephemeral and answered_at_once(refused)
        assert refused.response.content.endswith("Nothing was changed.")
    assert query(db_path, "SELECT count(*) FROM digest_settings") == [(0,)]
    assert [type(error) for error in simcord_env.errors] == [UserError] * 3
