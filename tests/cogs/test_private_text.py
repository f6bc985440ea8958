"""Private text stays private: reminders quote a message only to readers who could open
it anyway, under SimCord. #staff is hidden from @everyone and open to the Staff role."""

from __future__ import annotations

import discord
import pytest

from bot.settings import RemindersSettings
from tests.cogs.world import World
from tests.helpers import create_thread, query, slow_clock_settings

MINUTE = 60
HOUR = 3600
HIDDEN = discord.PermissionOverwrite(view_channel=False)
SHOWN = discord.PermissionOverwrite(view_channel=True)


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(
        db_path, reminders=RemindersSettings(check_interval_seconds=5 * MINUTE)
    )


@pytest.fixture
async def world(simcord_env, simcord_bot):
    """The shared world with a Staff role: bob and sara (also a manager) have it, and
    only Staff (and the bot) can see #staff and #staff-alerts."""
    world = World.build(simcord_env)
    staff_role = world.guild.create_role("Staff")
    private = {world.guild.default_role: HIDDEN, staff_role: SHOWN, world.guild.me: SHOWN}
    world.channel("team")
    world.channel("staff", overwrites=private)
    world.channel("staff-alerts", overwrites=private)
    simcord_env.backend.add_member_role(world.guild.id, world.bob.id, staff_role.id)
    world.member("sara", roles=[staff_role, world.managers])
    return world


def description(result):
    embed = result.response.embeds[0]
    return embed.title, embed.description or ""


def alerts_in(channel, bot):
    return [m.embeds[0] for m in channel.history() if m.author.id == bot.user.id]


def dms(member):
    channel = member.user.dm_channel
    return [] if channel is None else list(channel.history())


def private_thread(env, channel, name, owner):
    """A private thread that only its owner has joined (SimCord 3.2.1 has no public
    builder for one)."""
    from simcord.builders import ChannelHandle
    from simcord.enums import ChannelType

    thread = env.backend.create_thread(channel.id, name, owner.id, type=ChannelType.PRIVATE_THREAD)
    return ChannelHandle(env, channel.guild, thread)


def archive(env, thread):
    """Archive a thread, as Discord does after its inactivity delay: discord.py forgets
    it (SimCord 3.2.1 has no public way to do this)."""
    env.backend.edit_channel(thread.id, {}, thread_metadata={"archived": True})


async def test_the_inbox_leaves_out_what_the_member_cannot_read_and_quotes_the_rest(
    simcord_bot, world
):
    secret = await world.bob.send(
        world.channel("staff"),
        f"between us: {world.alice.mention} is on the ban list, {world.member('sara').mention}",
    )
    poster = await world.bob.send(world.general, f"{world.alice.mention} can you check the poster?")

    alices = await world.alice.slash(world.general, "inbox")
    saras = await world.member("sara").slash(world.general, "inbox")

    title, text = description(alices)
    assert title == "1 waiting for your reply"
    assert f"/{poster.id})" in text and "\n> " in text and "check the poster" in text
    assert f"/{secret.id})" not in text and "ban list" not in text
    assert [c["label"] for row in alices.response.components for c in row["components"]] == [
        "Done 1"
    ]
    # Sara reads #staff: the same message is quoted to her.
    title, text = description(saras)
    assert title == "1 waiting for your reply"
    assert f"/{secret.id})" in text and "ban list" in text


async def test_a_thread_is_quoted_by_who_can_read_it_even_once_archived(
    simcord_env, simcord_bot, world
):
    secret_thread = private_thread(simcord_env, world.general, "mods only", world.bob)
    public_thread = create_thread(simcord_env, world.general, "poster ideas", world.bob)
    staff_thread = create_thread(simcord_env, world.channel("staff"), "bans", world.bob)
    await simcord_env.settle()
    in_private = await world.bob.send(secret_thread, f"{world.alice.mention} is on the ban list")
    in_public = await world.bob.send(public_thread, f"{world.alice.mention} what about blue?")
    in_staff = await world.bob.send(staff_thread, f"{world.alice.mention} banned next week")
    archive(simcord_env, public_thread)
    archive(simcord_env, staff_thread)
    await simcord_env.settle()
    assert simcord_bot.get_guild(world.general.guild.id).get_thread(public_thread.id) is None

    _, text = description(await world.alice.slash(world.general, "inbox"))

    # The archived public thread is known from the store: Alice reads #world.general, so it is
    # quoted. She is not known to be in the private thread: where and when, no text. The
    # archived thread of #staff is left out like #staff itself.
    assert "what about blue" in text and f"/{in_public.id})" in text
    assert f"/{in_private.id})" in text and "ban list" not in text
    assert f"/{in_staff.id})" not in text and "banned" not in text


