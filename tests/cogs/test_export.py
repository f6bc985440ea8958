"""/export, driven through SimCord."""

from __future__ import annotations

import csv
import io
import json

import discord
import networkx as nx
import pytest

from bot.errors import UserError
from bot.export import SUMMARY_COLUMNS
from tests.helpers import answers_before_slow_work, slow_clock_settings
from tests.store.history import infer

DAY = 24 * 3600


@pytest.fixture
def settings(db_path):
    return slow_clock_settings(db_path)


async def attachment_of(result) -> tuple[str, bytes]:
    assert result.ephemeral
    [file] = result.response.attachments  # the follow-up replaces the "thinking…" answer
    return file.filename, await file.read()


@pytest.mark.simcord(settle_timeout=30)
async def test_a_manager_gets_the_summaries_as_csv(simcord_env, simcord_bot, world):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    result = await world.maria.slash(world.general, "export", kind="summaries", format="csv")

    filename, data = await attachment_of(result)
    assert filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    [day] = rows  # 30 days ending yesterday, from the first day the bot listened
    assert (day["day"], day["messages"], day["replies"]) == ("2026-01-01", "2", "1")


@pytest.mark.simcord(settle_timeout=30)
async def test_connections_as_graphml_with_names(simcord_env, simcord_bot, world):
    await world.question_answered()

    result = await world.maria.slash(
        world.general, "export", kind="connections", format="graphml", names=True
    )

    filename, data = await attachment_of(result)
    assert filename.endswith(".graphml")
    graph = nx.read_graphml(io.BytesIO(data))
    assert dict(graph.nodes(data="name")) == {
        str(world.alice.id): "alice",
        str(world.bob.id): "bob",
    }
    edge = graph.edges[str(world.bob.id), str(world.alice.id)]
    assert (edge["replies"], edge["reactions"], edge["interactions"]) == (1, 1, 2)


async def test_messages_with_a_range_and_content(simcord_env, simcord_bot, world):
    await world.question_answered()

    result = await world.maria.slash(
        world.general,
        "export",
        kind="messages",
        format="csv",
        content=True,
        **{"from": "2026-01-01", "to": "2026-01-01"},
    )

    _, data = await attachment_of(result)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0]["content"] == "Is anyone up for a code review?"
    assert len(rows) == 2


async def test_a_bad_combination_gets_a_clear_private_answer(simcord_env, simcord_bot, world):
    await world.question_answered()

    result = await world.maria.slash(world.general, "export", kind="messages", format="graphml")

    assert result.ephemeral
    assert result.response.content == "Messages cannot be exported as graphml, only as csv."
    assert not result.response.attachments
    assert [type(e) for e in simcord_env.errors] == [UserError]


async def test_bad_days_get_a_clear_private_answer(simcord_env, simcord_bot, world):
    await world.question_answered()

    malformed = await world.maria.slash(
        world.general,
        "export",
        kind="connections",
        format="csv",
        **{"from": "01/01/2026", "to": "x"},
    )
    half = await world.maria.slash(
        world.general, "export", kind="connections", format="csv", to="2026-01-01"
    )

    assert malformed.ephemeral and "YYYY-MM-DD" in malformed.response.content
    assert half.ephemeral and "both `from` and `to`" in half.response.content
    assert [type(e) for e in simcord_env.errors] == [UserError] * 2


async def test_a_member_without_manage_server_cannot_see_export(simcord_env, simcord_bot, world):
    await world.question_answered()

    assert "export" not in world.alice.available_commands(world.general)
    assert "export" in world.maria.available_commands(world.general)


async def test_a_file_too_large_for_discord_points_to_the_command_line(
    simcord_env, simcord_bot, world, monkeypatch
):
    await world.question_answered()
    monkeypatch.setattr(discord.Guild, "filesize_limit", property(lambda _self: 100))

    result = await world.maria.slash(world.general, "export", kind="messages", format="csv")

    assert result.ephemeral
    assert not result.response.attachments
    text = result.response.content
    assert "too large for Discord" in text
    assert f"`ascolto export messages --guild {world.guild.id} --format csv --output " in text


@pytest.mark.simcord(settle_timeout=30)
async def test_export_answers_before_reading(simcord_env, simcord_bot, world, monkeypatch):
    await world.question_answered()
    await simcord_env.advance_time(DAY)

    summaries = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.summaries, "read"),
        lambda: world.maria.slash(world.general, "export", kind="summaries", format="json"),
    )
    connections = await answers_before_slow_work(
        simcord_env,
        monkeypatch,
        (simcord_bot.store.exports, "connections"),
        lambda: world.maria.slash(world.general, "export", kind="connections", format="csv"),
    )

    assert (await attachment_of(summaries))[0].endswith(".json")
    assert (await attachment_of(connections))[0].endswith(".csv")


@pytest.mark.simcord(settle_timeout=30)
async def test_a_name_or_text_that_starts_like_a_formula_is_neutralised(
    simcord_env, simcord_bot, world
):
    await world.question_answered()
    mallory = world.guild.add_member(simcord_env.create_user("@SUM(1+1)"))
    await mallory.send(world.general, f'=HYPERLINK("http://evil.example","{world.alice.mention}")')

    names = await world.maria.slash(
        world.general, "export", kind="connections", format="csv", names=True
    )
    texts = await world.maria.slash(
        world.general, "export", kind="messages", format="csv", content=True
    )

    _, data = await attachment_of(names)
    [mention] = [
        row
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
        if row["source"] == str(mallory.id)
    ]
    assert mention["source_name"] == "'@SUM(1+1)" and mention["target_name"] == "alice"
    _, data = await attachment_of(texts)
    contents = [
        row["content"] for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    ]
    assert contents[-1] == f'\'=HYPERLINK("http://evil.example","<@{world.alice.id}>")'


@pytest.mark.simcord(settle_timeout=30)
async def test_a_manager_gets_the_inferred_replies_as_json(simcord_env, simcord_bot, world):
    question = await world.alice.send(world.general, "Anyone up for a code review?")
    answer = await world.bob.send(world.general, "happy to, send the link")
    await infer(simcord_bot.store, answer.id, question.id)

    result = await world.maria.slash(
        world.general, "export", kind="inferred_replies", format="json"
    )

    filename, data = await attachment_of(result)
    assert filename == "ascolto-inferred_replies.json"
    assert result.response.content.startswith("Inferred replies of ")
    [record] = json.loads(data)
    assert (record["message_id"], record["target_message_id"]) == (answer.id, question.id)
    assert (record["source_id"], record["target_id"]) == (world.bob.id, world.alice.id)
