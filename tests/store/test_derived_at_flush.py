"""`connections` and the stale cached days, kept once per flush or import batch
(bot/store/derived.py), are exactly what the row triggers of schemas 2 and 3 kept.

Each test runs the same writes on two stores: one as shipped, one with the three
triggers that migration 0012 dropped put back (the reference), and compares the
derived tables.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.dce import importer
from bot.store import derived as derived_sql
from bot.store.connection import latest_version, migrations
from tests.dce import exports as dce
from tests.helpers import query
from tests.store.derived_checks import (
    EXAMPLE_GUILD,
    FROM_INTERACTIONS,
    LEGACY_GUILD,
    SHARED,
    A,
    B,
    C,
    D,
    Tables,
    both,
    deletion_then_insertion_in_one_flush,
    derived,
    live_late_and_removed,
    repost,
    summaries,
)
from tests.store.history import GENERAL, GUILD, History, import_files


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
