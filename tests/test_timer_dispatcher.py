"""The timer dispatcher, driven by SimCord's simulated clock: no test waits in real time.

The bot runs on the slow clock: with its default one-second flush loop, each simulated
minute costs sixty loop ticks of real time, and a loaded machine missed SimCord's
settle timeout. Advances still stay at minutes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot import AscoltoBot, Settings
from bot.clock import utcnow
from bot.store.timers import Timer, TimerQueries
from bot.timers import TimerDispatcher
from tests.helpers import slow_clock_settings


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return slow_clock_settings(db_path)


def start_as_bot_work(env: Any, dispatcher: TimerDispatcher) -> None:
    """Start the dispatcher as the bot would (from setup_hook), so SimCord's clock drives it.

    SimCord only simulates time for work the bot owns: a task started from the test
    body sleeps in real time. SimCord 3.2.1 has no public way to enter the bot's
    scope, so the private one is used here, and only here.
    """
    with env._bot_scope():
        dispatcher.start()


class Fired:
    """What the dispatcher fired, and when by the simulated clock."""

    def __init__(self) -> None:
        self.timers: list[Timer] = []
        self.at: list[datetime] = []
        self.failing_kinds: set[str] = set()

    async def __call__(self, timer: Timer) -> None:
        self.timers.append(timer)
        self.at.append(utcnow())
        if timer.kind in self.failing_kinds:
            raise RuntimeError("the digest channel is gone")

    @property
    def kinds(self) -> list[str]:
        return [timer.kind for timer in self.timers]


@pytest.fixture
def fired() -> Fired:
    return Fired()


@pytest.fixture
def queries(simcord_bot: AscoltoBot) -> TimerQueries:
    return simcord_bot.store.timers


@pytest.fixture
async def dispatcher(
    simcord_env: Any, queries: TimerQueries, fired: Fired
) -> AsyncIterator[TimerDispatcher]:
    """A dispatcher on the bot's own database, not yet started; stopped afterwards."""
    made = TimerDispatcher(queries, fired)
    try:
        yield made
    finally:
        await made.stop()


