"""`connections` and the stale cached days, kept once per flush or import batch
(bot/store/derived.py), are exactly what the row triggers of schemas 2 and 3 kept.

Each test runs the same writes on two stores: one as shipped, one with the three
triggers that migration 0012 dropped put back (the reference), and compares the
derived tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.dce import importer
from bot.events import MessageKind, Place, PostedMessage, ReactionChange
from bot.store import derived as derived_sql
from bot.store import response_rollup
from bot.store.connection import latest_version, migrations
from bot.store.newcomers import first_message
from bot.store.responses import FIRST_REPLY_TO_AUTHOR, FIRST_RESPONSE
from tests.dce import exports as dce
from tests.helpers import query
from tests.store.history import GENERAL, GUILD, RANDOM, History, at, import_files

A, B, C, D, E = 11, 12, 13, 14, 15
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dce"
LEGACY_GUILD, EXAMPLE_GUILD = 742745493570060302, 748545324524575035

# The triggers as migrations 0002 and 0003 created them.
ROW_TRIGGERS = (
    """CREATE TRIGGER connections_after_insert AFTER INSERT ON interactions
    BEGIN
        INSERT INTO connections (guild_id, a, b, first_at)
        VALUES (NEW.guild_id, min(NEW.source_id, NEW.target_id),
                max(NEW.source_id, NEW.target_id), NEW.created_at)
        ON CONFLICT (guild_id, a, b) DO UPDATE SET first_at = min(first_at, excluded.first_at);
    END""",
    """CREATE TRIGGER activity_days_stale_on_message_insert AFTER INSERT ON messages
    WHEN NEW.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = NEW.guild_id)
    BEGIN
        DELETE FROM activity_days WHERE guild_id = NEW.guild_id AND end_at > NEW.created_at;
    END""",
    """CREATE TRIGGER activity_days_stale_on_interaction_insert AFTER INSERT ON interactions
    WHEN NEW.created_at < (SELECT max(end_at) FROM activity_days WHERE guild_id = NEW.guild_id)
    BEGIN
        DELETE FROM activity_days WHERE guild_id = NEW.guild_id AND end_at > NEW.created_at;
    END""",
)

DERIVED = {
    "connections": "SELECT * FROM connections ORDER BY guild_id, a, b",
    "activity_days": "SELECT * FROM activity_days ORDER BY guild_id, day",
    "member_days": "SELECT * FROM member_days ORDER BY guild_id, day, user_id",
}

# The connections that the interactions define.
FROM_INTERACTIONS = """
SELECT guild_id, min(source_id, target_id), max(source_id, target_id), min(created_at)
FROM interactions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""

Tables = dict[str, list[tuple[Any, ...]]]
Steps = Callable[[History, list[Tables]], Awaitable[None]]


def derived(path: Path) -> Tables:
    return {table: query(path, sql) for table, sql in DERIVED.items()}


async def checkpoint(history: History, seen: list[Tables]) -> None:
    """Flush, and keep the derived tables as they are now."""
    await history.store.flush()
    seen.append(derived(history.store.path))


def put_back_row_triggers(path: Path) -> None:
    with sqlite3.connect(path) as db:
        for sql in ROW_TRIGGERS:
            db.execute(sql)


@asynccontextmanager
async def opened(path: Path, *, reference: bool) -> AsyncIterator[History]:
    async with History.opened(path) as history:
        if reference:
            put_back_row_triggers(path)
        yield history


async def both(tmp_path: Path, steps: Steps) -> tuple[Path, Path]:
    """Run ``steps`` on a store as shipped and on the reference; their paths. The
    derived tables at each of their checkpoints must be the same in both."""
    ours, reference = tmp_path / "ours.db", tmp_path / "reference.db"
    seen: dict[Path, list[Tables]] = {}
    for path, is_reference in ((ours, False), (reference, True)):
        async with opened(path, reference=is_reference) as history:
            seen[path] = []
            await steps(history, seen[path])
            await checkpoint(history, seen[path])
    assert seen[ours] == seen[reference]
    assert all(tables["connections"] for tables in seen[ours][1:])
    return ours, reference


def repost(history: History, message_id: int, author: int, when: str) -> None:
    """The gateway (or a resumed session) sends a stored message again."""
    history.recorder.message_posted(
        PostedMessage(
            message_id=message_id,
            place=Place(GUILD, GENERAL),
            author_id=author,
            author_name=f"member {author}",
            created_at=at(when),
            content="again",
            kind=MessageKind.MESSAGE,
        )
    )


def unreact(history: History, user: int, message_id: int, when: str) -> None:
    history.recorder.reaction_removed(
        ReactionChange(
            message_id=message_id,
            place=Place(GUILD, GENERAL),
            user_id=user,
            emoji="👍",
            at=at(when),
        )
    )


async def summaries(history: History, *days: str) -> None:
    for day in days:
        await history.summary(day)


