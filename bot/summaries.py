"""A guild's daily summaries and which days they may cover: one path for every front end.

The cogs, the command line and the digest ask here for "the summaries of this guild for
this day or range". The rules live once: the guild's time zone, its latest complete day,
its first observed day (nothing is summarised before it), the longest range, who counts
as a broadcaster, and which numbers of imported history its export could not know. A
request that cannot be met raises a :class:`SummaryError`; each front end words it for
its users (cogs as ``UserError``, the CLI as ``CliError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.days import day_bounds, day_start, local_day, reads_window, settled
from bot.analysis.missing_data import MissingData, unknown_fields, why_unknown
from bot.analysis.summary import DailySummary
from bot.clock import from_db_time, to_db_time
from bot.settings import DefaultsSettings, validate_timezone
from bot.store import Store
from bot.store.profiles import Profile

# Summaries are read or computed at most this many days at a time.
MAX_DAYS = 366
# /member and /me look back this many days, today included.
PROFILE_DAYS = 7


class SummaryError(Exception):
    """A request for summaries that cannot be met; front ends word it for their users."""


class NoGuilds(SummaryError):
    """The store knows no guild at all."""

    def __init__(self) -> None:
        super().__init__("the store knows no guild yet")


class SeveralGuilds(SummaryError):
    """No guild was named, and the store knows more than one."""

    def __init__(self, guilds: list[tuple[int, str | None]]) -> None:
        super().__init__(f"the store knows {len(guilds)} guilds; name one")
        self.guilds = guilds


class UnknownGuild(SummaryError):
    """The store never saw this guild."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(f"unknown guild {guild_id}")
        self.guild_id = guild_id


class BadTimezone(SummaryError):
    """The guild's stored time zone is not one Python knows."""

    def __init__(self, guild_id: int, reason: str) -> None:
        super().__init__(f"guild {guild_id}: {reason}")
        self.guild_id = guild_id
        self.reason = reason


class DayNotEnded(SummaryError):
    """A day asked for has not ended yet in the guild's time zone."""

    def __init__(self, day: date, timezone: str, latest: date) -> None:
        super().__init__(f"{day} has not ended yet in {timezone}")
        self.day = day
        self.timezone = timezone
        self.latest = latest


class TooManyDays(SummaryError):
    """A range longer than :data:`MAX_DAYS`."""

    def __init__(self, days: int, limit: int = MAX_DAYS) -> None:
        super().__init__(f"the range has {days} days; at most {limit} at a time")
        self.days = days
        self.limit = limit


class NoDataForPeriod(SummaryError):
    """Every day asked for is before the guild was first observed (or it never was)."""

    def __init__(self, guild_id: int, first_observed: date | None, last: date) -> None:
        super().__init__(f"guild {guild_id} has no data up to {last}")
        self.guild_id = guild_id
        self.first_observed = first_observed
        self.last = last


def check_length(first: date, last: date) -> None:
    """Refuse a range of more than :data:`MAX_DAYS` days."""
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise TooManyDays(days)


@dataclass(frozen=True, slots=True)
class DayRange:
    """Days to summarise, ``first`` to ``last`` included, and the first day asked for
    when that was before the guild was first observed."""

    first: date
    last: date
    asked_first: date

    @property
    def shortened(self) -> bool:
        """Whether the range asked for began before the guild's first observed day."""
        return self.first > self.asked_first


@dataclass(frozen=True, slots=True)
class GuildDays:
    """A guild's calendar: its time zone, latest complete day and first observed day."""

    guild_id: int
    timezone: str
    latest: date
    first_observed: date | None

    def span(self, first: date, last: date) -> DayRange:
        """``first`` to ``last``, checked and starting no earlier than the first observed day."""
        if last > self.latest:
            raise DayNotEnded(last, self.timezone, self.latest)
        check_length(first, last)
        observed = self.first_observed
        if observed is None or last < observed:
            raise NoDataForPeriod(self.guild_id, observed, last)
        return DayRange(max(first, observed), last, first)

    def last_days(self, count: int, last: date | None = None) -> DayRange:
        """The ``count`` days ending on ``last`` (default: the latest complete day)."""
        end = self.latest if last is None else last
        return self.span(end - timedelta(days=count - 1), end)


@dataclass(frozen=True, slots=True)
class GuildListing:
    """A guild the store knows, with its first and last day with messages (local days)."""

    guild_id: int
    name: str | None
    timezone: str
    first_day: date | None
    last_day: date | None
    messages: int
    members: int


@dataclass(frozen=True, slots=True)
class Unknowns:
    """For a list of summaries: each one's fields that its sources could not know (to be
    shown as "—", written as null or an empty cell, never as zero), and why."""

    fields: tuple[frozenset[str], ...]  # one per summary, in the list's order
    missing: MissingData  # what the sources of those days lacked, all days together

    def __bool__(self) -> bool:
        return any(self.fields)

    def why(self, shown_as: str = "—") -> str:
        """The one line that says why, once per output; "" when nothing is unknown."""
        return why_unknown(self.missing, shown_as=shown_as)


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """A member's last :data:`PROFILE_DAYS` days, with when they joined and first posted
    (local days; None when unknown or not yet), and where they stand this week."""

    profile: Profile
    timezone: str
    today: date
    joined: date | None
    first_message: date | None
    newcomer: bool
    broadcaster: bool
    inferred: bool = False  # the guild's inference is on: listening counts inferred replies


