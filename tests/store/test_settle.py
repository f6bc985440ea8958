"""Missed days are stored as final: computed when missing or computed too early, kept
when settled (the first digest on an imported history reads them, it does not recompute)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.analysis.days import SETTLED_AFTER, settled
from bot.settings import DefaultsSettings
from bot.summaries import SummaryService
from tests.store.history import GUILD, History, at

A, B = 11, 12
MARCH_2, MARCH_3, MARCH_4 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def test_a_day_is_settled_once_its_last_responses_can_be_in() -> None:
    end = at("2026-03-03 00:00")

    assert not settled(MARCH_2, "UTC", end)
    assert not settled(MARCH_2, "UTC", end + SETTLED_AFTER - timedelta(minutes=1))
    assert settled(MARCH_2, "UTC", end + SETTLED_AFTER)
    # The day ends at local midnight: in Rome an hour earlier than in UTC (winter).
    assert settled(MARCH_2, "Europe/Rome", end + SETTLED_AFTER - timedelta(hours=1))


async def test_settle_computes_missing_and_early_days_and_keeps_settled_ones(
    history: History,
) -> None:
    service = SummaryService(history.store, DefaultsSettings())
    asked = history.post(A, "2026-03-02 22:00", "Anyone up for a walk?")
    history.post(B, "2026-03-03 08:00", "Me!", reply_to=asked)
    history.post(A, "2026-03-04 09:00", "morning")
    # March 2 computed at 23:30, before the answer of 08:00 the next day: too early.
    await service.recompute(GUILD, MARCH_2, "UTC", at("2026-03-02 23:30"))
    # March 3 computed when it had settled: kept as it is.
    kept = await service.recompute(GUILD, MARCH_3, "UTC", at("2026-03-05 02:00"))

    days = [MARCH_2, MARCH_3, MARCH_4]
    computed = await service.settle(GUILD, days, "UTC", at("2026-03-06 09:00"))
    stored = {s.day: s for s in await history.store.summaries.stored(GUILD, MARCH_2, MARCH_4)}

    assert computed == 2  # March 2 (too early) and March 4 (missing)
    assert stored["2026-03-02"].questions_answered == 1
    assert stored["2026-03-02"].computed_at == "2026-03-06T09:00:00.000Z"
    assert stored["2026-03-03"] == kept
    assert stored["2026-03-04"].messages == 1
