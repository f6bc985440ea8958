"""The summary service's rules: which days (GuildDays, pure) and which guild (on a store)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.missing_data import MissingData
from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.events import GuildInfo
from bot.settings import DefaultsSettings, PrivacySettings
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
from tests.dce import exports as dce
from tests.store.history import GUILD, History, at

DCE_GUILD = int(dce.GUILD)
ADA, BEN = dce.user(1, "ada"), dce.user(2, "ben")

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


# which numbers the sources could not know


def import_files(store: Store, *paths: Path) -> None:
    exports, _ = find_exports(list(paths))
    importer = Importer(store.path, PrivacySettings())
    try:
        assert not importer.run(exports).failed
    finally:
        importer.close()


def waves(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` with a wave each, counted but with nobody listed (before 2.40.4)."""
    for item in items:
        item["reactions"] = [{"emoji": {"id": None, "name": "👋"}, "count": 1}]
    return items


async def read_days(service: SummaryService, guild: int, first: date, last: date) -> list[Any]:
    days = await service.guild_days(guild, at("2026-03-05 12:00"))
    return await service.read(days, days.span(first, last), at("2026-03-05 12:00"))


async def test_a_live_day_has_nothing_unknown(store: Store) -> None:
    history = History(store)
    await history.policy.load()
    history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-01 08:00"))
    history.post(11, "2026-03-02 10:00", "anyone here?")
    service = SummaryService(store, DefaultsSettings())
    found = await read_days(service, GUILD, date(2026, 3, 1), date(2026, 3, 2))

    unknowns = await service.unknowns(found)

    assert not unknowns
    assert unknowns.fields == (frozenset(), frozenset())
    assert unknowns.why() == ""


async def test_an_old_exports_days_are_unknown_and_why_is_said_once(
    store: Store, tmp_path: Path
) -> None:
    old = waves([dce.message(10, ADA, "2024-05-01T10:00:00Z", "a question?")])
    old.append(dce.message(11, BEN, "2024-05-02T10:00:00Z"))
    data = dce.export(old)
    del data["channel"]["categoryId"]
    for item in old:
        del item["mentions"]
    import_files(store, dce.write(tmp_path, "old.json", data))
    service = SummaryService(store, DefaultsSettings())
    found = await read_days(service, DCE_GUILD, date(2024, 5, 1), date(2024, 5, 2))

    unknowns = await service.unknowns(found)

    assert unknowns
    assert {"listening_ratio", "questions_answered"} <= unknowns.fields[0]
    assert "questions_answered" not in unknowns.fields[1]  # no question that day
    assert "reactions" not in unknowns.fields[0]  # who reacted is set aside, see below
    assert unknowns.why().endswith("did not record replies or mentions.")
    assert unknowns.why("null").startswith("null: unknown, because")


async def test_who_reacted_is_recorded_but_set_aside(store: Store, tmp_path: Path) -> None:
    # Like the 2023 exports: replies and mention lists, reactions only counted.
    question = dce.message(10, ADA, "2024-05-01T10:00:00Z", "a question?")
    answer = dce.message(11, BEN, "2024-05-01T10:05:00Z", "yes", **dce.reply_to(10))
    import_files(store, dce.write(tmp_path, "2023.json", dce.export(waves([question, answer]))))
    service = SummaryService(store, DefaultsSettings())
    start = datetime(2024, 5, 1, tzinfo=UTC)

    recorded = await store.sources.missing_data(DCE_GUILD, start, start + timedelta(days=1))
    found = await read_days(service, DCE_GUILD, date(2024, 5, 1), date(2024, 5, 1))

    assert recorded == MissingData(reactions=True)  # kept in channel_sources
    assert await service.missing_data(DCE_GUILD, date(2024, 5, 1), "UTC") == MissingData()
    assert not await service.unknowns(found)
    assert found[0].listening_ratio == 0.5
