"""The team's board of unanswered questions and silent newcomers, under SimCord."""

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
    # The reminder pass runs every 5 simulated minutes.
    return slow_clock_settings(
        db_path, reminders=RemindersSettings(check_interval_seconds=5 * MINUTE)
    )


def alerts_in(channel, bot):
    return [m for m in channel.history() if m.author.id == bot.user.id]


@pytest.mark.simcord(settle_timeout=60)
async def test_unanswered_questions_are_listed_on_one_board_that_loses_them_when_answered(
    simcord_env, simcord_bot, world, db_path
):
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=30
    )
    first = await world.alice.send(world.general, "How do I join the reading group?")
    second = await world.bob.send(world.general, "Is the wiki down?")
    answered_in_time = await world.maria.send(world.general, "Anyone up for coffee?")
    await world.bob.send(world.general, "Me!", reply_to=answered_in_time)

    await simcord_env.advance_time(25 * MINUTE)
    assert alerts_in(world.channel("team"), simcord_bot) == []
    await simcord_env.advance_time(10 * MINUTE)

    [alert] = alerts_in(world.channel("team"), simcord_bot)
    text = alert.embeds[0].description
    assert alert.embeds[0].title == "2 questions waiting"
    assert f"<@{world.alice.user.id}>" in text and f"<@{world.bob.user.id}>" in text
    assert f"/{first.id})" in text and f"/{second.id})" in text
    assert "reading group" in text  # the start of the question, as text is stored
    assert f"/{answered_in_time.id})" not in text

    await world.bob.send(world.general, "Ask Maria!", reply_to=first)
    await simcord_env.advance_time(6 * MINUTE)

    [alert] = alerts_in(world.channel("team"), simcord_bot)  # edited, not posted again
    assert alert.embeds[0].title == "1 question waiting"
    assert f"/{first.id})" not in alert.embeds[0].description  # answered: off the board
    assert f"/{second.id})" in alert.embeds[0].description
    rows = query(
        db_path, "SELECT message_id, answered_at IS NOT NULL FROM reminders ORDER BY message_id"
    )
    assert rows == [(first.id, 1), (second.id, 0)]
    await simcord_env.advance_time(2 * HOUR)
    assert len(alerts_in(world.channel("team"), simcord_bot)) == 1


@pytest.mark.simcord(settle_timeout=60)
async def test_a_newcomers_first_message_met_with_silence_is_announced(
    simcord_env, simcord_bot, world
):
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), newcomer_after_minutes=20
    )
    nina = world.guild.add_member(simcord_env.create_user("nina"))
    hello = await nina.send(world.general, "Hello everyone, happy to be here")

    await simcord_env.advance_time(26 * MINUTE)

    [alert] = alerts_in(world.channel("team"), simcord_bot)
    text = alert.embeds[0].description
    assert "Newcomer's first message" in text and f"/{hello.id})" in text
    assert "🌱" in text


@pytest.mark.simcord(settle_timeout=60)
async def test_a_restart_keeps_the_board_and_adds_what_fell_due_meanwhile(
    simcord_env, simcord_bot, world, settings
):
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=30
    )
    await world.alice.send(world.general, "Where are the slides?")
    await simcord_env.advance_time(35 * MINUTE)
    later = await world.bob.send(world.general, "Who runs the next call?")
    await simcord_bot.store.flush()
    await simcord_bot.close()
    await simcord_env.advance_time(HOUR)  # down while the second one fell due

    new_bot = create_bot(settings)
    try:
        await simcord_env.restart_bot(new_bot)
        await simcord_env.advance_time(6 * MINUTE)
        [board] = alerts_in(world.channel("team"), new_bot)  # the same message, edited
        text = board.embeds[0].description
        assert board.embeds[0].title == "2 waiting: 1 question, 1 newcomer"  # bob is new
        assert f"/{later.id})" in text and "slides" in text
        assert query(settings.database.path, "SELECT count(*) FROM alert_posts") == [(1,)]
    finally:
        await new_bot.close()