async def test_a_timer_fires_when_it_falls_due_and_not_before(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    due_at = utcnow() + timedelta(minutes=10)
    await queries.schedule("digest", 1, due_at, {"day": "2026-01-01"})
    start_as_bot_work(simcord_env, dispatcher)

    await simcord_env.advance_time(599)
    assert fired.timers == []

    await simcord_env.advance_time(2)
    assert fired.kinds == ["digest"]
    assert fired.timers[0].payload == {"day": "2026-01-01"}
    assert due_at <= fired.at[0] < due_at + timedelta(seconds=1)
    assert await queries.earliest() is None


async def test_an_earlier_timer_wakes_the_sleeping_dispatcher(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    await queries.schedule("digest", 1, utcnow() + timedelta(minutes=30), {})
    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.advance_time(60)

    soon = await queries.schedule("reminder", 1, utcnow() + timedelta(minutes=5), {})
    dispatcher.notify(soon.due_at)
    await simcord_env.advance_time(301)

    assert fired.kinds == ["reminder"]
    assert soon.due_at <= fired.at[0] < soon.due_at + timedelta(seconds=1)

    await simcord_env.advance_time(25 * 60)
    assert fired.kinds == ["reminder", "digest"]


async def test_a_later_timer_does_not_delay_the_earlier_one(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    await queries.schedule("reminder", 1, utcnow() + timedelta(minutes=5), {})
    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.advance_time(1)

    later = await queries.schedule("digest", 1, utcnow() + timedelta(hours=1), {})
    dispatcher.notify(later.due_at)
    await simcord_env.advance_time(300)

    assert fired.kinds == ["reminder"]


async def test_a_replaced_timer_fires_once_at_its_new_time(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    await queries.schedule("digest", 1, utcnow() + timedelta(minutes=5), {"v": 1})
    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.advance_time(1)

    moved = await queries.schedule("digest", 1, utcnow() + timedelta(minutes=20), {"v": 2})
    dispatcher.notify(moved.due_at)
    await simcord_env.advance_time(600)
    assert fired.timers == []

    await simcord_env.advance_time(600)
    assert [timer.payload for timer in fired.timers] == [{"v": 2}]


async def test_overdue_timers_fire_at_once_on_start_oldest_first(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    # As after a restart: these fell due while the bot was down.
    await queries.schedule("digest", 2, utcnow() - timedelta(minutes=1), {})
    await queries.schedule("digest", 1, utcnow() - timedelta(hours=2), {})
    started_at = utcnow()

    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.settle()

    assert [timer.guild_id for timer in fired.timers] == [1, 2]
    assert all(at - started_at < timedelta(seconds=1) for at in fired.at)


async def test_a_failing_timer_is_logged_and_the_next_one_still_fires(
    simcord_env: Any,
    queries: TimerQueries,
    dispatcher: TimerDispatcher,
    fired: Fired,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fired.failing_kinds.add("broken")
    await queries.schedule("broken", 1, utcnow() + timedelta(minutes=1), {"secret": "a message"})
    await queries.schedule("digest", 1, utcnow() + timedelta(minutes=2), {})
    start_as_bot_work(simcord_env, dispatcher)

    with caplog.at_level(logging.ERROR, logger="bot.timers"):
        await simcord_env.advance_time(121)

    assert fired.kinds == ["broken", "digest"]
    [record] = [record for record in caplog.records if record.name == "bot.timers"]
    assert "broken" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert "a message" not in caplog.text
    assert dispatcher.running


async def test_each_timer_fires_exactly_once(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    fired.failing_kinds.add("broken")
    for guild_id in (1, 2, 3):
        await queries.schedule("digest", guild_id, utcnow() + timedelta(minutes=guild_id), {})
    await queries.schedule("broken", 1, utcnow() + timedelta(minutes=2), {})
    start_as_bot_work(simcord_env, dispatcher)

    await simcord_env.advance_time(10 * 60)

    assert sorted((timer.kind, timer.guild_id) for timer in fired.timers) == [
        ("broken", 1),
        ("digest", 1),
        ("digest", 2),
        ("digest", 3),
    ]
    assert await queries.earliest() is None


async def test_stop_ends_the_task_and_later_timers_wait_for_the_next_start(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    await queries.schedule("digest", 1, utcnow() + timedelta(minutes=10), {})
    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.advance_time(1)

    await dispatcher.stop()
    assert not dispatcher.running
    await simcord_env.advance_time(900)
    assert fired.timers == []

    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.settle()
    assert fired.kinds == ["digest"]


async def test_a_timer_added_to_an_empty_table_wakes_the_dispatcher(
    simcord_env: Any, queries: TimerQueries, dispatcher: TimerDispatcher, fired: Fired
) -> None:
    start_as_bot_work(simcord_env, dispatcher)
    await simcord_env.advance_time(10)

    timer = await queries.schedule("reminder", None, utcnow() + timedelta(minutes=2), {})
    dispatcher.notify(timer.due_at)
    await simcord_env.advance_time(121)

    assert fired.kinds == ["reminder"]
    assert fired.timers[0].guild_id is None


async def test_long_waits_are_slept_in_bounded_steps(
    simcord_env: Any, queries: TimerQueries, fired: Fired
) -> None:
    dispatcher = TimerDispatcher(queries, fired, max_sleep=60)
    try:
        due_at = utcnow() + timedelta(minutes=5, seconds=30)
        await queries.schedule("digest", 1, due_at, {})
        start_as_bot_work(simcord_env, dispatcher)

        await simcord_env.advance_time(329)
        assert fired.timers == []
        await simcord_env.advance_time(2)
        assert fired.kinds == ["digest"]
        assert due_at <= fired.at[0] < due_at + timedelta(seconds=1)
    finally:
        await dispatcher.stop()


async def test_the_dispatcher_survives_a_database_failure_and_retries(
    simcord_env: Any,
    simcord_bot: AscoltoBot,
    queries: TimerQueries,
    fired: Fired,
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = TimerDispatcher(queries, fired, retry_delay=60)
    try:
        await queries.schedule("digest", 1, utcnow() + timedelta(minutes=1), {})
        async with simcord_bot.store.transaction() as db:
            await db.execute("ALTER TABLE timers RENAME TO timers_away")

        with caplog.at_level(logging.ERROR, logger="bot.timers"):
            start_as_bot_work(simcord_env, dispatcher)
            await simcord_env.advance_time(90)
        assert fired.timers == []
        assert "retrying in 60 s" in caplog.text
        assert dispatcher.running

        async with simcord_bot.store.transaction() as db:
            await db.execute("ALTER TABLE timers_away RENAME TO timers")
        await simcord_env.advance_time(60)
        assert fired.kinds == ["digest"]
    finally:
        await dispatcher.stop()
