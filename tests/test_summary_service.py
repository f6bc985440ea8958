"""The summary service's rules: which days (GuildDays, pure) and which guild (on a store)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.events import GuildInfo
from bot.settings import DefaultsSettings
from bot.store import Store
from bot.summaries import (
    MAX_DAYS,
    DayNotEnded,
    GuildDays,
    NoDataForPeriod,
    NoGuilds,
    SeveralGuilds,
    SummaryService,
    TooManyDays,
    UnknownGuild,
)
from tests.store.history import GUILD, History, at

MARCH = GuildDays(GUILD, "UTC", latest=date(2026, 3, 4), first_observed=date(2026, 3, 2))


def test_a_range_within_the_observed_days_is_kept() -> None:
    span = MARCH.span(date(2026, 3, 2), date(2026, 3, 4))

    assert (span.first, span.last, span.shortened) == (date(2026, 3, 2), date(2026, 3, 4), False)


def test_a_range_from_before_the_first_observed_day_starts_there() -> None:
    span = MARCH.span(date(2026, 2, 1), date(2026, 3, 3))

    assert (span.first, span.last) == (date(2026, 3, 2), date(2026, 3, 3))
    assert span.shortened and span.asked_first == date(2026, 2, 1)


def test_a_day_that_has_not_ended_is_refused_with_the_latest_complete_day() -> None:
    with pytest.raises(DayNotEnded) as refused:
        MARCH.span(date(2026, 3, 4), date(2026, 3, 5))

    assert (refused.value.day, refused.value.latest) == (date(2026, 3, 5), date(2026, 3, 4))


def test_at_most_366_days() -> None:
    long = GuildDays(GUILD, "UTC", latest=date(2026, 3, 4), first_observed=date(2020, 1, 1))

    longest = long.last_days(MAX_DAYS)
    assert (longest.last - longest.first).days + 1 == 366
    with pytest.raises(TooManyDays) as refused:
        long.span(date(2025, 3, 1), date(2026, 3, 2))
    assert (refused.value.days, refused.value.limit) == (367, 366)


@pytest.mark.parametrize("observed", [date(2026, 3, 3), None])
def test_days_before_the_first_observed_day_have_no_data(observed: date | None) -> None:
    days = GuildDays(GUILD, "UTC", latest=date(2026, 3, 4), first_observed=observed)

    with pytest.raises(NoDataForPeriod) as refused:
        days.span(date(2026, 3, 1), date(2026, 3, 2))

    assert refused.value.first_observed == observed


# on a store


@pytest.fixture
async def store(tmp_path: Path):
    store = Store(tmp_path / "s.db")
    await store.open()
    yield store
    await store.close()


async def test_recent_days_end_on_the_latest_complete_day_with_messages(store: Store) -> None:
    history = History(store)
    await history.policy.load()
    history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-01 08:00"))
    history.post(11, "2026-03-02 10:00")
    history.post(11, "2026-03-05 10:00")  # today: not a complete day yet
    service = SummaryService(store, DefaultsSettings())

    days = await service.guild_days(GUILD, at("2026-03-05 12:00"))
    recent = await service.recent(days, 30)

    assert days.latest == date(2026, 3, 4)
    assert (recent.first, recent.last) == (date(2026, 3, 1), date(2026, 3, 2))


async def test_the_guild_is_the_one_named_or_the_only_one(store: Store) -> None:
    service = SummaryService(store, DefaultsSettings())
    history = History(store)
    await history.policy.load()

    with pytest.raises(NoGuilds):
        await service.choose_guild(None)
    history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-01 08:00"))
    assert await service.choose_guild(None) == GUILD
    with pytest.raises(UnknownGuild):
        await service.choose_guild(GUILD + 1)
    history.recorder.guild_available(GuildInfo(GUILD + 1, "Other"), at("2026-03-01 08:00"))
    assert await service.choose_guild(GUILD + 1) == GUILD + 1
    with pytest.raises(SeveralGuilds) as several:
        await service.choose_guild(None)
    assert several.value.guilds == [(GUILD, "Test guild"), (GUILD + 1, "Other")]
