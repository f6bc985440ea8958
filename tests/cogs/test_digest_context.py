"""The digest with context, over two simulated weeks under SimCord: usual values, the
week's distinct members, newcomers by name or by count, top conversations' first
lines (never from a channel some readers cannot open), and the chart's title."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot.render.chart import UNOBSERVED
from tests.helpers import query, slow_clock_settings
from tests.render.test_chart import pixels_near

HIDDEN = discord.PermissionOverwrite(view_channel=False)
SHOWN = discord.PermissionOverwrite(view_channel=True)


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


async def until(env, *when: int) -> None:
    """Advance the simulated clock to 2026-01-``day`` ``hour:minute:second`` UTC."""
    day, hour, *rest = when
    moment = datetime(2026, 1, day, hour, *rest, tzinfo=UTC)
    await env.advance_time((moment - env.now()).total_seconds())


def bot_posts(channel, bot):
    return [m for m in channel.history() if m.author.id == bot.user.id]


def fields(embed):
    return {field.name: field.value for field in embed.fields}


async def talk(general, asker, answerer):
    question = await asker.send(general, "Who is coming to the meetup?")
    await answerer.send(general, "Me! I'll bring snacks", reply_to=question)


@pytest.mark.simcord(settle_timeout=120)
async def test_two_weeks_of_digests_show_usual_values_the_week_and_the_dates(
    simcord_env, simcord_bot, world
):
    digest = world.channel("digest")
    await world.maria.slash(world.general, "config digest set", channel=digest, time="09:00")
    await talk(world.general, world.alice, world.bob)  # Thursday, Jan 1
    await until(simcord_env, 2, 9, 0, 1)
    [first] = bot_posts(digest, simcord_bot)

    await until(simcord_env, 8, 12)  # last week: alice and bob
    await talk(world.general, world.alice, world.bob)
    await until(simcord_env, 13, 12)  # this week: alice and bob, then carol and maria
    await talk(world.general, world.alice, world.bob)
    await until(simcord_env, 18, 12)
    await talk(world.general, world.carol, world.maria)
    await until(simcord_env, 19, 9, 0, 1)  # Monday: the digest of Sunday, Jan 18
    last = bot_posts(digest, simcord_bot)[-1]

    # The first day has nothing before it: no arrow, no "usually", and a chart "since".
    opening = first.embeds[0]
    assert "Arrows compare" not in str(opening.description)
    assert "usually" not in str(opening.to_dict())
    assert "▲" not in str(opening.to_dict())
    assert first.attachments[0].description == "Ascolto Lab · since Jan 1"
    # Seventeen days later the arrows follow the median of the days before.
    embed = last.embeds[0]
    assert "2026-01-18" in embed.title
    assert str(embed.description).startswith(
        "Arrows compare with the usual value: the median of the 17 days before."
    )
    values = fields(embed)
    assert values["Messages"] == "2 ▲\nusually 0"
    # A quiet day has no listening ratio, and is no zero in its median.
    assert values["Listening ratio"] == "50% ▶\nusually 50%"
    # The week counts each member once: four this week, two the week before (the
    # rounded daily average would say 1 and 0).
    week = values["This week vs last week"]
    assert "**Active members** 4, last week 2 ▲" in week
    assert "**Messages** 4, last week 2 ▲" in week
    assert last.attachments[0].description == "Ascolto Lab · Jan 5 to Jan 18"
    assert embed.footer.text == "Ascolto · computed Jan 19, 09:00 (UTC)"


@pytest.fixture
async def staff(world):
    """#staff, which only managers (and the bot) can open."""
    return world.channel(
        "staff",
        overwrites={world.guild.default_role: HIDDEN, world.managers: SHOWN, world.guild.me: SHOWN},
    )


