"""The bot's flush rolls up a day once it has ended (bot/store/activity.py,
``roll_up_ended_day``): the day stored is the one a summary would compute, a late
write still makes it stale, and the summaries are those computed afresh."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from bot.analysis.broadcasters import BroadcasterRule
from tests.helpers import query
from tests.store.derived_checks import figures
from tests.store.history import GUILD, RANDOM, History

A, B, C, D = 11, 12, 13, 14
ROME = "Europe/Rome"


def days(path: Path) -> list[str]:
    return [day for (day,) in query(path, "SELECT day FROM activity_days ORDER BY day")]


def rolled(path: Path, day: str) -> tuple[list[Any], list[Any]]:
    return (
        query(path, "SELECT * FROM activity_days WHERE day = ?", day),
        query(path, "SELECT * FROM member_days WHERE day = ? ORDER BY user_id", day),
    )


def two_days(history: History) -> None:
    first = history.post(A, "2026-03-01 09:00", "Ideas?")
    history.post(B, "2026-03-01 09:05", "yes", reply_to=first, mentions=(C,))
    history.react(C, first, "2026-03-01 10:00")
    second = history.post(C, "2026-03-02 12:00", "hello", mentions=(A, D))
    history.react(A, second, "2026-03-02 12:30")
    history.post(D, "2026-03-02 22:30", "late evening", reply_to=second, channel=RANDOM)


async def test_a_flush_after_the_day_rolls_it_up_as_its_summary_would(history: History) -> None:
    path = history.store.path
    two_days(history)
    await history.summary("2026-03-01", timezone=ROME)
    assert days(path)[-1] == "2026-03-01"
    # Written during the 2nd (Rome), the 2nd has not ended: nothing rolled up.
    await history.store.flush()
    assert days(path)[-1] == "2026-03-01"
    # 23:30 UTC is the 3rd in Rome: the flush rolls up the 2nd, in Rome's day.
    history.post(A, "2026-03-02 23:30", "good night")
    await history.store.flush()
    assert days(path)[-1] == "2026-03-02"
    at_flush = rolled(path, "2026-03-02")
    assert at_flush[0][0][2] == ROME and at_flush[1]
    # With its connections, conversations and broadcasters, by the rule of the summary
    # of the 1st (its week is rolled up), each what its statement gives now.
    assert [(day, rule) for _, day, _, _, *rule in figures(path)][-1] == ("2026-03-02", [5, 0.2])
    assert query(path, "SELECT count(*) FROM day_connections WHERE day = '2026-03-02'") != [(0,)]

    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM member_days WHERE day = '2026-03-02'")
        db.execute("DELETE FROM activity_days WHERE day = '2026-03-02'")
    computed = await history.store.activity.ensure(GUILD, date(2026, 3, 2), date(2026, 3, 2), ROME)
    assert computed == 1
    assert rolled(path, "2026-03-02") == at_flush


async def test_one_day_per_flush_and_none_before_a_first_summary(history: History) -> None:
    path = history.store.path
    two_days(history)
    history.post(A, "2026-03-05 09:00", "back")
    await history.store.flush()
    assert days(path) == []
    await history.summary("2026-03-01")
    history.post(B, "2026-03-05 10:00", "still here")
    await history.store.flush()
    assert days(path)[-1] == "2026-03-02"
    history.post(C, "2026-03-05 11:00", "me too")
    await history.store.flush()
    assert days(path)[-1] == "2026-03-03"


async def test_a_late_write_drops_the_day_rolled_at_flush(history: History) -> None:
    path = history.store.path
    two_days(history)
    await history.summary("2026-03-01")
    history.post(A, "2026-03-03 08:00", "morning")
    await history.store.flush()
    assert days(path)[-1] == "2026-03-02"
    history.post(B, "2026-03-02 18:00", "late", channel=RANDOM)
    await history.store.flush()
    assert days(path)[-1] == "2026-03-01"


async def test_summaries_of_days_rolled_at_flush_are_those_computed_afresh(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ours.db"
    wanted = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")

    async def all_summaries(history: History) -> list[Any]:
        return [(await history.summary(day, timezone=ROME)).to_json() for day in wanted]

    async with History.opened(path) as history:
        two_days(history)
        await history.summary("2026-02-28", timezone=ROME)
        for when in ("2026-03-02 23:10", "2026-03-03 12:00", "2026-03-03 23:20"):
            history.post(C, when, "and more", mentions=(B,))
            history.react(D, history.post(B, when, "so?"), when)
            await history.store.flush()
        assert days(path)[-3:] == ["2026-03-01", "2026-03-02", "2026-03-03"]
        # A late reaction makes the 3rd stale; the 4th is not stored yet.
        history.react(A, history.post(A, "2026-03-03 10:00", "late"), "2026-03-03 10:01")
        await history.store.flush()
        kept = await all_summaries(history)
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA foreign_keys = ON")  # the day figures go with their days
            db.execute("DELETE FROM member_days")
            db.execute("DELETE FROM activity_days")
        afresh = await all_summaries(history)

    assert kept == afresh
    assert all(s["messages"] for s in kept[:3])


async def test_a_summary_reads_the_figures_kept_at_flush_and_keeps_its_broadcasters(
    history: History,
) -> None:
    path = history.store.path
    two_days(history)
    loud = BroadcasterRule(min_messages=1, max_ratio=1.0)
    await history.store.summaries.compute(
        GUILD, date(2026, 3, 1), ROME, "2026-12-31T00:00:00.000Z", loud
    )
    history.post(A, "2026-03-02 23:30", "good night")
    await history.store.flush()
    # The flush kept the 2nd's broadcasters by the rule of the summary of the 1st.
    assert {day: rule for _, day, _, _, *rule in figures(path)}["2026-03-02"] == [1, 1.0]
    assert query(path, "SELECT count(*) FROM day_broadcasters WHERE day = '2026-03-02'") > [(0,)]

    async def both_rules() -> list[Any]:
        found = []
        for rule in (None, loud, None):
            summary = await history.store.summaries.compute(
                GUILD, date(2026, 3, 2), ROME, "2026-12-31T00:00:00.000Z", rule
            )
            found.append(summary.to_json())
            kept = {day: rule for _, day, _, _, *rule in figures(path)}
            wanted = rule or BroadcasterRule()
            assert kept["2026-03-02"] == [wanted.min_messages, wanted.max_ratio]
        return found

    kept = await both_rules()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")  # as the store runs: its rows go with it
        db.execute("DELETE FROM activity_days")
        assert db.execute("SELECT count(*) FROM day_figures").fetchone() == (0,)
    afresh = await both_rules()

    assert kept == afresh
    assert kept[1]["broadcasters"] and kept[0]["top_connectors"] and kept[0]["top_conversations"]


async def test_no_broadcasters_at_a_flush_without_the_whole_week(history: History) -> None:
    path = history.store.path
    two_days(history)
    await history.summary("2026-03-01")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM activity_days WHERE day = '2026-02-25'")
    history.post(A, "2026-03-03 08:00", "morning")
    await history.store.flush()

    kept = {day: rule for _, day, _, _, *rule in figures(path)}
    assert kept["2026-03-01"] == [5, 0.2] and kept["2026-03-02"] == [None, None]
    assert query(path, "SELECT count(*) FROM day_broadcasters WHERE day = '2026-03-02'") == [(0,)]
