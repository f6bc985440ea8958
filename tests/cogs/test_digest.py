"""The automated daily digest, driven through SimCord and its simulated clock."""

from __future__ import annotations

import discord
import pytest

from bot import create_bot
from tests.helpers import query, slow_clock_settings

HOUR = 3600


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


def bot_posts(channel, bot):
    return [m for m in channel.history() if m.author.id == bot.user.id]


async def a_day_of_conversation(general, alice, bob):
    question = await alice.send(general, "Who is coming to the meetup?")
    await bob.send(general, "Me! I'll bring snacks", reply_to=question)
    await alice.react(question, "🎉")
    await bob.react(question, "👍")


@pytest.mark.simcord(settle_timeout=60)
async def test_the_digest_is_posted_once_with_the_days_numbers_and_a_chart(
    simcord_env, simcord_bot, world
):
    result = await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)

    await simcord_env.advance_time(33 * HOUR - 1)  # 08:59:59 on Jan 2
    assert bot_posts(world.channel("digest"), simcord_bot) == []
    await simcord_env.advance_time(2)

    assert result.ephemeral
    assert "09:00 (UTC)" in result.response.content
    [post] = bot_posts(world.channel("digest"), simcord_bot)
    embed = post.embeds[0]
    assert "2026-01-01" in embed.title
    fields = {field.name: field.value for field in embed.fields}
    assert fields["Messages"].startswith("2")
    assert fields["Listening ratio"].startswith("67%")  # (1 reply + 1 reaction) / (2 + 1)
    assert "1 of 1" in fields["Questions answered"]
    assert embed.image.url == "attachment://trend.png"
    [chart] = post.attachments
    assert chart.filename == "trend.png"
    assert (await chart.read()).startswith(b"\x89PNG")
    assert "alice" not in str(embed.to_dict())  # no per-person lists in the channel by default
    assert "since" not in str(embed.to_dict())  # the bot saw the whole day


@pytest.mark.simcord(settle_timeout=60)
async def test_a_restart_after_the_digest_does_not_post_it_again(
    simcord_env, simcord_bot, world, settings
):
    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)
    await simcord_env.advance_time(33 * HOUR + 1)
    await simcord_bot.close()

    new_bot = create_bot(settings)
    try:
        await simcord_env.restart_bot(new_bot)
        await simcord_env.advance_time(HOUR)
        assert len(bot_posts(world.channel("digest"), new_bot)) == 1
        assert query(settings.database.path, "SELECT day FROM digest_posts") == [("2026-01-01",)]
    finally:
        await new_bot.close()


@pytest.mark.simcord(settle_timeout=60)
async def test_a_bot_down_at_digest_time_catches_up_when_it_returns(
    simcord_env, simcord_bot, world, settings
):
    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)
    await simcord_bot.store.flush()
    await simcord_bot.close()
    await simcord_env.advance_time(58 * HOUR)  # down until 10:00 on Jan 3

    new_bot = create_bot(settings)
    try:
        await simcord_env.restart_bot(new_bot)
        posts = bot_posts(world.channel("digest"), new_bot)
        # Only the most recent missed day is posted; the one before is stored.
        assert len(posts) == 1
        assert posts[0].content.startswith("No activity in Ascolto Lab on 2026-01-02")
        assert query(
            settings.database.path, "SELECT day, messages FROM daily_summaries ORDER BY day"
        ) == [("2026-01-01", 2), ("2026-01-02", 0)]
    finally:
        await new_bot.close()


async def test_bad_digest_options_get_a_clear_answer_and_change_nothing(
    simcord_env, simcord_bot, world, db_path
):
    bad_time = await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="9am"
    )
    bad_zone = await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.channel("digest"),
        time="09:00",
        timezone="Mars/Base",
    )
    not_on = await world.maria.slash(world.general, "config digest off")

    assert bad_time.ephemeral and "HH:MM" in bad_time.response.content
    assert bad_zone.ephemeral and "Mars/Base" in bad_zone.response.content
    assert not_on.ephemeral and "not on" in not_on.response.content
    assert query(db_path, "SELECT count(*) FROM digest_settings") == [(0,)]
    assert len(simcord_env.errors) == 3


