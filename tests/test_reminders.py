"""ReminderService on a real store, without Discord: what turns the pass on, and what
the pass hands the cog."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from bot.reminders import REMINDER_TIMER, Place, ReminderService
from bot.settings import DefaultsSettings, RemindersSettings, Settings
from bot.store.inbox import NudgeSettings
from bot.store.timers import Timer
from bot.summaries import SummaryService
from bot.timers import TimerDispatcher
from tests.store.history import GENERAL, GUILD, RANDOM, History, at

A, B, C = 11, 12, 13
TEAM = 3000
INTERVAL = timedelta(minutes=15)


async def never_fired(timer: Timer) -> None:
    raise AssertionError(f"no dispatcher runs here, yet {timer.kind} fired")


@pytest.fixture
async def history(tmp_path: Path) -> AsyncIterator[History]:
    async with History.opened(tmp_path / "reminders.db") as built:
        yield built


@pytest.fixture
def service(history: History) -> ReminderService:
    settings = Settings(
        reminders=RemindersSettings(check_interval_seconds=int(INTERVAL.total_seconds())),
        defaults=DefaultsSettings(alert_after_minutes=90, newcomer_alert_after_minutes=45),
    )
    dispatcher = TimerDispatcher(history.store.timers, never_fired)
    summaries = SummaryService(history.store, settings.defaults)
    return ReminderService(history.store, dispatcher, settings, summaries)


async def next_pass(history: History) -> Timer | None:
    return await history.store.timers.get(REMINDER_TIMER, None)


async def test_turning_alerts_on_wakes_an_idle_pass(
    history: History, service: ReminderService
) -> None:
    now = at("2026-03-02 09:00")
    await service.resume(now)
    assert await next_pass(history) is None  # nothing to watch: no pass

    await service.turn_alerts_on(GUILD, TEAM, now)

    timer = await next_pass(history)
    assert timer is not None and timer.due_at == now + INTERVAL


async def test_turning_nudges_on_wakes_an_idle_pass(
    history: History, service: ReminderService
) -> None:
    now = at("2026-03-02 09:00")

    on = await service.turn_nudges_on(GUILD, A, None, now)

    timer = await next_pass(history)
    assert timer is not None and timer.due_at == now + INTERVAL
    assert (on.hour, on.timezone, on.first_due) == (9, "UTC", at("2026-03-03 09:00"))


async def test_alert_minutes_left_out_keep_their_value_else_the_defaults(
    history: History, service: ReminderService
) -> None:
    now = at("2026-03-02 09:00")

    first = await service.turn_alerts_on(GUILD, TEAM, now, newcomer_after_minutes=30)
    moved = await service.turn_alerts_on(GUILD, TEAM + 1, now, after_minutes=60)

    assert (first.after_minutes, first.newcomer_after_minutes) == (90, 30)
    assert (moved.channel_id, moved.after_minutes, moved.newcomer_after_minutes) == (
        TEAM + 1,
        60,
        30,
    )


async def test_due_dms_with_nothing_to_say_move_to_their_next_time(
    history: History, service: ReminderService
) -> None:
    await service.turn_nudges_on(GUILD, A, 9, at("2026-03-02 08:00"))
    await service.turn_nudges_on(GUILD, B, 9, at("2026-03-02 08:00"))
    history.post(C, "2026-03-02 04:00", f"<@{B}> can you check the minutes?", mentions=(B,))

    plans = await service.prepare_nudges(at("2026-03-02 09:00"))

    assert [plan.nudge.user_id for plan in plans] == [B]
    silent = await service.nudges(GUILD, A)
    assert silent is not None and silent.next_due_at == at("2026-03-03 09:00")


async def test_a_dm_leaves_out_what_its_member_cannot_open_before_counting(
    history: History, service: ReminderService
) -> None:
    await service.turn_nudges_on(GUILD, A, 9, at("2026-03-02 08:00"))
    for n in range(7):
        where = RANDOM if n % 2 else GENERAL
        history.post(C, f"2026-03-02 04:0{n}", f"<@{A}> item {n}", mentions=(A,), channel=where)
    asked: list[list[Place]] = []

    async def readable(nudge: NudgeSettings, places: Sequence[Place]) -> list[bool]:
        asked.append(list(places))
        return [channel != RANDOM for channel, _ in places]

    [plan] = await service.prepare_nudges(at("2026-03-02 09:00"), readable)

    assert len(asked[0]) == 7  # every open item is asked about, before any is cut
    assert [item.channel_id for item in plan.items] == [GENERAL] * 4
    assert plan.more_items == 0  # the three in RANDOM are not counted either


async def test_a_question_for_a_broadcaster_comes_only_from_where_they_can_read(
    history: History, service: ReminderService
) -> None:
    await service.turn_nudges_on(GUILD, A, 9, at("2026-03-02 08:00"))
    await service.turn_nudges_on(GUILD, B, 9, at("2026-03-02 08:00"))
    for n in range(6):
        history.post(A, f"2026-03-02 05:0{n}", f"announcement {n}", channel=RANDOM)
        history.post(B, f"2026-03-02 05:1{n}", f"announcement {n}", channel=RANDOM)
    history.post(C, "2026-03-02 06:00", "Does anyone know a good venue?", channel=RANDOM)

    async def readable(nudge: NudgeSettings, places: Sequence[Place]) -> list[bool]:
        return [nudge.user_id == B for _ in places]  # A lost access to RANDOM

    plans = await service.prepare_nudges(at("2026-03-02 09:00"), readable)

    assert [(plan.nudge.user_id, plan.suggestion is not None) for plan in plans] == [(B, True)]
    silent = await service.nudges(GUILD, A)
    assert silent is not None and silent.next_due_at == at("2026-03-03 09:00")
