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
from bot.analysis.usual import USUAL_DAYS, Usual, usual_values
from bot.clock import to_db_time
from bot.render.chart import ChartSpan
from bot.store import Store
from bot.store.alerts import AlertItem, WaitingNow
from bot.store.digest_context import Opener
from bot.store.digests import DigestSettings
from bot.store.newcomers import NewcomerDay
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
    usual: Usual | None  # medians of the observed days before; None on the first day
    trend: tuple[DailySummary, ...]  # the observed days of ``span``
    span: ChartSpan  # the chart's days, and which of them were observed
    week: tuple[DailySummary, DailySummary] | None
    partial_since: str | None
    show_people: bool
    newcomers: NewcomerDay
    openers: dict[int, Opener]  # the top conversations' first messages, by id
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
        # Missed days: stored as final, recomputing only what is missing or was computed
        # too early (the first digest on an imported history reads, not recomputes).
        await self._summaries.settle(guild_id, plan.store_only, tz, now)
        if plan.post is None or first_day is None:
            return None
        if not await self._store.digests.claim(guild_id, plan.post, to_db_time(now)):
            return None
        summary = await self._summaries.recompute(guild_id, plan.post, tz, now)
        # One read for the usual values, the chart and the week: stored days as they
        # are, only missing ones computed.
        start = max(first_day, plan.post - timedelta(days=USUAL_DAYS))
        before = (
            await self._summaries.ensure(guild_id, start, plan.post - timedelta(days=1), tz, now)
            if start < plan.post
            else []
        )
        unknowns = await self._summaries.unknowns(before)
        days = [*before, summary]
        span = ChartSpan.observed_days(
            plan.post - timedelta(days=TREND_DAYS - 1), plan.post, first_day
        )
        partial = None
        if local_first is not None and first_day == plan.post and local_first.time() != time(0):
            partial = local_first.strftime("%H:%M")
        return DigestJob(
            guild_id=guild_id,
            channel_id=settings.channel_id,
            summary=summary,
            usual=usual_values(before, unknowns.fields),
            trend=tuple(d for d in days if date.fromisoformat(d.day) >= span.first),
            span=span,
            week=await self._week(guild_id, plan.post, first_day, days, tz),
            partial_since=partial,
            show_people=settings.show_people,
            newcomers=await self.newcomers(summary),
            openers=await self._store.digest_context.openers(
                guild_id, (c.message_id for c in summary.top_conversations)
            ),
            **await self._waiting(guild_id, plan.post, tz, now),
        )

    async def newcomers(self, summary: DailySummary) -> NewcomerDay:
        """Who joined on the summary's day and whose first message came, answered as the
        summary counted it (by the time it was computed)."""
        return await self._store.newcomers.of_day(
            summary.guild_id, date.fromisoformat(summary.day), summary.timezone, summary.computed_at
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
        self, guild_id: int, day: date, first_day: date, days: list[DailySummary], tz: str
    ) -> tuple[DailySummary, DailySummary] | None:
        """This week against the previous one, on the Monday digest, if both were observed.
        ``days`` are the summaries up to ``day``, consecutive."""
        if not is_weekly_day(day) or day - timedelta(days=13) < first_day:
            return None
        distinct = self._store.digest_context.distinct_active
        week_start, last_start = day - timedelta(days=6), day - timedelta(days=13)
        this_week = await distinct(guild_id, week_start, day, tz)
        last_week = await distinct(guild_id, last_start, week_start - timedelta(days=1), tz)
        return week_totals(days[-7:], this_week), week_totals(days[-14:-7], last_week)

    async def _schedule_next(
        self, guild_id: int, post_time: str, timezone: str, now: datetime
    ) -> datetime:
        _, due = next_due(now, parse_post_time(post_time), timezone)
        await self._schedule(guild_id, due)
        return due

    async def _schedule(self, guild_id: int, due: datetime) -> None:
        timer = await self._store.timers.schedule(DIGEST_TIMER, guild_id, due, {})
        self._timers.notify(timer.due_at)
