"""/summary of a day imported from an old export: the numbers it could not know read "—",
with one line saying why; a day the bot recorded itself is unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.settings import PrivacySettings
from bot.store import Store
from tests.cogs.world import World
from tests.dce import exports as dce
from tests.helpers import slow_clock_settings

DAY = 24 * 3600
ADA, BEN = dce.user(1, "ada"), dce.user(2, "ben")
WHY = "did not record replies or mentions."


@pytest.fixture
async def settings(db_path, tmp_path):
    """The bot's database holds a day of an old export (no replies, no mention lists)
    before the bot starts, as after ``ascolto import``."""
    items = [
        dce.message(10, ADA, "2025-12-20T10:00:00Z", "How do I join the call?"),
        dce.message(11, BEN, "2025-12-20T10:05:00Z", "Top right"),
        dce.message(12, ADA, "2025-12-20T10:06:00Z", "thanks"),
    ]
    data = dce.export(items)
    del data["channel"]["categoryId"]
    for item in items:
        del item["mentions"]
    db_path.parent.mkdir(parents=True)
    store = Store(db_path)
    await store.open()  # the schema, as ``ascolto import`` prepares it
    await store.close()
    exports, _ = find_exports([dce.write(tmp_path, "old.json", data)])
    importer = Importer(db_path, PrivacySettings())
    try:
        assert not importer.run(exports).failed
    finally:
        importer.close()
    return slow_clock_settings(db_path)


@pytest.fixture
async def world(simcord_env):
    """The export's guild, now with the bot in it, a manager and members."""
    return World.build(simcord_env, name="Old course", guild_id=int(dce.GUILD))


def shown(result) -> tuple[dict[str, str], str]:
    embed = result.response.embeds[0]
    return {f.name: f.value for f in embed.fields}, str(embed.footer.text)


async def test_an_old_exports_day_shows_dashes_and_says_why(simcord_env, simcord_bot, world):
    private = await world.maria.slash(world.general, "summary", day="2025-12-20")
    public = await world.maria.slash(world.general, "summary", day="2025-12-20", public=True)

    values, footer = shown(private)
    assert values["Messages"] == "3"
    assert values["Listening ratio"] == "—"
    assert values["Questions answered"] == "— of 1\nmedian wait —"
    assert values["Top connectors"] == "—"
    assert footer.count("unknown, because") == 1 and footer.splitlines()[0].endswith(WHY)
    public_values, public_footer = shown(public)
    assert public_values["Listening ratio"] == "—"
    assert WHY in public_footer
    assert not simcord_env.errors


@pytest.mark.simcord(settle_timeout=30)
async def test_a_day_the_bot_recorded_is_unchanged(simcord_env, simcord_bot, world):
    question = await world.alice.send(world.general, "Is anyone up for a code review?")
    await world.bob.send(world.general, "Sure", reply_to=question)
    await simcord_env.advance_time(DAY)

    result = await world.maria.slash(world.general, "summary")  # yesterday: 2026-01-01

    values, footer = shown(result)
    assert values["Listening ratio"] == "50%"
    assert values["Questions answered"].startswith("1 of 1")
    assert "unknown" not in footer


async def test_export_leaves_unknown_cells_empty_and_says_why(simcord_env, simcord_bot, world):
    day_of_the_export = {"from": "2025-12-20", "to": "2025-12-20"}
    result = await world.maria.slash(
        world.general, "export", kind="summaries", format="csv", **day_of_the_export
    )

    [file] = result.response.attachments
    [day] = csv.DictReader(io.StringIO((await file.read()).decode("utf-8"), newline=""))
    assert (day["messages"], day["questions"]) == ("3", "1")
    assert day["listening_ratio"] == day["questions_answered"] == day["top_connectors"] == ""
    summary_line, why = result.response.content.splitlines()
    assert summary_line == "Summaries of Old course, 2025-12-20 to 2025-12-20 (csv)."
    assert why.startswith("empty: unknown, because") and why.endswith(WHY)
