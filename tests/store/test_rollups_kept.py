"""The write-time rollups (schema 13: bot/store/firsts.py, response_rollup.py; schema 15:
bot/store/day_figures.py) are what their statements compute now, after live, late,
edited, deleted, forgotten, excluded and imported writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.dce import importer
from bot.events import MessageKind
from bot.store import response_rollup
from bot.store.newcomers import first_message
from bot.store.responses import FIRST_REPLY_TO_AUTHOR, FIRST_RESPONSE
from tests.helpers import query
from tests.store.derived_checks import (
    LEGACY_GUILD,
    SHARED,
    A,
    B,
    C,
    D,
    E,
    Tables,
    checkpoint,
    deletion_then_insertion_in_one_flush,
    figures,
    live_late_and_removed,
    summaries,
)
from tests.store.history import GUILD, RANDOM, History, import_files

# The write-time rollups of schema 13 (bot/store/firsts.py, response_rollup.py): every
# stored row that is not marked for computing again is what the fragments compute now,
# and a day's summary reads them (after computing its marked ones) exactly as it would
# compute everything afresh.

NO_DEADLINE = "9999-12-31T23:59:59.999Z"

_FIRSTS_NOW = f"""
SELECT mb.guild_id, mb.user_id, m.message_id, m.created_at FROM members mb
LEFT JOIN messages m ON m.message_id = {first_message("mb.guild_id", "mb.user_id")}
WHERE NOT EXISTS (SELECT 1 FROM member_firsts_dirty d
                  WHERE d.guild_id = mb.guild_id AND d.user_id = mb.user_id)
ORDER BY 1, 2
"""  # noqa: S608
_FIRSTS_KEPT = """
SELECT f.guild_id, f.user_id, f.message_id, f.created_at FROM member_firsts f
WHERE NOT EXISTS (SELECT 1 FROM member_firsts_dirty d
                  WHERE d.guild_id = f.guild_id AND d.user_id = f.user_id)
ORDER BY 1, 2
"""
# The first reply to the author is kept for members' first messages only.
_TRUSTED = """s.message_id NOT IN (SELECT message_id FROM message_responses_dirty)
  AND NOT EXISTS (SELECT 1 FROM member_firsts_dirty md
                  WHERE md.guild_id = s.guild_id AND md.user_id = s.author_id)"""
_A_FIRST = """EXISTS (SELECT 1 FROM member_firsts f WHERE f.guild_id = s.guild_id
                  AND f.user_id = s.author_id AND f.message_id = s.message_id)"""
_RESPONSES_NOW = f"""
SELECT q.message_id, {FIRST_RESPONSE},
       CASE WHEN {_A_FIRST} THEN {FIRST_REPLY_TO_AUTHOR} ELSE 'not a first' END
FROM message_responses s JOIN messages q ON q.message_id = s.message_id
WHERE {_TRUSTED}
ORDER BY 1
"""  # noqa: S608
_RESPONSES_KEPT = f"""
SELECT message_id, first_response,
       CASE WHEN {_A_FIRST} THEN first_reply_to_author ELSE 'not a first' END
FROM message_responses s
WHERE {_TRUSTED} AND s.message_id IN (SELECT message_id FROM messages)
ORDER BY 1
"""  # noqa: S608


def rollups(path: Path) -> tuple[list[Any], list[Any]]:
    """The trusted rows of member_firsts and message_responses, checked against the
    fragments computed now (members with their own row in members only)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        firsts_kept = db.execute(_FIRSTS_KEPT).fetchall()
        firsts_now = db.execute(_FIRSTS_NOW).fetchall()
        kept = db.execute(_RESPONSES_KEPT).fetchall()
        now = db.execute(_RESPONSES_NOW, {"deadline": NO_DEADLINE}).fetchall()
    members = {(g, u) for g, u, _, _ in firsts_now}
    assert [row for row in firsts_kept if (row[0], row[1]) in members] == [
        row for row in firsts_now if row[2] is not None
    ]
    assert kept == now
    return firsts_kept, kept


