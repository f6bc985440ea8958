"""Two simulated weeks of a small community, as the team meets the alerts board: one
message, edited in place, that lists only what really waits."""

from __future__ import annotations

import sqlite3

import discord
import pytest

from bot import create_bot
from bot.errors import UserError
from bot.settings import RemindersSettings
from tests.helpers import query, slow_clock_settings

MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR


@pytest.fixture
def settings(db_path):
    # The reminder pass runs every simulated hour: coarse, as a two-week test needs.
    return slow_clock_settings(db_path, reminders=RemindersSettings(check_interval_seconds=HOUR))


def bot_messages(channel, bot):
    return [m for m in channel.history() if m.author.id == bot.user.id]


def claims_waiting(message) -> bool:
    """Whether a message in the alerts channel says that something waits."""
    title = message.embeds[0].title if message.embeds else ""
    return "waiting" in title and not title.startswith("Nothing waiting")


def the_board(world, bot):
    """The one message of the alerts channel that claims something waits, if any; fails
    when two do."""
    claiming = [m for m in bot_messages(world.channel("team"), bot) if claims_waiting(m)]
    assert len(claiming) <= 1, [m.embeds[0].title for m in claiming]
    return claiming[0] if claiming else None


def went_unanswered(world, bot) -> list[str]:
    """Every "Went unanswered" field of every digest posted so far."""
    return [
        field.value
        for message in bot_messages(world.channel("digest"), bot)
        for embed in message.embeds
        for field in embed.fields
        if field.name == "Went unanswered"
    ]


async def a_day_passes(env, world, bot, days: int = 1) -> None:
    """Regulars chat (so that no digest is a quiet day's), then a day goes by, hour by
    hour of reminder checks; at every step at most one message claims something waits."""
    for _ in range(days):
        note = await world.alice.send(world.general, "Workshop log: the new shelves are up.")
        await world.carol.send(world.general, "Nice work", reply_to=note)
        await env.advance_time(DAY)
        the_board(world, bot)


@pytest.mark.simcord(settle_timeout=300)
async def test_two_weeks_of_the_board_as_the_team_meets_it(
    simcord_env, simcord_bot, world, settings
):
    env, team = simcord_env, world.channel("team")
    await world.maria.slash(
        world.general,
        "config alerts set",
        channel=team,
        after_minutes=60,
        newcomer_after_minutes=60,
    )
    await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.channel("digest"),
        time="09:00",
        show_people=True,
    )
    # The regulars' first messages take part (replies): none of them waits.
    hello = await world.alice.send(world.general, "Morning all, meetup on Friday.")
    await world.bob.send(world.general, "See you there", reply_to=hello)
    await world.carol.send(world.general, "Count me in", reply_to=hello)
    plans = await world.carol.send(world.general, "Meetup moved to the evening.")
    await env.advance_time(HOUR)

    station = await world.alice.send(world.general, "Where is the soldering station now?")
    slides = await world.bob.send(world.general, f"{world.carol.mention} can you share the slides?")
    nina = world.member("nina")
    await nina.send(world.general, "Yes, Friday at 6!", reply_to=plans)  # taking part
    omar = world.member("omar")
    synths = await omar.send(world.general, "Hello, I build synths and pedals")
    await world.alice.react(synths, "👋")
    await world.bob.react(synths, "❤️")
    await env.advance_time(3 * HOUR)

    board = the_board(world, simcord_bot)
    assert board is not None
    text = board.embeds[0].description
    assert board.embeds[0].title == "2 waiting: 1 question, 1 newcomer"
    assert f"/{station.id})" in text and f"/{synths.id})" in text
    assert "Newcomer's first message by" in text and "2 reactions, no reply yet" in text
    assert f"/{slides.id})" not in text  # asked of carol: hers for a day
    assert "Yes, Friday" not in text and f"<@{nina.user.id}>" not in text
    board_id = board.id

    # Answered: it leaves within one check, and the same message is edited.
    await world.bob.send(world.general, "Back room, second shelf", reply_to=station)
    await env.advance_time(HOUR)
    board = the_board(world, simcord_bot)
    assert board.id == board_id and f"/{station.id})" not in board.embeds[0].description
    assert board.embeds[0].title == "1 newcomer waiting"

    # A day after it was asked, the addressed question reaches the team, saying of whom.
    await env.advance_time(19 * HOUR)  # 00:00 on Jan 2: 23 hours after it was asked
    assert f"/{slides.id})" not in the_board(world, simcord_bot).embeds[0].description
    await env.advance_time(2 * HOUR)
    board = the_board(world, simcord_bot)
    assert board.id == board_id
    assert f"/{slides.id})" in board.embeds[0].description
    assert f"asked of <@{world.carol.user.id}>" in board.embeds[0].description

    # /unanswered lists the newcomer and the addressed question, whom it was asked of.
    listed = await world.maria.slash(world.general, "unanswered")
    assert listed.ephemeral
    [embed] = listed.response.embeds
    assert embed.title == "2 waiting: 1 question, 1 newcomer"
    assert f"/{synths.id})" in embed.description and "asked of" in embed.description
    bad = await world.maria.slash(world.general, "unanswered", older_than_minutes=-1)
    assert bad.ephemeral and "older_than_minutes" in bad.response.content
    assert [type(error) for error in env.errors] == [UserError]

    # A restart keeps the board: neither posted again nor lost.
    await simcord_bot.store.flush()
    await simcord_bot.close()
    bot = create_bot(settings)
    try:
        await env.restart_bot(bot)
        await a_day_passes(env, world, bot, days=2)
        assert [m.id for m in bot_messages(team, bot)] == [board_id]

        # Seven days on, both have expired: they leave, and the board says nothing waits.
        await a_day_passes(env, world, bot, days=4)
        board = bot_messages(team, bot)[0]
        assert board.id == board_id
        assert board.embeds[0].title == "Nothing waiting · all answered, thank you"
        assert the_board(world, bot) is None

        # The next digest lists each once under "Went unanswered"; later ones do not.
        await a_day_passes(env, world, bot, days=7)
        fields = went_unanswered(world, bot)
        assert len(fields) == 1
        assert f"/{synths.id})" in fields[0] and f"/{slides.id})" in fields[0]
        assert f"<@{omar.user.id}>" in fields[0]  # show_people: names

        expired = await world.maria.slash(world.general, "unanswered", expired=True)
        [embed] = expired.response.embeds
        assert embed.title == "2 items went unanswered"
        assert f"/{synths.id})" in embed.description and f"/{slides.id})" in embed.description
        assert query(settings.database.path, "SELECT count(*) FROM alert_posts") == [(1,)]
    finally:
        await bot.close()


