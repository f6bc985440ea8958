"""Members' opt-in daily DMs: their hour, one a day, quiet hours, closed DMs, restarts."""

from __future__ import annotations

import pytest

from bot import create_bot
from bot.errors import UserError
from bot.settings import RemindersSettings
from tests.helpers import (
    answered_at_once,
    answers_before_slow_work,
    query,
    slow_clock_settings,
)

MINUTE = 60
HOUR = 3600


@pytest.fixture
def settings(db_path):
    # An hourly reminder pass: under SimCord each pass costs real time, and hourly passes
    # still land on the hours these tests check (each starts at midnight).
    return slow_clock_settings(db_path, reminders=RemindersSettings(check_interval_seconds=HOUR))


def dms(member):
    channel = member.user.dm_channel
    return [] if channel is None else list(channel.history())


async def owed_a_reply(general, alice, bob):
    mine = await alice.send(general, "Notes from today's call")
    return await bob.send(general, "Thanks! One thing to add", reply_to=mine)


@pytest.mark.simcord(settle_timeout=120)
async def test_an_opted_in_member_gets_one_dm_a_day_at_their_hour(
    simcord_env, simcord_bot, world, db_path
):
    result = await world.alice.slash(world.general, "nudges on", hour=9)
    owed = await owed_a_reply(world.general, world.alice, world.bob)

    await simcord_env.advance_time(9 * HOUR - MINUTE)  # 08:59
    assert dms(world.alice) == []
    await simcord_env.advance_time(11 * MINUTE)
    [dm] = dms(world.alice)
    await world.bob.send(world.general, f"<@{world.alice.user.id}> also this", reply_to=owed)
    await simcord_env.advance_time(14 * HOUR)  # the rest of the day: no second DM

    assert result.ephemeral and "09:00 (UTC)" in result.response.content
    assert f"/{owed.id})" in dm.embeds[0].description
    assert len(dms(world.alice)) == 1
    assert dms(world.bob) == []  # nudges are off by default
    assert query(db_path, "SELECT kind, user_id, message_id FROM reminders") == [
        ("inbox", world.alice.user.id, owed.id)
    ]
    await simcord_env.advance_time(11 * HOUR)  # 09:10 the next day
    assert len(dms(world.alice)) == 2