@pytest.mark.simcord(settle_timeout=60)
async def test_alerts_off_stops_them_and_excluded_or_opted_out_members_never_appear(
    simcord_env, simcord_bot, world
):
    quiet_room = world.guild.create_text_channel("quiet-room")
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=30
    )
    await world.maria.slash(world.general, "config exclude", channel=quiet_room)
    await world.alice.slash(world.general, "privacy optout")
    await world.alice.send(world.general, "Am I visible?")
    await world.bob.send(quiet_room, "Is anyone here?")
    await simcord_env.advance_time(40 * MINUTE)
    assert alerts_in(world.channel("team"), simcord_bot) == []

    off = await world.maria.slash(world.general, "config alerts off")
    await world.bob.send(world.general, "Does anyone read this?")
    await simcord_env.advance_time(HOUR)

    assert off.ephemeral
    assert alerts_in(world.channel("team"), simcord_bot) == []


async def test_bad_alert_options_get_a_clear_answer_and_change_nothing(
    simcord_env, simcord_bot, world, db_path
):
    too_soon = await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=2
    )
    too_late = await world.maria.slash(
        world.general,
        "config alerts set",
        channel=world.channel("team"),
        newcomer_after_minutes=20000,
    )
    not_on = await world.maria.slash(world.general, "config alerts off")
    bad_quiet = await world.maria.slash(world.general, "config quiet", start="22h", end="07:00")

    assert too_soon.ephemeral and "from 5 to 10080" in too_soon.response.content
    assert "not 2" in too_soon.response.content
    assert too_late.ephemeral and "newcomer_after_minutes" in too_late.response.content
    assert not_on.ephemeral and "not on" in not_on.response.content
    assert bad_quiet.ephemeral and "HH:MM" in bad_quiet.response.content
    assert query(db_path, "SELECT count(*) FROM alert_settings") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM quiet_hours") == [(0,)]
    assert all(answered_at_once(r) for r in (too_soon, too_late, bad_quiet))
    assert [type(error) for error in simcord_env.errors] == [UserError] * 4


async def test_alerts_and_quiet_hours_answer_before_touching_the_store(
    simcord_env, simcord_bot, world, db_path, monkeypatch
):
    reminders = simcord_bot.reminders

    def held(slow, command, **options):
        return answers_before_slow_work(
            simcord_env,
            monkeypatch,
            slow,
            lambda: world.maria.slash(world.general, f"config {command}", **options),
        )

    on = await held(
        (reminders, "turn_alerts_on"), "alerts set", channel=world.channel("team"), after_minutes=30
    )
    quiet = await held(
        (simcord_bot.store.guild_config, "set_quiet_hours"), "quiet", start="22:00", end="07:00"
    )
    no_quiet = await held(
        (simcord_bot.store.guild_config, "set_quiet_hours"), "quiet", start="08:00", end="08:00"
    )
    off = await held((reminders, "turn_alerts_off"), "alerts off")

    assert on.response.content.startswith(
        f"Alerts go to {world.channel('team').mention}: a question with no"
    )
    assert quiet.response.content.startswith("Quiet hours: no DM from 22:00 to 07:00 (UTC).")
    assert no_quiet.response.content.startswith("No quiet hours")
    assert off.response.content.startswith("Alerts are off: at its next check the board says so")
    assert all(r.ephemeral for r in (on, quiet, no_quiet, off))
    assert query(db_path, "SELECT enabled FROM alert_settings") == [(0,)]


async def test_members_cannot_see_the_managers_reminder_commands(simcord_bot, world):
    assert {"config alerts set", "unanswered"} <= set(world.maria.available_commands(world.general))
    assert "unanswered" not in world.alice.available_commands(world.general)
    assert {"inbox", "nudges on"} <= set(world.alice.available_commands(world.general))


@pytest.mark.simcord(settle_timeout=60)
async def test_a_board_discord_refused_is_logged_and_posted_once_at_the_next_check(
    simcord_env, simcord_bot, world, db_path, caplog
):
    await world.maria.slash(
        world.general, "config alerts set", channel=world.channel("team"), after_minutes=30
    )
    await world.alice.send(world.general, "Is the meetup still on?")
    simcord_env.inject_error(
        "POST", f"/channels/{world.channel('team').id}/messages", status=500, times=1
    )

    await simcord_env.advance_time(2 * HOUR)

    [board] = alerts_in(world.channel("team"), simcord_bot)  # the next pass posted it, once
    assert board.embeds[0].title == "1 question waiting"
    assert "could not be posted" in caplog.text
    assert "Is the meetup" not in caplog.text  # no message text in the log
    assert query(db_path, "SELECT count(*) FROM reminders") == [(1,)]  # claimed once
    assert query(db_path, "SELECT count(*), count(message_id) FROM alert_posts") == [(1, 1)]