async def live_late_and_removed(history: History, seen: list[Tables]) -> None:
    # Three days, rolled up by their summaries.
    first = history.post(A, "2026-03-01 09:00", "Ideas?")
    history.post(B, "2026-03-01 09:05", "yes", reply_to=first, mentions=(C,))
    history.react(C, first, "2026-03-01 10:00")
    second = history.post(C, "2026-03-02 12:00", "hello", mentions=(A, D))
    history.react(A, second, "2026-03-02 12:30")
    third = history.post(D, "2026-03-03 08:00", "any news?", channel=RANDOM)
    await summaries(history, "2026-03-01", "2026-03-02", "2026-03-03")
    await checkpoint(history, seen)

    # Live writes, after every stored day: nothing goes stale.
    history.post(A, "2026-03-04 09:00", "good morning", reply_to=third)
    history.react(B, third, "2026-03-04 09:01")
    await checkpoint(history, seen)

    # Late writes in one flush: a message of the 2nd, a reaction of the 1st, a message
    # sent again (already stored: it changes nothing).
    history.post(B, "2026-03-02 18:00", "late", reply_to=second)
    history.react(D, first, "2026-03-01 23:00")
    repost(history, first, A, "2026-03-01 09:00")
    await checkpoint(history, seen)
    await summaries(history, "2026-03-01", "2026-03-02", "2026-03-03")
    await checkpoint(history, seen)

    # A late reaction alone, then a pair seen earlier than before.
    history.react(B, second, "2026-03-02 23:00")
    await checkpoint(history, seen)
    history.post(D, "2026-02-27 10:00", "older than all", mentions=(C,))
    await checkpoint(history, seen)
    await summaries(history, "2026-03-01", "2026-03-02", "2026-03-03")

    # A message stored already, sent again, alone in a flush: the days stay.
    repost(history, second, C, "2026-03-02 12:00")
    await checkpoint(history, seen)

    # Removals: a reaction taken back, a reply deleted, a mention edited away.
    unreact(history, C, first, "2026-03-05 10:00")
    history.delete(third, "2026-03-05 10:01")
    history.edit(second, "2026-03-05 10:02", "hello A", mentions=(A,))
    await checkpoint(history, seen)
    await summaries(history, "2026-03-02", "2026-03-03")

    # A member forgotten: their interactions, connections and days go.
    await history.store.consent.forget(GUILD, D, "2026-03-05T11:00:00.000Z")
    history.post(B, "2026-03-05 12:00", "bye", mentions=(A,))


async def deletion_then_insertion_in_one_flush(history: History, seen: list[Tables]) -> None:
    question = history.post(A, "2026-03-01 09:00", "Ideas?")
    answer = history.post(B, "2026-03-01 09:05", "yes", reply_to=question)
    await checkpoint(history, seen)
    # The newest interaction goes, then a new one comes, in the same flush: the new one
    # may take the freed rowid, and its pair must still be connected.
    history.delete(answer, "2026-03-01 10:00")
    history.react(C, question, "2026-03-01 10:01")
    history.react(D, question, "2026-03-01 10:02")
    await checkpoint(history, seen)


async def test_live_late_and_removed_writes_keep_what_the_triggers_kept(tmp_path: Path) -> None:
    ours, _ = await both(tmp_path, live_late_and_removed)

    assert derived(ours)["connections"] == query(ours, FROM_INTERACTIONS)


async def test_a_late_write_drops_the_days_after_it_and_keeps_those_before(
    history: History,
) -> None:
    history.post(A, "2026-03-01 09:00", "one")
    history.post(B, "2026-03-03 09:00", "three")
    await summaries(history, "2026-03-03")
    kept = query(history.store.path, "SELECT day FROM activity_days WHERE day < '2026-03-02'")

    history.post(C, "2026-03-02 09:00", "two, late")
    await history.store.flush()

    days = query(history.store.path, "SELECT day FROM activity_days ORDER BY day")
    assert days == kept and kept


async def test_a_stored_message_sent_again_leaves_the_days(history: History) -> None:
    first = history.post(A, "2026-03-01 09:00", "one")
    await summaries(history, "2026-03-03")
    before = query(history.store.path, "SELECT day FROM activity_days ORDER BY day")

    repost(history, first, A, "2026-03-01 09:00")
    await history.store.flush()

    assert query(history.store.path, "SELECT day FROM activity_days ORDER BY day") == before


async def test_a_deletion_and_an_insertion_in_one_flush_keep_every_pair(tmp_path: Path) -> None:
    ours, reference = await both(tmp_path, deletion_then_insertion_in_one_flush)

    connections = derived(ours)["connections"]
    assert connections == derived(reference)["connections"]
    assert connections == query(ours, FROM_INTERACTIONS)
    assert [(a, b) for _, a, b, _ in connections] == [(A, C), (A, D)]


async def test_a_flush_written_row_by_row_keeps_connections(tmp_path: Path) -> None:
    async def row_by_row(history: History, seen: list[Tables]) -> None:
        history.store.batcher._failures = 99  # as after failed attempts: row by row
        await deletion_then_insertion_in_one_flush(history, seen)
        await live_late_and_removed(history, seen)

    ours, reference = await both(tmp_path, row_by_row)

    assert derived(ours) == derived(reference)
    assert derived(ours)["connections"] == query(ours, FROM_INTERACTIONS)


