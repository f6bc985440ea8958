"""What the tests of the tables kept at flush share (tests/store/test_derived_at_flush.py,
test_rollups_kept.py): the writes they replay, and how they read the kept tables."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.events import MessageKind, Place, PostedMessage, ReactionChange
from bot.store import day_figures as figures_sql
from tests.helpers import query
from tests.store.history import GENERAL, GUILD, RANDOM, History, at

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


# The day figures of schema 15 (bot/store/day_figures.py): every kept row is what its
# statement gives now, for the day's bounds and, for the broadcasters, the rule kept.
_FIGURES_KEPT = """
SELECT f.guild_id, f.day, a.start_at, a.end_at, f.min_messages, f.max_ratio
FROM day_figures f JOIN activity_days a ON a.guild_id = f.guild_id AND a.day = f.day
ORDER BY 1, 2
"""


def figures(path: Path) -> list[tuple[Any, ...]]:
    """Check every day's kept figures against their statements run now; the days kept."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        days = db.execute(_FIGURES_KEPT).fetchall()
        for guild, day, start, end, min_messages, max_ratio in days:
            params = {
                "guild_id": guild,
                "day": day,
                "start": start,
                "end": end,
                "week_first": (date.fromisoformat(day) - timedelta(days=6)).isoformat(),
                "min_messages": min_messages,
                "max_ratio": max_ratio,
            }
            for kept, statement in (
                ("day_connections", figures_sql._CONNECTIONS),
                ("day_conversations", figures_sql._TOP_CONVERSATIONS),
                ("day_broadcasters", figures_sql._BROADCASTERS),
            ):
                if kept == "day_broadcasters" and min_messages is None:
                    assert not db.execute("SELECT 1 FROM day_broadcasters").fetchall()
                    continue
                stored = db.execute(
                    f"SELECT * FROM {kept} WHERE guild_id = ? AND day = ? ORDER BY position",  # noqa: S608
                    (guild, day),
                ).fetchall()
                now = db.execute(statement, params).fetchall()
                assert [row[3:] for row in stored] == now, (kept, day)
        # Nothing kept without its day.
        for kept in ("day_connections", "day_conversations", "day_broadcasters"):
            orphans = db.execute(
                f"SELECT count(*) FROM {kept} k WHERE NOT EXISTS (SELECT 1 FROM day_figures f"  # noqa: S608
                " WHERE f.guild_id = k.guild_id AND f.day = k.day)"
            ).fetchone()
            assert orphans == (0,)
    return days