@pytest.mark.simcord(settle_timeout=120)
async def test_the_board_moves_when_far_up_deleted_or_sent_elsewhere_and_old_ones_claim_nothing(
    simcord_env, simcord_bot, world, settings
):
    env, team = simcord_env, world.channel("team")
    mods = world.guild.create_role("Mods", permissions=discord.Permissions(manage_messages=True))
    mo = world.member("mo", roles=[mods])
    # An alert of the version before the board, still saying something waits.
    legacy = await simcord_bot.get_channel(team.id).send(
        embed=discord.Embed(title="1 waiting for an answer", description="…")
    )
    with sqlite3.connect(settings.database.path) as db:
        db.execute(
            "INSERT INTO alert_posts (guild_id, channel_id, message_id, claimed_at)"
            " VALUES (?, ?, ?, '2025-12-31T12:00:00.000Z')",
            (world.guild.id, team.id, legacy.id),
        )
    await world.maria.slash(world.general, "config alerts set", channel=team, after_minutes=60)
    hello = await world.alice.send(world.general, "Hello all")
    await world.bob.send(world.general, "Welcome", reply_to=hello)
    await world.alice.send(world.general, "Who has the workshop keys?")
    await env.advance_time(3 * HOUR)

    [old, first] = bot_messages(team, simcord_bot)
    assert old.id == legacy.id and old.embeds[0].title == "Moved"  # upgraded: claims nothing
    assert first.embeds[0].title == "1 question waiting"

    # Far up the channel (5 messages below it) and a new item: a fresh board.
    for n in range(5):
        await world.maria.send(team, f"On it, note {n}", reply_to=first)
    await world.alice.send(world.general, "Is the laser cutter booked?")
    await env.advance_time(3 * HOUR)
    board = the_board(world, simcord_bot)
    assert board.id != first.id and board.embeds[0].title == "2 questions waiting"
    first = next(m for m in bot_messages(team, simcord_bot) if m.id == first.id)
    assert first.embeds[0].title == "Moved" and f"/{board.id})" in first.embeds[0].description

    # Deleted by someone: the next change posts a new one.
    await mo.delete(board)
    await world.alice.send(world.general, "Where do the offcuts go?")
    await env.advance_time(3 * HOUR)
    board = the_board(world, simcord_bot)
    assert board is not None and board.embeds[0].title == "3 questions waiting"

    # Alerts sent to another channel: the board moves there, the old one points to it.
    elsewhere = world.channel("team-2")
    await world.maria.slash(world.general, "config alerts set", channel=elsewhere)
    await env.advance_time(HOUR)
    [there] = bot_messages(elsewhere, simcord_bot)
    assert there.embeds[0].title == "3 questions waiting"
    assert the_board(world, simcord_bot) is None  # nothing in #team claims anything
    left = next(m for m in bot_messages(team, simcord_bot) if m.id == board.id)
    assert f"/{there.id})" in left.embeds[0].description

    # Alerts off: the board says so, and no longer claims anything waits.
    await world.maria.slash(world.general, "config alerts off")
    await env.advance_time(HOUR)
    [there] = bot_messages(elsewhere, simcord_bot)
    assert there.embeds[0].title == "Alerts are off"
    assert query(
        settings.database.path, "SELECT count(*) FROM alert_posts WHERE retired_at IS NULL"
    ) == [(0,)]
