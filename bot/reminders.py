"""The reminder pass: what it decides, apart from how Discord is told.

One stored timer (``reminders``, no guild) fires every ``[reminders]
check_interval_seconds`` while there is anything to watch; the reminders cog runs the
pass and schedules the next one first, so that a failing pass never stops the loop.
Everything the pass decides is a row (alert claims, reminders sent, each member's next
DM), so a restart neither repeats nor loses one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.nudge_plan import NudgeDecision, QuietHours, decide, first_due
from bot.settings import Settings
from bot.store import Store
from bot.store.inbox import InboxItem, NudgeSettings, Suggestion
from bot.timers import TimerDispatcher

REMINDER_TIMER = "reminders"
NUDGE_ITEMS = 5  # open inbox items listed in a DM
NUDGE_ITEM_AGE = timedelta(hours=4)  # an item is listed once it waited this long
LISTENING_NUDGE_EVERY = timedelta(days=7)
PROFILE_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class NudgePlan:
    """One member's due DM: what to say (maybe nothing), and when the next is due."""

    nudge: NudgeSettings
    next_due: datetime
    items: tuple[InboxItem, ...] = ()
    more_items: int = 0
    suggestion: Suggestion | None = None

    @property
    def send(self) -> bool:
        """Whether there is anything to say."""
        return bool(self.items) or self.suggestion is not None


class ReminderService:
    """Schedules the reminder pass and plans members' DMs."""

    def __init__(self, store: Store, dispatcher: TimerDispatcher, settings: Settings) -> None:
        self._store = store
        self._dispatcher = dispatcher
        self._settings = settings
        self._interval = timedelta(seconds=settings.reminders.check_interval_seconds)

    async def resume(self, now: datetime) -> None:
        """At start-up: make sure a pass is scheduled if one is needed (an overdue one
        runs at once)."""
        if await self._store.timers.get(REMINDER_TIMER, None) is None:
            await self.wake(now - self._interval)

    async def wake(self, now: datetime) -> None:
        """Something to watch was turned on: schedule a pass unless one is scheduled."""
        if await self._store.timers.get(REMINDER_TIMER, None) is None:
            await self.schedule_next(now)

    async def schedule_next(self, now: datetime) -> datetime | None:
        """Schedule the pass after the one starting at ``now``, if there is anything to
        watch; an idle bot (no alerts, no nudges, no answer awaited) runs no pass
        until :meth:`wake`."""
        if not await self._store.alerts.watching(now):
            await self._store.timers.cancel(REMINDER_TIMER, None)
            return None
        due = now + self._interval
        await self._store.timers.schedule(REMINDER_TIMER, None, due, {})
        self._dispatcher.notify(due)
        return due

    async def timezone(self, guild_id: int) -> str:
        """The guild's time zone: its digest's, else the configured default."""
        return await self._store.guilds.timezone(guild_id, self._settings.defaults.timezone)

    async def default_nudge_hour(self, guild_id: int) -> int:
        """The guild's digest hour, else ``[defaults] nudge_hour``."""
        digest = await self._store.digests.settings(guild_id)
        if digest is not None and digest.enabled:
            return int(digest.post_time[:2])
        return self._settings.defaults.nudge_hour

    async def first_nudge(self, guild_id: int, hour: int, now: datetime) -> datetime:
        """When a member who turns DMs on now gets the first one."""
        quiet = await self._store.guild_config.quiet_hours(guild_id)
        return first_due(now, hour, await self.timezone(guild_id), quiet)

    async def plan_nudges(self, nudges: list[NudgeSettings], now: datetime) -> list[NudgePlan]:
        """What each due DM says, if it may go out now (one a day per member, across
        guilds, and never in the guild's quiet hours). Guild settings are read once."""
        zones: dict[int, str] = {}
        quiet: dict[int, QuietHours | None] = {}
        plans = []
        for nudge in nudges:
            guild_id = nudge.guild_id
            if guild_id not in zones:
                zones[guild_id] = await self.timezone(guild_id)
                quiet[guild_id] = await self._store.guild_config.quiet_hours(guild_id)
            decision = decide(now, nudge.hour, zones[guild_id], quiet[guild_id], nudge.last_dm_at)
            plans.append(await self._plan(nudge, decision, now))
        return plans

    async def _plan(
        self, nudge: NudgeSettings, decision: NudgeDecision, now: datetime
    ) -> NudgePlan:
        if not decision.send:
            return NudgePlan(nudge, decision.next_due)
        guild_id, user_id = nudge.guild_id, nudge.user_id
        items = await self._store.inbox.items(guild_id, user_id, now, older_than=NUDGE_ITEM_AGE)
        suggestion = None
        if await self._listening_nudge_due(nudge, now):
            suggestion = await self._store.inbox.suggestion(guild_id, user_id, now)
        return NudgePlan(
            nudge,
            decision.next_due,
            items=tuple(items[:NUDGE_ITEMS]),
            more_items=max(len(items) - NUDGE_ITEMS, 0),
            suggestion=suggestion,
        )

    async def _listening_nudge_due(self, nudge: NudgeSettings, now: datetime) -> bool:
        """At most once a week, for a member who broadcast over the last 7 days."""
        last = nudge.last_listening_at
        if last is not None and now - last < LISTENING_NUDGE_EVERY:
            return False
        rule = BroadcasterRule.from_defaults(self._settings.defaults)
        messages, replies, reactions = await self._store.inbox.week(
            nudge.guild_id, nudge.user_id, now - PROFILE_WINDOW, now
        )
        return rule.applies(messages, replies, reactions)
