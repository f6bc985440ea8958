"""/member and /me: when a member joined and first posted, whether a manager should see
them as a newcomer or a broadcaster this week, and the member's own gentle word."""

from __future__ import annotations

import pytest
from simcord.actors import MemberActor

from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.settings import PrivacySettings
from tests.dce.exports import export, message, user, write
from tests.helpers import slow_clock_settings

DAY = 24 * 3600
NEITHER = "Not a newcomer, and not a broadcaster this week."


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


def fields(result) -> dict[str, str]:
    return {f.name: f.value for f in result.response.embeds[0].fields}


def description(result) -> str:
    return result.response.embeds[0].description or ""


def member_from_before(world, name: str) -> MemberActor:
    """A member who joined before Ascolto arrived: Discord announced no join to the bot."""
    found = world.env.create_user(name)
    world.env.backend.add_member(world.guild.id, found.id, announce=False)
    return MemberActor(world.env, world.guild, found)


async def talks_without_listening(world, author, messages: int, replies: int) -> None:
    """``author`` posts ``messages`` messages in #general, ``replies`` of them replies to
    maria, and reacts to nothing."""
    opener = await world.maria.send(world.general, "Morning all")
    for number in range(messages):
        reply_to = opener if number < replies else None
        await author.send(world.general, f"update {number}", reply_to=reply_to)


async def test_a_member_who_joined_today_is_a_newcomer_in_the_servers_time_zone(
    simcord_env, simcord_bot, world
):
    # 2026-01-01T00:00Z, when the world's members join, is still 31 December in New York.
    await world.maria.slash(
        world.general,
        "config digest set",
        channel=world.general,
        time="09:00",
        timezone="America/New_York",
    )
    await world.alice.send(world.general, "Hi everyone, I just found this server!")

    result = await world.maria.slash(world.general, "member", member=world.alice)

    assert result.ephemeral
    assert fields(result)["Joined"] == "2025-12-31 (today)"
    assert fields(result)["First message here"] == "2025-12-31 (today)"
    assert description(result).startswith("🌱 **Newcomer** (joined today)")
    assert "America/New_York" in result.response.embeds[0].footer.text
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_after_seven_days_a_member_is_no_longer_a_newcomer(simcord_env, simcord_bot, world):
    await world.alice.send(world.general, "Hi everyone!")
    await simcord_env.advance_time(8 * DAY)
    await world.alice.send(world.general, "Back again")
    dave = world.member("dave")  # joins now, and has not written yet

    alice = await world.maria.slash(world.general, "member", member=world.alice)
    newcomer = await world.maria.slash(world.general, "member", member=dave)

    assert fields(alice)["Joined"] == "2026-01-01 (8 days ago)"
    assert fields(alice)["First message here"] == "2026-01-01 (8 days ago)"
    assert description(alice) == NEITHER
    assert fields(newcomer)["Joined"] == "2026-01-09 (today)"
    assert fields(newcomer)["First message here"] == "None yet"
    assert description(newcomer).startswith("🌱 **Newcomer** (joined today, no message yet)")
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_a_member_who_comes_back_is_not_a_newcomer_again(simcord_env, simcord_bot, world):
    await world.bob.send(world.general, "Hello from bob")
    await simcord_env.advance_time(10 * DAY)
    world.guild.remove_member(world.bob)
    bob = world.guild.add_member(world.bob.user)

    result = await world.maria.slash(world.general, "member", member=bob)

    assert fields(result)["Joined"] == "2026-01-11 (today)"
    assert fields(result)["First message here"] == "2026-01-01 (10 days ago)"
    assert description(result) == NEITHER
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_a_member_known_only_from_imported_history_has_no_join_date(
    simcord_env, simcord_bot, world, tmp_path
):
    old, recent = member_from_before(world, "olga"), member_from_before(world, "rui")
    folder = tmp_path / "exports"
    folder.mkdir()
    data = export(
        [
            message(1000, user(old.id, "olga"), "2025-12-20T10:00:00Z", "first post"),
            message(1001, user(recent.id, "rui"), "2025-12-30T10:00:00Z", "hello, new here"),
        ],
        channel=str(world.general.id),
    )
    data["guild"]["id"] = str(world.guild.id)
    exports, _ = find_exports([write(folder, "history.json", data)])
    importer = Importer(simcord_bot.store.path, PrivacySettings())
    try:
        assert not importer.run(exports).failed
    finally:
        importer.close()

    about_old = await world.maria.slash(world.general, "member", member=old)
    about_recent = await world.maria.slash(world.general, "member", member=recent)
    own = await recent.slash(world.general, "me")

    assert fields(about_old)["Joined"] == "Unknown: the imported history shows no join"
    assert fields(about_old)["First message here"] == "2025-12-20 (12 days ago)"
    assert description(about_old) == NEITHER
    # The digest counted rui as a newcomer at their first message, 2 days ago.
    assert fields(about_recent)["First message here"] == "2025-12-30 (2 days ago)"
    assert description(about_recent).startswith(
        "🌱 **Newcomer** (first message 2 days ago, join unknown)"
    )
    assert fields(own)["Joined"] == "Unknown: the imported history shows no join"
    assert fields(own)["First message here"] == "2025-12-30 (2 days ago)"
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=60)
async def test_a_broadcaster_this_week_is_counted_as_the_digest_counts_them(
    simcord_env, simcord_bot, world
):
    await simcord_env.advance_time(8 * DAY)  # nobody is a newcomer any more
    await talks_without_listening(world, world.carol, messages=6, replies=1)  # 1/6 < 0.2
    await talks_without_listening(world, world.bob, messages=5, replies=1)  # 1/5 is not

    carol = await world.maria.slash(world.general, "member", member=world.carol)
    bob = await world.maria.slash(world.general, "member", member=world.bob)
    await simcord_env.advance_time(DAY)
    summary = await world.maria.slash(world.general, "summary")

    assert description(carol) == (
        "📣 **Broadcaster this week**: 6 messages, listening ratio 17%. "
        "An invitation into a conversation may help."
    )
    assert fields(bob)["Listening ratio"] == "20%"
    assert description(bob) == NEITHER
    listed = fields(summary)["Broadcasters (7 days)"]
    assert "carol" in listed and "bob" not in listed
    assert not simcord_env.errors


async def test_me_tells_a_broadcaster_gently_and_no_one_else(simcord_env, simcord_bot, world):
    await talks_without_listening(world, world.carol, messages=6, replies=1)
    await talks_without_listening(world, world.bob, messages=5, replies=0)
    await world.alice.send(world.general, "Nice to meet you all")

    carol = await world.carol.slash(world.general, "me")
    bob = await world.bob.slash(world.general, "me")
    alice = await world.alice.slash(world.general, "me")

    assert carol.ephemeral
    assert description(carol) == (
        "You posted 6 messages and replied or reacted 1 time this week: "
        "others' questions are waiting, see /inbox."
    )
    assert description(bob) == (
        "You posted 5 messages and replied or reacted 0 times this week: "
        "others' questions are waiting, see /inbox."
    )
    assert description(alice) == ""  # neither a label nor a newcomer line for oneself
    assert fields(alice)["Joined"] == "2026-01-01 (today)"
    assert fields(alice)["First message here"] == "2026-01-01 (today)"
    assert not simcord_env.errors