async def newcomers_and_conversations(env, world, staff):
    """Jan 1: the regulars' first messages. Jan 9: dana and erin join; dana's hello gets a
    reply, erin's does not; bob's question starts a thread of replies in #general, and
    maria and sam talk longer in #staff."""
    sam = world.member("sam", roles=[world.managers])
    await talk(world.general, world.alice, world.bob)
    await world.carol.send(world.general, "Morning all")
    await world.maria.send(staff, "Agenda for Friday is up")
    await sam.send(staff, "Thanks")
    await until(env, 9, 10)
    dana, erin = world.member("dana"), world.member("erin")
    hello = await dana.send(world.general, "Hi all, I'm new! Anyone into 3D printing?")
    await world.alice.send(world.general, "Welcome! Lots of us", reply_to=hello)
    await erin.send(world.general, "hello")
    question = await world.bob.send(world.general, "Who has a **spare** soldering iron?")
    await world.carol.send(world.general, "I do", reply_to=question)
    await world.alice.send(world.general, "Me too", reply_to=question)
    secret = await world.maria.send(staff, "Secret budget: can we afford the venue?")
    reply = await sam.send(staff, "Barely", reply_to=secret)
    reply = await world.maria.send(staff, "Then we cut snacks", reply_to=reply)
    await sam.send(staff, "Never", reply_to=reply)


@pytest.mark.parametrize("show_people", [False, True])
@pytest.mark.simcord(settle_timeout=120)
async def test_newcomers_yesterday_and_top_conversations_in_the_digest(
    simcord_env, simcord_bot, world, staff, show_people, db_path
):
    digest = world.channel("digest")
    await world.maria.slash(
        world.general, "config digest set", channel=digest, time="09:00", show_people=show_people
    )
    await newcomers_and_conversations(simcord_env, world, staff)
    await until(simcord_env, 10, 9, 0, 1)

    embed = bot_posts(digest, simcord_bot)[-1].embeds[0]
    assert "2026-01-09" in embed.title
    values = fields(embed)
    newcomers = values["Newcomers yesterday"]
    conversations = values["Top conversations"].splitlines()
    assert newcomers.startswith("2 members joined")
    assert "1 of 2 first messages answered" in newcomers
    # The same newcomers as the stored summary counts.
    assert query(
        db_path,
        "SELECT new_members, newcomer_first_messages, newcomers_answered FROM daily_summaries"
        " WHERE day = '2026-01-09'",
    ) == [(2, 2, 1)]
    # #staff's conversation is the biggest: its place and size, never its words.
    assert conversations[0].startswith(f"<#{staff.id}> · [4 messages, 2 participants](")
    assert "Secret" not in str(embed.to_dict()) and "budget" not in str(embed.to_dict())
    assert conversations[1].startswith(f"<#{world.general.id}> · [3 messages, 3 participants](")
    assert "“Who has a \\*\\*spare\\*\\* soldering iron?”" in conversations[1]
    if show_people:
        assert newcomers.startswith("2 members joined: dana, erin\n")
        assert ") answered" in newcomers and "[erin](" in newcomers
        assert "[erin](" in newcomers and ") no response yet" in newcomers
        assert conversations[1].endswith("soldering iron?” (bob)")
    else:
        assert newcomers == "2 members joined\n1 of 2 first messages answered"
        assert "dana" not in str(embed.to_dict()) and "bob" not in str(embed.to_dict())


@pytest.mark.simcord(settle_timeout=120)
async def test_summary_names_newcomers_for_managers_and_follows_show_people_in_public(
    simcord_env, simcord_bot, world, staff
):
    await newcomers_and_conversations(simcord_env, world, staff)
    await until(simcord_env, 10, 9)

    private = await world.maria.slash(world.general, "summary", day="2026-01-09")
    public = await world.maria.slash(world.general, "summary", day="2026-01-09", public=True)

    assert private.ephemeral and not public.ephemeral
    named = fields(private.response.embeds[0])["Newcomers"]
    assert named.startswith("2 members joined: dana, erin\n1 of 2 first messages answered: [dana](")
    counted = fields(public.response.embeds[0])["Newcomers"]
    assert counted == "2 members joined\n1 of 2 first messages answered"


@pytest.mark.simcord(settle_timeout=60)
async def test_trend_draws_days_before_ascolto_arrived_as_not_observed(
    simcord_env, simcord_bot, world
):
    await talk(world.general, world.alice, world.bob)
    await until(simcord_env, 4, 12)

    result = await world.maria.slash(world.general, "trend", days=14)

    [chart] = result.response.attachments
    assert chart.description == "Ascolto Lab · since Jan 1"
    # Dec 21 to 31 are hatched, not drawn as eleven days of nothing.
    assert pixels_near(await chart.read(), UNOBSERVED) > 5000