@pytest.mark.simcord(settle_timeout=120)
async def test_no_dm_when_there_is_nothing_to_say_or_in_quiet_hours(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(world.general, "config quiet", start="08:00", end="10:00")
    await world.alice.slash(world.general, "nudges on", hour=9)
    await world.bob.slash(world.general, "nudges on", hour=9)
    await owed_a_reply(
        world.general, world.alice, world.bob
    )  # alice owes bob a reply; bob owes nothing

    await simcord_env.advance_time(9 * HOUR + 30 * MINUTE)
    assert dms(world.alice) == []  # 09:30 is in the quiet hours
    await simcord_env.advance_time(HOUR)

    assert len(dms(world.alice)) == 1  # at the end of the quiet hours
    assert dms(world.bob) == []


@pytest.mark.simcord(settle_timeout=120)
async def test_closed_dms_turn_nudges_off_without_retrying(simcord_env, simcord_bot, world):
    await world.alice.slash(world.general, "nudges on", hour=9)
    await owed_a_reply(world.general, world.alice, world.bob)
    dm_channel = simcord_env.backend.get_dm_channel(world.alice.user.id)
    simcord_env.inject_error(
        "POST",
        f"/channels/{dm_channel.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )

    await simcord_env.advance_time(2 * 24 * HOUR)
    status = await world.alice.slash(world.general, "nudges status")

    assert "Discord refused my DM" in status.response.content
    dm_posts = [
        line
        for line in simcord_env.transcript().splitlines()
        if line.startswith("HTTP") and f"POST /channels/{dm_channel.id}/messages" in line
    ]
    assert len(dm_posts) == 1


@pytest.mark.simcord(settle_timeout=120)
async def test_a_restart_sends_an_overdue_dm_once(simcord_env, simcord_bot, world, settings):
    await world.alice.slash(world.general, "nudges on", hour=9)
    await owed_a_reply(world.general, world.alice, world.bob)
    await simcord_bot.store.flush()
    await simcord_bot.close()
    await simcord_env.advance_time(11 * HOUR)  # down at 09:00

    for _ in range(2):
        new_bot = create_bot(settings)
        try:
            await simcord_env.restart_bot(new_bot)
            await simcord_env.advance_time(HOUR)
        finally:
            await new_bot.close()

    assert len(dms(world.alice)) == 1


@pytest.mark.simcord(settle_timeout=120)
async def test_a_broadcaster_gets_a_weekly_listening_nudge_with_an_open_question(
    simcord_env, simcord_bot, world
):
    await world.alice.slash(world.general, "nudges on", hour=9)
    for number in range(6):
        await world.alice.send(world.general, f"My announcement number {number}")
    question = await world.bob.send(world.general, "Does anyone know a good venue?")

    await simcord_env.advance_time(9 * HOUR + 10 * MINUTE)

    [dm] = dms(world.alice)
    assert "A question you could answer" in dm.embeds[0].description
    assert f"/{question.id})" in dm.embeds[0].description


async def test_nudges_status_off_and_bad_values(simcord_env, simcord_bot, world, db_path):
    default = await world.alice.slash(world.general, "nudges status")
    bad_hour = await world.alice.slash(world.general, "nudges on", hour=24)
    not_on = await world.alice.slash(world.general, "nudges off")
    await world.alice.slash(world.general, "nudges on")
    on = await world.alice.slash(world.general, "nudges status")
    off = await world.alice.slash(world.general, "nudges off")

    assert "off (the default)" in default.response.content
    assert bad_hour.ephemeral and "from 0 to 23" in bad_hour.response.content
    assert answered_at_once(bad_hour)
    assert not_on.ephemeral and "already off" in not_on.response.content
    assert "on, at 09:00 (UTC)" in on.response.content
    assert off.ephemeral and off.response.content == "Nudges are off."
    assert query(db_path, "SELECT enabled FROM nudges") == [(0,)]
    assert [type(error) for error in simcord_env.errors] == [UserError, UserError]


async def test_the_nudge_commands_answer_before_touching_the_store(
    simcord_env, simcord_bot, world, db_path, monkeypatch
):
    reminders = simcord_bot.reminders

    def held(slow, command, **options):
        return answers_before_slow_work(
            simcord_env,
            monkeypatch,
            (reminders, slow),
            lambda: world.alice.slash(world.general, f"nudges {command}", **options),
        )

    on = await held("turn_nudges_on", "on", hour=9)
    status = await held("nudges", "status")
    off = await held("turn_nudges_off", "off")

    assert on.response.content.startswith("Nudges are on: at most one DM a day, at 09:00 (UTC)")
    assert status.response.content.startswith("Nudges are on, at 09:00 (UTC).")
    assert off.response.content == "Nudges are off."
    assert all(r.ephemeral for r in (on, status, off))
    assert query(db_path, "SELECT enabled FROM nudges") == [(0,)]


DAY = 24 * HOUR
ZWSP = "\u200b"


def dm_items(dm):
    """The items of a DM: (message id, its quoted line or None), inbox items and the
    question to answer alike (each ends with its Jump link)."""
    lines = (dm.embeds[0].description or "").splitlines()
    found = []
    for number, line in enumerate(lines):
        if "[Jump](" not in line:
            continue
        quote = lines[number + 1] if number + 1 < len(lines) else ""
        message_id = int(line.rsplit("/", 1)[1].rstrip(")"))
        found.append((message_id, quote[2:] if quote.startswith("> ") else None))
    return found


@pytest.mark.simcord(settle_timeout=300)
async def test_two_weeks_of_nudges_each_item_once_with_its_text(simcord_env, simcord_bot, world):
    """Alice broadcasts and asked for DMs at 09:00; Carol too. Over 15 days, a DM comes
    on each day something new waits, none on the other days, no item is listed twice,
    each quotes its text with harmless mentions, and the question addressed to Carol
    is in Carol's inbox and DM, never offered to Alice."""
    alice, bob, carol = world.alice, world.bob, world.carol
    general = world.general
    await alice.slash(general, "nudges on", hour=9)
    await carol.slash(general, "nudges on", hour=9)
    expected: dict[int, str] = {}  # item -> the quote it must carry

    async def day_0():
        mine = None
        for number in range(6):  # six posts, no reply: a broadcaster
            mine = await alice.send(general, f"Announcement {number}: the workshop schedule")
        reply = await bob.send(
            general,
            f"Nice one *alice*! ask <@{world.maria.id}> or @everyone about the "
            f"<@&{world.managers.id}> budget",
            reply_to=mine,
        )
        expected[reply.id] = (
            f"Nice one \\*alice\\*! ask @maria or @{ZWSP}everyone about the @Managers budget"
        )
        slides = await bob.send(general, f"<@{carol.id}> can you share the slides?")
        expected[slides.id] = "@carol can you share the slides?"
        return slides

    async def day_2():
        poster = await carol.send(
            world.channel("random"), f"<@{alice.id}> the __poster__ is ready, @here"
        )
        expected[poster.id] = f"@alice the \\_\\_poster\\_\\_ is ready, @{ZWSP}here"

    async def day_3():
        newbie = world.member("newbie")
        await simcord_env.settle()
        asked = await newbie.send(general, "hi! where do I find the rules for the workshop?")
        expected[asked.id] = "hi! where do I find the rules for the workshop?"
        return asked

    async def day_7():
        thanks = await bob.send(general, f"Thanks {alice.mention}, see you on Friday")
        expected[thanks.id] = "Thanks @alice, see you on Friday"

    async def day_11():
        long = "x" * 200
        late = await carol.send(general, f"<@{alice.id}> {long}")
        expected[late.id] = "@alice " + "x" * 112 + "…"

    async def day_1():
        # /inbox is the full list, the DM's items included; the question asked of Carol
        # is hers alone.
        for member in (alice, carol):
            result = await member.slash(general, "inbox")
            inboxes[member.id] = result.response.embeds[0].description or ""

    inboxes: dict[int, str] = {}
    days = {0: day_0, 1: day_1, 2: day_2, 3: day_3, 7: day_7, 11: day_11}
    made = {}
    alice_dms_by_day = []
    for day in range(15):
        if day in days:
            made[day] = await days[day]()
        await simcord_env.advance_time(DAY)
        alice_dms_by_day.append(len(dms(alice)))
    slides, question = made[0], made[3]

    # A DM on days 0, 2, 3, 7 and 11, when something new came; none on the others.
    assert alice_dms_by_day == [1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]
    alice_items = [item for dm in dms(alice) for item in dm_items(dm)]
    listed = [message_id for message_id, _ in alice_items]
    assert len(listed) == len(set(listed)) == 5  # no item twice
    for message_id, quote in alice_items:
        assert quote == expected[message_id]
    assert slides.id not in listed  # asked of Carol: never offered to Alice
    [offer] = [dm for dm in dms(alice) if "A question you could answer" in dm.embeds[0].description]
    assert dm_items(offer) == [(question.id, expected[question.id])]
    assert "new here" in offer.embeds[0].description
    assert f"/{listed[0]})" in inboxes[alice.id]
    assert f"/{slides.id})" not in inboxes[alice.id]

    [carols_dm] = dms(carol)
    assert dm_items(carols_dm) == [(slides.id, expected[slides.id])]
    assert f"/{slides.id})" in inboxes[carol.id]


@pytest.mark.simcord(settle_timeout=120)
async def test_an_hour_in_the_quiet_hours_is_answered_with_when_the_dm_comes(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(world.general, "config quiet", start="21:00", end="08:00")
    later = (
        "22:00 falls in this server's quiet hours (21:00 to 08:00), so your DM will come "
        "at 08:00 (UTC)."
    )

    on = await world.alice.slash(world.general, "nudges on", hour=22)
    status = await world.alice.slash(world.general, "nudges status")
    outside = await world.bob.slash(world.general, "nudges on", hour=12)
    await owed_a_reply(world.general, world.alice, world.bob)

    assert on.ephemeral and later in on.response.content
    assert status.response.content.startswith(f"Nudges are on, at 22:00 (UTC). {later}")
    assert "quiet hours" not in outside.response.content
    # And so it does: not at 22:00, at 08:00 the next morning.
    await simcord_env.advance_time(23 * HOUR)  # 23:00
    assert dms(world.alice) == []
    await simcord_env.advance_time(9 * HOUR + 10 * MINUTE)  # 08:10 the next day
    assert len(dms(world.alice)) == 1


@pytest.mark.simcord(settle_timeout=120)
async def test_a_question_asked_of_someone_is_theirs_to_answer(simcord_env, simcord_bot, world):
    """A question that replies to Carol or mentions Dave is in their inboxes and is never
    offered to Alice, who is active there and due a question to answer; an open
    question asked of no one is."""
    general, dave = world.general, world.member("dave")
    await world.alice.slash(general, "nudges on", hour=9)
    for number in range(6):  # a broadcaster: due a question to answer
        await world.alice.send(general, f"Announcement {number}")
    to_all = await world.bob.send(general, "Does anyone have a spare extension cord?")
    plan = await world.carol.send(general, "I'll bring snacks for Saturday")
    # Newer, so they would be offered first were they anyone's to answer.
    to_carol = await world.bob.send(general, "Which ones? Any without nuts?", reply_to=plan)
    to_dave = await world.bob.send(general, f"{dave.mention} could you open the hall at 9?")

    carols = await world.carol.slash(general, "inbox")
    daves = await dave.slash(general, "inbox")
    await simcord_env.advance_time(9 * HOUR + 10 * MINUTE)

    assert f"/{to_carol.id})" in carols.response.embeds[0].description
    assert f"/{to_dave.id})" in daves.response.embeds[0].description
    [dm] = dms(world.alice)
    assert dm_items(dm) == [(to_all.id, "Does anyone have a spare extension cord?")]