class SummaryService:
    """The summaries of a guild's days, and the rules about which days and which guild."""

    def __init__(self, store: Store, defaults: DefaultsSettings) -> None:
        self._store = store
        self._default_timezone = defaults.timezone
        self.rule = BroadcasterRule.from_defaults(defaults)

    async def timezone(self, guild_id: int) -> str:
        """The guild's time zone: its digest's, else ``[defaults] timezone``."""
        timezone = await self._store.guilds.timezone(guild_id, self._default_timezone)
        try:
            return validate_timezone(timezone)
        except ValueError as exc:
            raise BadTimezone(guild_id, str(exc)) from None

    async def guild_days(self, guild_id: int, now: datetime) -> GuildDays:
        """The guild's calendar as of ``now``."""
        timezone = await self.timezone(guild_id)
        latest = local_day(now, timezone) - timedelta(days=1)
        first = await self._store.guilds.first_seen_day(guild_id, timezone)
        return GuildDays(guild_id, timezone, latest, first)

    async def latest_day_with_messages(self, days: GuildDays) -> date | None:
        """The latest complete day on which a member posted, if any."""
        end = to_db_time(day_start(days.latest + timedelta(days=1), days.timezone))
        last = await self._store.guilds.last_message_before(days.guild_id, end)
        return None if last is None else local_day(last, days.timezone)

    async def recent(self, days: GuildDays, count: int) -> DayRange:
        """The ``count`` days ending on the latest complete day with messages, so that an
        imported history shows by default; the latest complete day when none has any."""
        return days.last_days(count, await self.latest_day_with_messages(days))

    async def read(self, days: GuildDays, span: DayRange, now: datetime) -> list[DailySummary]:
        """The summaries of ``span``: stored ones as stored, missing ones computed and saved."""
        return await self.ensure(days.guild_id, span.first, span.last, days.timezone, now)

    async def ensure(
        self, guild_id: int, first: date, last: date, timezone: str, now: datetime
    ) -> list[DailySummary]:
        """The summaries of ``first`` to ``last``, days the caller has checked: stored ones
        as stored, unless a write has changed their day since (a dirty day); missing and
        dirty ones computed and saved."""
        stored = {s.day: s for s in await self._store.summaries.stored(guild_id, first, last)}
        dirty = await self._store.dirty_days.dirty(guild_id, first, last)
        found = []
        computed = 0
        day = first
        while day <= last:
            summary = stored.get(day.isoformat())
            if summary is None or day in dirty:
                summary = await self.recompute(guild_id, day, timezone, now)
                computed += 1
            found.append(summary)
            day += timedelta(days=1)
        if computed:  # a read of stored days writes nothing (a read-only file works)
            await self._store.dirty_days.prune(guild_id)
        return found

    async def settle(
        self, guild_id: int, days: Sequence[date], timezone: str, now: datetime
    ) -> int:
        """Make the stored summaries of ``days`` final: compute the missing ones, those
        computed before their last responses could be in (see
        :func:`~bot.analysis.days.settled`) and those a write has changed since (dirty);
        any other is kept as it is. Returns how many were computed."""
        if not days:
            return 0
        first, last = min(days), max(days)
        stored = {s.day: s for s in await self._store.summaries.stored(guild_id, first, last)}
        dirty = await self._store.dirty_days.dirty(guild_id, first, last)
        computed = 0
        for day in days:
            summary = stored.get(day.isoformat())
            if (
                summary is None
                or day in dirty
                or not settled(day, timezone, from_db_time(summary.computed_at))
            ):
                await self.recompute(guild_id, day, timezone, now)
                computed += 1
        # Always (the digest writes anyway): the marks of a live guild, whose stored days
        # are read more than computed, are pruned at least once a day.
        await self._store.dirty_days.prune(guild_id)
        return computed

    async def recompute(
        self, guild_id: int, day: date, timezone: str, now: datetime
    ) -> DailySummary:
        """Compute one day again, with responses known by ``now``, and store it, with the
        marks it has seen (bot/store/dirty_days.py)."""
        seen = await self._store.dirty_days.counter()
        summary = await self._store.summaries.compute(
            guild_id, day, timezone, to_db_time(now), self.rule
        )
        await self._store.summaries.save(summary)
        start, end = reads_window(day, timezone)
        await self._store.dirty_days.saved(
            guild_id, day, timezone, seen, (to_db_time(start), to_db_time(end))
        )
        return summary

    async def changed_since(self, guild_id: int, since: datetime) -> None:
        """Data from ``since`` on was written or changed by a writer without triggers of
        its own (an import, ``ascolto infer``): every stored day that reads it is dirty,
        the later ones too (the pairs' first interactions, so the network's size)."""
        await self._store.dirty_days.mark(guild_id, to_db_time(since))

    async def prune_marks(self, guild_id: int) -> None:
        """Drop the guild's marks that no stored summary needs any more."""
        await self._store.dirty_days.prune(guild_id)

    async def missing_data(self, guild_id: int, day: date, timezone: str) -> MissingData:
        """What the sources of every one of the day's messages lacked (imported history);
        nothing for a day the live bot recorded."""
        start, end = day_start(day, timezone), day_start(day + timedelta(days=1), timezone)
        missing = await self._store.sources.missing_data(guild_id, start, end)
        # Who reacted is set aside for now (channel_sources still records it): the issue
        # asks about replies and mentions, and counting it would blank the listening ratio
        # and the connections of the 2023 exports too, which carry replies and mentions
        # but only how many reacted.
        return replace(missing, reactions=False)

    async def inferred_only(self, guild_id: int, span: DayRange, timezone: str) -> list[str]:
        """The names (``#name``, or ``channel ID``) of the channels whose messages in
        ``span`` were imported from an export that recorded no replies: all the listening
        seen there is inferred from the flow of conversation."""
        start = day_start(span.first, timezone)
        end = day_start(span.last + timedelta(days=1), timezone)
        found = await self._store.sources.without_replies(guild_id, start, end)
        return [f"#{name}" if name else f"channel {channel_id}" for channel_id, name in found]

    async def unknowns(self, summaries: Sequence[DailySummary]) -> Unknowns:
        """Each summary's fields that its sources could not know, read now rather than
        stored: importing newer files of the same days makes them known."""
        found = []
        lacking = MissingData()
        for summary in summaries:
            day = date.fromisoformat(summary.day)
            missing = await self.missing_data(summary.guild_id, day, summary.timezone)
            unknown = frozenset(unknown_fields(summary, missing))
            if unknown:
                lacking = MissingData(
                    replies=lacking.replies or missing.replies,
                    mentions=lacking.mentions or missing.mentions,
                )
            found.append(unknown)
        return Unknowns(tuple(found), lacking)

    async def inference_shown(self, guild_id: int) -> bool:
        """Whether the guild sees figures with inferred replies (docs/metrics.md, "Inferred
        replies"): its ``/config inference`` choice, on when it never made one."""
        return await self._store.inferred.enabled(guild_id)

    async def member_week(self, guild_id: int, user_id: int, now: datetime) -> MemberProfile:
        """A member's last :data:`PROFILE_DAYS` local days, today included; whether they
        are a newcomer, and whether those days make them a broadcaster (the digest's rule,
        compared exact, over the same 7 days the digest of today would use)."""
        timezone = await self.timezone(guild_id)
        today = local_day(now, timezone)
        start = day_bounds(today - timedelta(days=PROFILE_DAYS - 1), timezone)[0]
        end = day_bounds(today, timezone)[1]
        profile = await self._store.profiles.profile(guild_id, user_id, start, end)
        dates = await self._store.profiles.dates(guild_id, user_id, to_db_time(now))
        joined, first = dates.joined_at, dates.first_message_at
        inferred = await self.inference_shown(guild_id)
        # With inference on, their listening counts their inferred replies, here as in
        # the ratio /member and /me show.
        replies = profile.replies + (profile.inferred_replies if inferred else 0)
        return MemberProfile(
            profile=profile,
            timezone=timezone,
            today=today,
            joined=None if joined is None else local_day(joined, timezone),
            first_message=None if first is None else local_day(first, timezone),
            newcomer=dates.newcomer,
            broadcaster=self.rule.applies(profile.messages, replies, profile.reactions_given),
            inferred=inferred,
        )

    async def opted_out(self, guild_id: int) -> int:
        """How many members of the guild opted out of logging: they are in no number."""
        return await self._store.consent.opted_out_count(guild_id)

    async def choose_guild(self, guild_id: int | None) -> int:
        """The guild named, if the store knows it; else the store's only guild."""
        if guild_id is not None:
            if not await self._store.guilds.known(guild_id):
                raise UnknownGuild(guild_id)
            return guild_id
        guilds = await self._store.guilds.listed()
        if not guilds:
            raise NoGuilds()
        if len(guilds) > 1:
            raise SeveralGuilds(guilds)
        return guilds[0][0]

    async def guilds(self) -> list[GuildListing]:
        """Every guild the store knows, with local first and last days with messages."""
        found = []
        for guild in await self._store.guilds.overview():
            timezone = await self.timezone(guild.guild_id)
            first, last = guild.first_message_at, guild.last_message_at
            found.append(
                GuildListing(
                    guild_id=guild.guild_id,
                    name=guild.name,
                    timezone=timezone,
                    first_day=None if first is None else local_day(first, timezone),
                    last_day=None if last is None else local_day(last, timezone),
                    messages=guild.messages,
                    members=guild.members,
                )
            )
        return found
