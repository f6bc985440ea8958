"""The daily digest: scheduling it, and preparing what it says. Posting is the cog's job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.analysis.days import day_start
from bot.analysis.digest_plan import (
    is_weekly_day,
    latest_due_day,
    next_due,
    parse_post_time,
    plan_days,
    week_totals,
)
from bot.analysis.summary import DailySummary
from bot.clock import to_db_time
from bot.store import Store
from bot.store.alerts import AlertItem, WaitingNow
from bot.store.digests import DigestSettings
from bot.summaries import SummaryService
from bot.timers import TimerDispatcher

if TYPE_CHECKING:
    from bot.reminders import ReminderService

DIGEST_TIMER = "digest"
TREND_DAYS = 14


@dataclass(frozen=True, slots=True)
class DigestJob:
    """Everything one digest message shows, ready to render."""

    guild_id: int
    channel_id: int
    summary: DailySummary
    previous: DailySummary | None
    trend: tuple[DailySummary, ...]
    week: tuple[DailySummary, DailySummary] | None
    partial_since: str | None
    show_people: bool
    waiting: WaitingNow | None = None  # what waits as the digest is prepared
    went_unanswered: tuple[AlertItem, ...] = ()  # items that expired on the posted day


class DigestService:
    """Keeps each guild's next digest as a stored timer and prepares digests when due."""

    def __init__(
        self,
        store: Store,
        timers: TimerDispatcher,
        summaries: SummaryService,
        reminders: ReminderService | None = None,
    ) -> None:
        self._store = store
        self._timers = timers
        self._summaries = summaries
        self._reminders = reminders  # what waits and what went unanswered, when given

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        post_time: str,
        timezone: str,
        now: datetime,
        *,
        show_people: bool = False,
    ) -> datetime:
        """Turn the digest on (or change it); returns when the next one is due."""
        parse_post_time(post_time)
        await self._store.digests.configure(
            guild_id, channel_id, post_time, timezone, show_people=show_people
        )
        return await self._schedule_next(guild_id, post_time, timezone, now)

    async def settings(self, guild_id: int) -> DigestSettings | None:
        """The guild's digest set-up, if a manager ever made one."""
        return await self._store.digests.settings(guild_id)

    async def disable(self, guild_id: int) -> bool:
        """Turn the digest off; False if it was not on."""
        await self._store.timers.cancel(DIGEST_TIMER, guild_id)
        return await self._store.digests.disable(guild_id)

    async def resume(self, now: datetime) -> None:
        """Give every enabled guild a digest timer; a missed digest falls due at once."""
        for guild_id in await self._store.digests.enabled_guilds():
            if await self._store.timers.get(DIGEST_TIMER, guild_id) is not None:
                continue
            settings = await self._store.digests.settings(guild_id)
            assert settings is not None
            latest = latest_due_day(now, parse_post_time(settings.post_time), settings.timezone)
            last_posted = await self._store.digests.last_posted(guild_id)
            if last_posted is None or last_posted < latest:
                await self._schedule(guild_id, now)
            else:
                await self._schedule_next(guild_id, settings.post_time, settings.timezone, now)

    async def prepare(self, guild_id: int, now: datetime) -> DigestJob | None:
        """The digest that is due now, claimed so that it is posted once; None if none is.

        The next digest is scheduled first, so that nothing below can stop tomorrow's.
        Missed days before the one posted are computed and stored, not posted.
        """
        settings = await self._store.digests.settings(guild_id)
        if settings is None or not settings.enabled:
            return None
        tz = settings.timezone
        post_time = parse_post_time(settings.post_time)
        await self._schedule_next(guild_id, settings.post_time, tz, now)
        first_seen = await self._store.guilds.first_seen(guild_id)
        local_first = first_seen.astimezone(ZoneInfo(tz)) if first_seen else None
        first_day = local_first.date() if local_first else None
        plan = plan_days(
            latest_due_day(now, post_time, tz),
            first_day,
            await self._store.digests.last_posted(guild_id),
        )
        for day in plan.store_only:
            await self._summaries.recompute(guild_id, day, tz, now)
        if plan.post is None or first_day is None:
            return None
        if not await self._store.digests.claim(guild_id, plan.post, to_db_time(now)):
            return None
        summary = await self._summaries.recompute(guild_id, plan.post, tz, now)
        trend_start = max(first_day, plan.post - timedelta(days=TREND_DAYS - 1))
        trend = await self._summaries.ensure(guild_id, trend_start, plan.post, tz, now)
        previous = trend[-2] if len(trend) >= 2 else None
        partial = None
        if local_first is not None and first_day == plan.post and local_first.time() != time(0):
            partial = local_first.strftime("%H:%M")
        return DigestJob(
            guild_id=guild_id,
            channel_id=settings.channel_id,
            summary=summary,
            previous=previous,
            trend=tuple(trend),
            week=await self._week(guild_id, plan.post, first_day, tz, now),
            partial_since=partial,
            show_people=settings.show_people,
            **await self._waiting(guild_id, plan.post, tz, now),
        )

    async def _waiting(self, guild_id: int, day: date, tz: str, now: datetime) -> dict[str, Any]:
        """The job's ``waiting`` (now) and ``went_unanswered`` (items that expired on
        ``day``, its local bounds): each expired item is in exactly one day's digest."""
        if self._reminders is None:
            return {}
        start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
        return {
            "waiting": await self._reminders.waiting_now(guild_id, now),
            "went_unanswered": tuple(await self._reminders.went_unanswered(guild_id, start, end)),
        }

    async def posted(self, job: DigestJob, message_id: int) -> None:
        """Record the message the digest went out as."""
        await self._store.digests.posted(
            job.guild_id, date.fromisoformat(job.summary.day), job.channel_id, message_id
        )

    async def _week(
        self, guild_id: int, day: date, first_day: date, tz: str, now: datetime
    ) -> tuple[DailySummary, DailySummary] | None:
        """This week against the previous one, on the Monday digest, if both were observed."""
        if not is_weekly_day(day) or day - timedelta(days=13) < first_day:
            return None
        days = await self._summaries.ensure(guild_id, day - timedelta(days=13), day, tz, now)
        return week_totals(days[7:]), week_totals(days[:7])

    async def _schedule_next(
        self, guild_id: int, post_time: str, timezone: str, now: datetime
    ) -> datetime:
        _, due = next_due(now, parse_post_time(post_time), timezone)
        await self._schedule(guild_id, due)
        return due

    async def _schedule(self, guild_id: int, due: datetime) -> None:
        timer = await self._store.timers.schedule(DIGEST_TIMER, guild_id, due, {})
        self._timers.notify(timer.due_at)
