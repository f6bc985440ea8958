"""What the dashboard's pages show, read from the store: one service between the routes
and the read-only store, as the summary service is between the cogs and the store.

It reads and never computes-and-stores: a day whose summary is not stored yet shows as
"not computed yet" (the bot computes each day after it ends; ``ascolto report`` computes
missing days), so that opening a page never changes the file, and a page costs reads
only. The rules of which guild and which days are the summary service's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.analysis.days import local_day
from bot.analysis.summary import DailySummary, with_inferred
from bot.analysis.usual import USUAL_DAYS, Usual, usual_values
from bot.clock import from_db_time
from bot.dashboard.cache import DataCache
from bot.dashboard.config import Rules
from bot.dashboard.params import AskedDays, BadRequest, NotFound
from bot.render.inferred import shown_unknown, shown_usual
from bot.store.readonly import ReadOnlyStore
from bot.summaries import (
    BadTimezone,
    DayNotEnded,
    DayRange,
    GuildDays,
    GuildListing,
    NoDataForPeriod,
    SummaryService,
    TooManyDays,
)

TREND_DAYS = 90  # the overview's charts cover this many days ending on the day shown


@dataclass(frozen=True, slots=True)
class Guild:
    """A guild as every page of it needs it: name, calendar, inference, default day."""

    guild_id: int
    name: str | None
    days: GuildDays
    inferred: bool  # its figures count inferred replies (its /config inference choice)
    default_day: date  # the latest day with a stored summary (else with messages)

    @property
    def title(self) -> str:
        """Its name, or its id when the store knows no name."""
        return self.name or f"Server {self.guild_id}"


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One day of a range: its stored summary as the guild sees it (None: not computed
    yet), and the fields its sources could not know."""

    day: date
    summary: DailySummary | None
    unknown: AbstractSet[str]


class DashboardData:
    """Reads for the dashboard's pages; every refusal is a :class:`PageError`."""

    def __init__(
        self, store: ReadOnlyStore, settings: Rules, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.service = SummaryService(store, settings.defaults)
        self.cache = DataCache(store.dashboard.data_version)

    async def guilds(self) -> list[GuildListing]:
        """Every guild in the store, with its first and last local day with messages
        stored, and its messages and members (read through indexes: no walk of the
        messages, unlike ``ascolto guilds``, so deleted and system messages count)."""
        found = []
        for guild_id, name, first, last, messages, members in await self.store.dashboard.guilds():
            try:
                timezone = await self.service.timezone(guild_id)
            except BadTimezone:
                timezone = "UTC"
            found.append(
                GuildListing(
                    guild_id=guild_id,
                    name=name,
                    timezone=timezone,
                    first_day=None if first is None else local_day(from_db_time(first), timezone),
                    last_day=None if last is None else local_day(from_db_time(last), timezone),
                    messages=messages,
                    members=members,
                )
            )
        return found

    async def guild(self, guild_id: int) -> Guild:
        """The guild of an address; NotFound when the store never saw it."""
        names = dict(await self.store.guilds.listed())
        if guild_id not in names:
            raise NotFound(
                "Unknown server",
                f"The database holds no server {guild_id}: choose one from the first page.",
            )
        try:
            days = await self.service.guild_days(guild_id, self.clock())
        except BadTimezone as exc:
            raise BadRequest("Bad time zone", f"{exc.reason}: fix it with /config.") from None
        stored = await self.store.dashboard.latest_summary_day(guild_id)
        default = stored if stored is not None and stored <= days.latest else None
        if default is None:
            default = await self.service.latest_day_with_messages(days) or days.latest
        inferred = await self.service.inference_shown(guild_id)
        return Guild(guild_id, names[guild_id], days, inferred, default)

    def span(self, guild: Guild, asked: AskedDays, default_days: int) -> DayRange:
        """The days asked for, or the ``default_days`` ending on the guild's default day;
        checked against its calendar."""
        if asked.first is not None and asked.last is not None:
            first, last = asked.first, asked.last
        else:
            last = guild.default_day
            first = last - timedelta(days=default_days - 1)
        try:
            return guild.days.span(first, last)
        except DayNotEnded as exc:
            raise BadRequest(
                "Day not ended",
                f"{exc.day} has not ended yet in {exc.timezone}: the latest complete day is "
                f"{exc.latest}.",
            ) from None
        except TooManyDays as exc:
            raise BadRequest("Range too long", f"{exc}.") from None
        except NoDataForPeriod as exc:
            if exc.first_observed is None:
                raise NotFound("Nothing yet", "This server has not been observed yet.") from None
            raise BadRequest(
                "Before the first day",
                f"This server was first observed on {exc.first_observed}: choose days from "
                f"then to {guild.days.latest}.",
            ) from None

    async def days(self, guild: Guild, first: date, last: date) -> list[DayFigures]:
        """Each day from ``first`` to ``last`` with its stored summary, as the guild sees
        it (inferred replies counted when its inference is on)."""
        stored = {s.day: s for s in await self.store.summaries.stored(guild.guild_id, first, last)}
        found = list(stored.values())
        unknowns = await self.service.unknowns(found)
        unknown_of = dict(zip((s.day for s in found), unknowns.fields, strict=True))
        opted_out = await self.store.dashboard.opted_out(guild.guild_id)
        figures = []
        day = first
        while day <= last:
            summary = stored.get(day.isoformat())
            if summary is None:
                figures.append(DayFigures(day, None, frozenset()))
            else:
                unknown = shown_unknown(summary, unknown_of[summary.day], guild.inferred)
                shown = with_inferred(summary) if guild.inferred else summary
                figures.append(DayFigures(day, _without(shown, opted_out), unknown))
            day += timedelta(days=1)
        return figures

    async def usual(self, guild: Guild, day: date) -> Usual | None:
        """The usual values the digest compares ``day`` with: medians of the stored days
        before it (at most :data:`USUAL_DAYS`)."""
        first = max(day - timedelta(days=USUAL_DAYS), guild.days.first_observed or day)
        before = [
            s
            for s in await self.store.summaries.stored(guild.guild_id, first, day)
            if s.day < day.isoformat()
        ]
        unknowns = await self.service.unknowns(before)
        return shown_usual(usual_values(before, unknowns.fields), guild.inferred)

    async def trend(self, guild: Guild, last: date) -> tuple[date, list[DailySummary]]:
        """The first day and the stored summaries of the :data:`TREND_DAYS` ending on
        ``last`` (from the first observed day, when later), as the guild sees them."""
        first = max(last - timedelta(days=TREND_DAYS - 1), guild.days.first_observed or last)
        stored = await self.store.summaries.stored(guild.guild_id, first, last)
        return first, [with_inferred(s) if guild.inferred else s for s in stored]


def _without(summary: DailySummary, opted_out: AbstractSet[int]) -> DailySummary:
    """A stored summary without the members who opted out since it was computed (their
    opt-out removes them from stored lists too; this holds for a file restored from
    before)."""
    if not opted_out:
        return summary
    return replace(
        summary,
        top_connectors=tuple(c for c in summary.top_connectors if c.user_id not in opted_out),
        broadcasters=tuple(b for b in summary.broadcasters if b.user_id not in opted_out),
    )


def missing_days(figures: Sequence[DayFigures]) -> list[date]:
    """The days of ``figures`` with no stored summary."""
    return [f.day for f in figures if f.summary is None]