@pytest.fixture
def refresh_every_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every flush computes the marked rows (by default it waits for a few hundred)."""
    monkeypatch.setattr(response_rollup, "FLUSH_REFRESH_AT", 1)


async def rollups_checkpoint(history: History, seen: list[Tables]) -> None:
    """Flush, and check the rollups (also after the summaries computed their marks)."""
    await checkpoint(history, seen)
    rollups(history.store.path)
    figures(history.store.path)


async def responses_written_edited_and_removed(history: History, seen: list[Tables]) -> None:
    history.join(C, "2026-03-01 08:00")
    question = history.post(A, "2026-03-01 09:00", "Ideas?")
    hello = history.post(C, "2026-03-01 09:02", "hello all")
    await rollups_checkpoint(history, seen)
    # Answers of every kind, live: a reply, a mention in the channel, a thread message.
    reply = history.post(B, "2026-03-01 09:10", "maybe", reply_to=question)
    history.post(D, "2026-03-01 09:20", "A: try this", mentions=(A,))
    history.post(B, "2026-03-01 09:30", "welcome C", reply_to=hello)
    topic = history.post(D, "2026-03-01 10:00", "Who knows rust?", channel=RANDOM)
    history.post(A, "2026-03-01 10:05", "me", thread=topic, channel=RANDOM)
    await rollups_checkpoint(history, seen)
    await summaries(history, "2026-03-01")
    await rollups_checkpoint(history, seen)
    assert "2026-03-01" in [day for _, day, *_ in figures(history.store.path)]
    # A late, earlier answer; a reply that starts counting as an answer through an edit
    # that adds the mention; the first answer deleted; a message edited into one that
    # does not count; a new first message older than the stored one.
    history.post(C, "2026-03-01 09:05", "late but first", reply_to=question)
    quiet = history.post(C, "2026-03-01 11:00", "ok", reply_to=topic)
    await rollups_checkpoint(history, seen)
    history.edit(quiet, "2026-03-01 11:30", "ok D", mentions=(D,))
    history.delete(reply, "2026-03-01 12:00")
    history.edit(hello, "2026-03-01 12:01", "", kind=MessageKind.EMPTY)
    history.post(C, "2026-02-27 09:00", "older first")
    await rollups_checkpoint(history, seen)
    await summaries(history, "2026-03-01", "2026-02-27")
    await rollups_checkpoint(history, seen)
    kept = {day: rule for _, day, _, _, *rule in figures(history.store.path)}
    assert kept["2026-02-27"] == kept["2026-03-01"] == [5, 0.2]
    # An opt-out (outside any flush) and a channel excluded.
    await history.store.consent.forget(GUILD, B, "2026-03-02T11:00:00.000Z")
    rollups(history.store.path)
    figures(history.store.path)
    for table in ("day_connections", "day_broadcasters"):
        named = query(history.store.path, f"SELECT 1 FROM {table} WHERE member = ?", B)  # noqa: S608
        assert not named
    await history.store.guild_config.exclude_channel(GUILD, RANDOM, "2026-03-02T12:00:00.000Z")
    await rollups_checkpoint(history, seen)
    await summaries(history, "2026-03-01", "2026-02-27")
    await rollups_checkpoint(history, seen)


@pytest.mark.parametrize("every_flush", [True, False])
async def test_rollups_follow_live_late_and_removed_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every_flush: bool
) -> None:
    if every_flush:
        monkeypatch.setattr(response_rollup, "FLUSH_REFRESH_AT", 1)

    async def steps(history: History, seen: list[Tables]) -> None:
        await live_late_and_removed(history, seen)
        await rollups_checkpoint(history, seen)
        await responses_written_edited_and_removed(history, seen)
        await deletion_then_insertion_in_one_flush(history, seen)
        await rollups_checkpoint(history, seen)

    async with History.opened(tmp_path / "ours.db") as history:
        await steps(history, [])
        firsts, responses = rollups(history.store.path)

    assert len(firsts) >= 2 and (len(responses) >= 2 or not every_flush)


@pytest.mark.usefixtures("refresh_every_flush")
async def test_a_flush_written_row_by_row_keeps_the_rollups(tmp_path: Path) -> None:
    async with History.opened(tmp_path / "ours.db") as history:
        history.store.batcher._failures = 99  # as after failed attempts: row by row
        await responses_written_edited_and_removed(history, [])
        firsts, responses = rollups(history.store.path)

    assert firsts and responses


async def test_summaries_read_from_rollups_are_those_computed_afresh(tmp_path: Path) -> None:
    """The same summaries with the rollups as kept and with every row marked (so that
    every figure is computed by the fragments), at deadlines before and after answers."""
    path = tmp_path / "ours.db"
    days = ("2026-02-27", "2026-03-01", "2026-03-02")
    deadlines = ("2026-03-01T09:04:00.000Z", "2026-03-01T09:15:00.000Z", "2026-12-31T00:00:00.000Z")

    async def all_summaries(history: History) -> list[Any]:
        return [
            (await history.summary(day, computed_at=deadline)).to_json()
            for day in days
            for deadline in deadlines
        ]

    async with History.opened(path) as history:
        await responses_written_edited_and_removed(history, [])
        await history.store.flush()
        kept = await all_summaries(history)
        with sqlite3.connect(path) as db:
            # The day figures go with their days. (Set before the first write: inside the
            # transaction the pragma does nothing, and they stayed without their days.)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(
                "INSERT OR IGNORE INTO message_responses_dirty"
                " SELECT message_id, guild_id, created_at FROM message_responses"
            )
            db.execute(
                "INSERT OR IGNORE INTO member_firsts_dirty"
                " SELECT guild_id, user_id FROM member_firsts"
            )
            db.execute("DELETE FROM member_days")
            db.execute("DELETE FROM activity_days")
        # Computed afresh: every kept row is marked, so the summaries compute them.
        afresh = await all_summaries(history)

    assert kept == afresh
    assert any(s["questions"] for s in kept) and any(s["newcomer_first_messages"] for s in kept)


async def test_imports_keep_the_rollups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(response_rollup, "FLUSH_REFRESH_LIMIT", 100_000)
    legacy, general, thread = (
        SHARED / "legacy-2020-python-course-general.json",
        SHARED / "example-guild-general.json",
        SHARED / "example-guild-thread.json",
    )
    async with History.opened(tmp_path / "ours.db") as history:
        with monkeypatch.context() as bulk:
            bulk.setattr(importer, "BULK_BYTES", 0)  # every file in bulk,
            bulk.setattr(importer, "BULK_SHARE", 0)  # whatever the store holds
            import_files(history, legacy, general)
        rollups(history.store.path)
        await history.store.activity.ensure(
            LEGACY_GUILD, date(2020, 8, 10), date(2020, 8, 20), "UTC"
        )
        rollups(history.store.path)
        for day in range(14, 21):  # their figures kept by the summaries
            await history.store.summaries.compute(
                LEGACY_GUILD, date(2020, 8, day), "UTC", "2026-12-31T00:00:00.000Z"
            )
        assert len(figures(history.store.path)) == 7
        import_files(history, thread, legacy, general)
        figures(history.store.path)
        # The bot's next flush computes the marks.
        monkeypatch.setattr(response_rollup, "FLUSH_REFRESH_AT", 1)
        history.post(A, "2026-03-01 09:00", "hello")
        await history.store.flush()
        firsts, responses = rollups(history.store.path)
        left = query(history.store.path, "SELECT count(*) FROM message_responses_dirty")

    assert firsts and responses and left == [(0,)]


@pytest.mark.usefixtures("refresh_every_flush")
async def test_each_kind_of_answer_alone_in_a_flush_updates_the_kept_row(history: History) -> None:
    question = history.post(A, "2026-03-01 09:00", "Ideas?")
    topic = history.post(B, "2026-03-01 09:01", "Rust?", channel=RANDOM)
    newcomer = history.post(C, "2026-03-01 09:02", "hello")
    later = history.post(E, "2026-03-01 09:03", "And more ideas?", channel=RANDOM)
    await history.store.flush()

    async def kept_after(step: Callable[[], Any]) -> dict[int, tuple[Any, ...]]:
        step()
        await history.store.flush()
        return {row[0]: row[1:] for row in rollups(history.store.path)[1]}

    # Each answer alone in a flush: a reply days later (no 24 h limit on replies), a
    # mention within 24 h in the channel, an earlier reply, a thread message, a reply
    # that reaches the newcomer.
    days_later = history.post(B, "2026-03-04 10:00", "days later", reply_to=later)
    await history.store.flush()
    first = {row[0]: row[1:] for row in rollups(history.store.path)[1]}
    mentioned = await kept_after(
        lambda: history.post(D, "2026-03-01 20:00", "A: see", mentions=(A,))
    )
    replied = await kept_after(lambda: history.post(B, "2026-03-01 19:00", "hm", reply_to=question))
    threaded = await kept_after(
        lambda: history.post(D, "2026-03-01 18:00", "in it", thread=topic, channel=RANDOM)
    )
    welcomed = await kept_after(
        lambda: history.post(A, "2026-03-01 09:30", "hi", reply_to=newcomer)
    )
    # Late answers taken back: one deleted, one gone with its author's opt-out.
    by_d = await kept_after(lambda: history.post(D, "2026-03-04 12:00", "D too", reply_to=later))
    deleted = await kept_after(lambda: history.delete(days_later, "2026-03-05 10:00"))
    await history.store.consent.forget(GUILD, D, "2026-03-06T10:00:00.000Z")
    trusted = {row[0] for row in rollups(history.store.path)[1]}
    history.post(A, "2026-03-07 09:00", "next week")  # the next flush computes the marks
    await history.store.flush()
    forgotten = {row[0]: row[1:] for row in rollups(history.store.path)[1]}

    assert first[later] == ("2026-03-04T10:00:00.000Z", None)
    assert mentioned[question] == ("2026-03-01T20:00:00.000Z", None)
    assert replied[question] == ("2026-03-01T19:00:00.000Z", "2026-03-01T19:00:00.000Z")
    assert threaded[topic] == ("2026-03-01T18:00:00.000Z", "2026-03-01T18:00:00.000Z")
    assert welcomed[newcomer] == ("2026-03-01T09:30:00.000Z", "2026-03-01T09:30:00.000Z")
    assert by_d[later] == ("2026-03-04T10:00:00.000Z", None)
    assert deleted[later] == ("2026-03-04T12:00:00.000Z", None)
    assert later not in trusted and topic not in trusted and newcomer in trusted
    assert forgotten[later] == (None, None)
    assert forgotten[topic] == (None, None)
    assert forgotten[question] == replied[question]
