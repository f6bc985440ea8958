"""docs/messages.md and the README show a digest, the alert board and daily DMs as the
bot writes them: this test plays nine days of a small server under SimCord and
compares what the bot wrote with both. After a deliberate change of wording, write
them anew:

    UPDATE_DOCS=1 .venv/bin/python -m pytest -n 0 tests/cogs/test_docs_messages.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import RemindersSettings
from tests.docs_text import as_markdown
from tests.helpers import slow_clock_settings

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "messages.md"
README = ROOT / "README.md"
HOUR = 3600

INTRODUCTION = """\
# What Ascolto writes

These are the bot's own messages, from a test that plays nine days of a small server
(`tests/cogs/test_docs_messages.py`; it fails when this page and the bot disagree).
Mentions, channels and times are shown as Discord shows them to a reader, on
2026-01-09 at 09:30 UTC. The managers turned on the digest (09:00, with
`show_people:true`) and the alerts in #team; alice turned on `/nudges`.
"""


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path, reminders=RemindersSettings(check_interval_seconds=HOUR))


async def until(env, day: int, hour: int, minute: int = 0) -> None:
    """Advance the simulated clock to 2026-01-``day`` ``hour:minute`` UTC."""
    moment = datetime(2026, 1, day, hour, minute, tzinfo=UTC)
    await env.advance_time((moment - env.now()).total_seconds())


def by_bot(messages, bot):
    return [m for m in messages if m.author.id == bot.user.id]


@pytest.mark.simcord(settle_timeout=300)
async def test_the_documented_messages_are_the_bots_own(simcord_env, simcord_bot, world):
    team = world.channel("team")
    general = world.general
    maria, alice, bob, carol = world.maria, world.alice, world.bob, world.carol
    await maria.slash(team, "config digest set", channel=team, time="09:00", show_people=True)
    await maria.slash(team, "config alerts set", channel=team, after_minutes=60)
    await alice.slash(general, "nudges on", hour=9)
    omar = world.member("omar")  # posts his news every day and answers no one
    await omar.slash(general, "nudges on", hour=9)

    # A week of ordinary talk: everyone answered, but one question nobody took up.
    hello = await maria.send(general, "Welcome to the maker space! Introduce yourselves 👋")
    for member in (alice, bob, carol):
        await member.send(general, f"Hi {maria.mention}, glad to be here", reply_to=hello)
    await until(simcord_env, 1, 18)
    await carol.send(general, "Does anyone have the slides from Tuesday's soldering workshop?")
    for day in range(2, 8):
        await until(simcord_env, day, 17)
        update = await bob.send(general, f"Day {day} at the bench: reflowing the LED matrix.")
        asked = await alice.send(general, "Looks great, which paste do you use?", reply_to=update)
        await bob.send(general, "Low-temperature paste, it forgives a lot", reply_to=asked)
        await carol.react(update, "🔥")
        if day >= 4:
            news = await omar.send(general, f"Laser cutter news #{day - 3}: new lens fitted.")
            if day == 4:
                await carol.send(general, "Thanks for keeping us posted!", reply_to=news)

    # The day the digest speaks of: a newcomer, a question asked of alice, one for all.
    await until(simcord_env, 8, 10)
    nina = world.member("nina")
    intro = await nina.send(
        general, "Hi all! I'm Nina, I build synths. Where do people share projects?"
    )
    await bob.react(intro, "👋")
    await carol.react(intro, "❤️")
    await until(simcord_env, 8, 11)
    await bob.send(general, f"{alice.mention} can you share the slides of your **PCB** talk?")
    await until(simcord_env, 8, 15)
    await carol.send(general, "Is the wiki down for anyone else?")
    await until(simcord_env, 8, 17)
    await omar.send(general, "Laser cutter news #5: the queue sheet is pinned.")
    await until(simcord_env, 8, 18)
    demo = await alice.send(general, "Finished the synth case tonight, photos in the thread!")
    await bob.send(general, "That walnut front panel is gorgeous", reply_to=demo)
    await carol.send(general, "Same! Laser cut or CNC?", reply_to=demo)
    await until(simcord_env, 9, 9, 30)

    names = {m.user.id: m.user.name for m in (maria, alice, bob, carol, nina, omar)}
    channels = {general.id: "general", team.id: "team"}
    now = simcord_env.now()

    def shown(message) -> str:
        return as_markdown(message, names=names, channels=channels, now=now)

    posted = by_bot(team.history(), simcord_bot)
    digest = next(m for m in reversed(posted) if "Daily digest" in _title(m))
    board = next(m for m in reversed(posted) if "waiting" in _title(m))
    [dm, *_] = reversed(by_bot(alice.user.dm_channel.history(), simcord_bot))
    [nudge, *_] = reversed(by_bot(omar.user.dm_channel.history(), simcord_bot))
    examples = {"digest": shown(digest), "board": shown(board), "dm": shown(dm)}
    page = "\n".join(
        [
            INTRODUCTION,
            "## The daily digest",
            "",
            "Posted at 09:00 in #team, about the day before (the chart is attached as an image).",
            "",
            shown(digest),
            "",
            "## The alert board",
            "",
            "One message in #team, edited in place as items are answered or expire.",
            "",
            shown(board),
            "",
            "## A daily DM",
            "",
            "What alice found in her DMs at 09:00 (she had turned on `/nudges`).",
            "",
            examples["dm"],
            "",
            "And omar, who posted every day and answered no one this week, got a question",
            "he could answer (at most once a week):",
            "",
            shown(nudge),
            "",
        ]
    )
    readme = README.read_text(encoding="utf-8")
    for name, block in examples.items():
        readme = _filled(readme, name, block)

    if os.environ.get("UPDATE_DOCS"):
        DOCUMENT.write_text(page, encoding="utf-8")
        README.write_text(readme, encoding="utf-8")
    assert DOCUMENT.read_text(encoding="utf-8") == page
    assert README.read_text(encoding="utf-8") == readme


def _title(message) -> str:
    return str(message.embeds[0].title) if message.embeds else ""


def _filled(text: str, name: str, block: str) -> str:
    """``text`` with the README's example ``name`` (between its two markers) replaced."""
    start, end = f"<!-- example: {name} -->\n", f"<!-- /example: {name} -->"
    before, found, rest = text.partition(start)
    assert found, f"README.md has no {start.strip()} marker"
    _, _, after = rest.partition(end)
    return f"{before}{start}{block}\n{end}{after}"