async def test_imports_of_the_real_exports_keep_what_the_triggers_kept(tmp_path: Path) -> None:
    legacy, general, thread = (
        SHARED / "legacy-2020-python-course-general.json",
        SHARED / "example-guild-general.json",
        SHARED / "example-guild-thread.json",
    )

    async def imported(history: History, seen: list[Tables]) -> None:
        import_files(history, legacy, general)
        activity = history.store.activity
        await activity.ensure(LEGACY_GUILD, date(2020, 8, 10), date(2020, 10, 1), "UTC")
        await activity.ensure(EXAMPLE_GUILD, date(2023, 1, 5), date(2023, 1, 8), "UTC")
        # The thread is of a rolled-up day; the other files add nothing new.
        import_files(history, thread, legacy, general)

    ours, reference = await both(tmp_path, imported)

    assert derived(ours)["connections"] and derived(ours)["activity_days"]
    assert derived(ours) == derived(reference)
    assert derived(ours)["connections"] == query(ours, FROM_INTERACTIONS)


async def test_an_import_in_bulk_into_rolled_up_days_keeps_what_the_triggers_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, ben, cat = dce.user(A, "ada"), dce.user(B, "ben"), dce.user(C, "cat")
    first = dce.write(
        tmp_path,
        "first.json",
        dce.export([dce.message(1, cat, "2026-03-01T08:00:00+00:00", "hi")]),
    )
    late = dce.write(
        tmp_path,
        "late.json",
        dce.export(
            [
                dce.message(2, ada, "2026-03-02T09:00:00+00:00", "Ideas?", **dce.reply_to(1)),
                dce.message(3, ben, "2026-03-02T10:00:00+00:00", "yes", **dce.reply_to(2)),
            ]
        ),
    )

    async def imported(history: History, seen: list[Tables]) -> None:
        import_files(history, first)
        guild = int(dce.GUILD)
        await history.store.activity.ensure(guild, date(2026, 2, 28), date(2026, 3, 4), "UTC")
        with monkeypatch.context() as bulk:
            bulk.setattr(importer, "BULK_BYTES", 0)  # every file in bulk,
            bulk.setattr(importer, "BULK_SHARE", 0)  # whatever the store holds
            import_files(history, late)
        import_files(history, late)  # again: nothing new, nothing stale

    ours, reference = await both(tmp_path, imported)

    assert derived(ours)["activity_days"]
    assert derived(ours) == derived(reference)
    assert derived(ours)["connections"] == query(ours, FROM_INTERACTIONS)


async def test_a_file_at_schema_11_keeps_its_connections_and_loses_the_row_triggers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path, isolation_level=None) as db:
        for number, _, sql in migrations()[:11]:
            db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.execute(
            "INSERT INTO messages (message_id, guild_id, channel_id, author_id, created_at)"
            " VALUES (1, ?, ?, ?, '2026-03-01T09:00:00.000Z')",
            (GUILD, GENERAL, A),
        )
        db.execute(
            "INSERT INTO interactions (guild_id, source_id, target_id, kind, message_id,"
            " created_at) VALUES (?, ?, ?, 'mention', 1, '2026-03-01T09:00:00.000Z')",
            (GUILD, A, B),
        )
    old = derived(path)["connections"]

    async with History.opened(path) as history:
        history.post(C, "2026-03-02 09:00", "hi", mentions=(A,))

    triggers = query(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert old == [(GUILD, A, B, "2026-03-01T09:00:00.000Z")]
    assert query(path, "PRAGMA user_version") == [(latest_version(),)]
    assert derived(path)["connections"] == [*old, (GUILD, A, C, "2026-03-02T09:00:00.000Z")]
    assert not {name for (name,) in triggers} & {
        "connections_after_insert",
        "activity_days_stale_on_message_insert",
        "activity_days_stale_on_interaction_insert",
    }
    assert ("connections_after_delete",) in triggers


async def test_a_flush_reads_the_new_interactions_by_rowid_not_every_interaction(
    history: History,
) -> None:
    history.post(A, "2026-03-01 09:00", "hi", mentions=(B,))
    await history.store.flush()

    for sql in (derived_sql.NEW_INTERACTIONS_EARLIEST, derived_sql.CONNECTIONS_FROM_NEW):
        plan = query(history.store.path, f"EXPLAIN QUERY PLAN {sql.replace(':mark', '0')}")
        reads = [detail for *_, detail in plan if "interactions" in detail]
        assert reads == ["SEARCH interactions USING INTEGER PRIMARY KEY (rowid>?)"]


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
    # An opt-out (outside any flush) and a channel excluded.
    await history.store.consent.forget(GUILD, B, "2026-03-02T11:00:00.000Z")
    rollups(history.store.path)
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
        import_files(history, thread, legacy, general)
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