@pytest.mark.simcord(settle_timeout=120)
async def test_the_daily_dm_lists_only_what_the_member_can_read(
    simcord_env, simcord_bot, world, db_path
):
    await world.alice.slash(world.general, "nudges on", hour=9)
    await world.member("sara").slash(world.general, "nudges on", hour=9)
    secret = await world.bob.send(
        world.channel("staff"),
        f"between us: {world.alice.mention} is on the ban list, {world.member('sara').mention}",
    )
    poster = await world.bob.send(world.general, f"{world.alice.mention} can you check the poster?")

    await simcord_env.advance_time(9 * HOUR + 10 * MINUTE)

    [alices] = dms(world.alice)
    [saras] = dms(world.member("sara"))
    text = alices.embeds[0].description
    assert f"/{poster.id})" in text
    assert f"/{secret.id})" not in text and f"<#{world.channel('staff').id}>" not in text
    assert "ban list" not in text
    assert f"/{secret.id})" in saras.embeds[0].description
    assert sorted(query(db_path, "SELECT user_id, message_id FROM reminders")) == sorted(
        [(world.alice.user.id, poster.id), (world.member("sara").user.id, secret.id)]
    )


@pytest.mark.simcord(settle_timeout=120)
async def test_no_dm_when_everything_owed_is_where_the_member_cannot_read(
    simcord_env, simcord_bot, world, db_path
):
    await world.alice.slash(world.general, "nudges on", hour=9)
    await world.bob.send(
        world.channel("staff"), f"between us: {world.alice.mention} is on the ban list"
    )

    await simcord_env.advance_time(9 * HOUR + 10 * MINUTE)

    assert dms(world.alice) == []
    assert query(db_path, "SELECT count(*) FROM reminders") == [(0,)]


@pytest.mark.simcord(settle_timeout=60)
async def test_an_alert_quotes_only_what_everyone_reading_it_can_read(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(world.general, "config alerts set", channel=world.channel("team"))
    private = await world.bob.send(world.channel("staff"), "Is the new member on the ban list?")
    public = await world.alice.send(world.general, "Where do I find the poster files?")

    await simcord_env.advance_time(65 * MINUTE)

    [alert] = alerts_in(world.channel("team"), simcord_bot)
    lines = alert.description.splitlines()
    assert alert.title == "2 newcomers waiting"  # both are bob's and alice's first messages
    [private_line] = [i for i, line in enumerate(lines) if f"/{private.id})" in line]
    assert f"in <#{world.channel('staff').id}>, <t:" in lines[private_line]  # where and when
    assert "ban list" not in alert.description
    assert "poster files" in alert.description  # #general is read by everyone

    await world.bob.send(world.general, "In the shared drive", reply_to=public)
    await world.member("sara").send(world.channel("staff"), "No.", reply_to=private)
    await simcord_env.advance_time(6 * MINUTE)
    [marked] = alerts_in(world.channel("team"), simcord_bot)
    assert marked.title == "Nothing waiting · all answered, thank you"
    assert "ban list" not in marked.description


@pytest.mark.simcord(settle_timeout=60)
async def test_an_alert_read_only_by_the_staff_quotes_the_staff_channel(
    simcord_env, simcord_bot, world
):
    await world.member("sara").slash(
        world.general, "config alerts set", channel=world.channel("staff-alerts")
    )
    await world.bob.send(world.channel("staff"), "Is the new member on the ban list?")

    await simcord_env.advance_time(65 * MINUTE)

    [alert] = alerts_in(world.channel("staff-alerts"), simcord_bot)
    assert "ban list" in alert.description


async def test_unanswered_lists_every_question_but_quotes_only_what_the_manager_reads(
    simcord_bot, world
):
    private = await world.bob.send(world.channel("staff"), "Is the new member on the ban list?")
    await world.alice.send(world.general, "Where do I find the poster files?")

    title, text = description(await world.maria.slash(world.general, "unanswered"))

    assert title == "2 newcomers waiting"  # bob's and alice's first messages
    assert f"/{private.id})" in text and "ban list" not in text
    assert "poster files" in text