@pytest.mark.simcord(settle_timeout=60)
async def test_digest_off_stops_it(simcord_env, simcord_bot, world):
    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)

    off = await world.maria.slash(world.general, "config digest off")
    await simcord_env.advance_time(34 * HOUR)

    assert off.ephemeral
    assert bot_posts(world.channel("digest"), simcord_bot) == []


async def test_members_without_manage_server_cannot_see_manager_commands(simcord_bot, world):
    assert "config digest set" in world.maria.available_commands(world.general)
    assert not any(c.startswith("config") for c in world.alice.available_commands(world.general))


def weekly_field(post):
    fields = post.embeds[0].fields if post.embeds else []
    return next((f.value for f in fields if f.name == "This week vs last week"), None)


@pytest.mark.simcord(settle_timeout=120)
async def test_the_monday_digest_compares_the_week_once_two_weeks_were_observed(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="09:00"
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)  # Thursday, Jan 1

    await simcord_env.advance_time((10 * 24 + 12) * HOUR)  # Sunday, Jan 11, 12:00
    await a_day_of_conversation(world.general, world.alice, world.bob)
    await simcord_env.advance_time(21 * HOUR + 1)  # Monday, Jan 12, 09:00
    first_monday = bot_posts(world.channel("digest"), simcord_bot)[-1]
    await simcord_env.advance_time(6 * 24 * HOUR + 3 * HOUR)  # Sunday, Jan 18, 12:00
    await a_day_of_conversation(world.general, world.alice, world.bob)
    await simcord_env.advance_time(21 * HOUR)  # Monday, Jan 19, 09:00
    second_monday = bot_posts(world.channel("digest"), simcord_bot)[-1]

    assert "2026-01-11" in first_monday.embeds[0].title
    assert weekly_field(first_monday) is None  # the week before was only partly observed
    assert "2026-01-18" in second_monday.embeds[0].title
    assert weekly_field(second_monday) is not None
    assert "Messages** 2" in weekly_field(second_monday)  # Jan 12 to 18: one active day
    assert len(bot_posts(world.channel("digest"), simcord_bot)) == 18  # one a day, Jan 1 to Jan 18


@pytest.mark.simcord(settle_timeout=60)
async def test_people_appear_in_the_digest_only_when_the_guild_chose(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.channel("digest"),
        time="09:00",
        show_people=True,
    )
    await a_day_of_conversation(world.general, world.alice, world.bob)

    await simcord_env.advance_time(33 * HOUR + 1)

    [post] = bot_posts(world.channel("digest"), simcord_bot)
    assert "alice" in str(post.embeds[0].to_dict())


async def test_setting_the_digest_again_keeps_what_is_left_out(simcord_env, simcord_bot, world):
    await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.channel("digest"),
        time="09:00",
        timezone="Europe/Rome",
        show_people=True,
    )

    await world.maria.slash(
        world.general, "config digest set", channel=world.channel("digest"), time="18:30"
    )

    settings = await simcord_bot.store.digests.settings(world.channel("digest").guild.id)
    assert (settings.post_time, settings.timezone, settings.show_people) == (
        "18:30",
        "Europe/Rome",
        True,
    )


@pytest.mark.simcord(settle_timeout=60)
async def test_a_day_seen_only_in_part_says_since_when(simcord_env, simcord_bot):
    await simcord_env.advance_time(14 * HOUR + 30 * 60)
    late = simcord_env.create_guild("Late Arrival")
    late_general = late.create_text_channel("general")
    late_digest = late.create_text_channel("digest")
    boss = late.add_member(
        simcord_env.create_user("boss"),
        roles=[late.create_role("Boss", permissions=discord.Permissions(manage_guild=True))],
    )
    await boss.slash(late_general, "config digest set", channel=late_digest, time="09:00")
    await boss.send(late_general, "Hello from the afternoon")

    await simcord_env.advance_time(19 * HOUR)

    [post] = bot_posts(late_digest, simcord_bot)
    assert "since 14:30" in str(post.embeds[0].to_dict())
