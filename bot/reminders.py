"""Reminders: the pass that alerts the team and DMs members, and what turns them on.

One stored timer (``reminders``, no guild) fires every ``[reminders]
check_interval_seconds`` while there is anything to watch; the reminders cog runs the
pass and schedules the next one first, so that a failing pass never stops the loop.
Everything the pass decides is a row (alert claims, reminders sent, each member's next
DM), so a restart neither repeats nor loses one. The service decides and keeps the
rows; the cogs only talk to Discord and report back what it did.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.analysis.nudge_plan import NudgeDecision, QuietHours, decide, first_due
from bot.settings import Settings
from bot.store import Store
from bot.store.alerts import AlertItem, AlertSettings, Board, BoardPost, WaitingNow
from bot.store.inbox import DM_CLOSED, InboxItem, NudgeSettings, Suggestion
from bot.store.places import StoredThread
from bot.summaries import SummaryService
from bot.timers import TimerDispatcher

REMINDER_TIMER = "reminders"
NUDGE_ITEMS = 5  # open inbox items listed in a DM
NUDGE_ITEM_AGE = timedelta(hours=4)  # an item is listed once it waited this long
# Questions to answer read at once for a listening nudge: the first the member can open
# is offered, so a few in places they cannot open do not leave them without one.
QUESTION_CANDIDATES = 5
LISTENING_NUDGE_EVERY = timedelta(days=7)
PROFILE_WINDOW = timedelta(days=7)
BOARD_LISTED = 10  # items listed on a board; the rest are counted
EMPTY_BOARD = Board(0, 0, ())


# Where a message was posted: its channel (a thread's parent) and its thread, if any.
Place = tuple[int, int | None]


class Readable(Protocol):
    """Which places a member can open, one answer per place: only a front end that
    knows Discord's permissions can tell (the reminders cog does)."""

    async def __call__(self, nudge: NudgeSettings, places: Sequence[Place], /) -> Sequence[bool]:
        """For each of ``places``, whether the nudge's member can open it."""
        ...


@dataclass(frozen=True, slots=True)
class BoardWork:
    """What one guild's board must become in this pass."""

    guild_id: int
    channel_id: int | None  # where the board belongs; None when alerts are off
    board: Board  # what it shows: the announced items still open
    current: BoardPost | None  # the live board in that channel, if there is one
    stale: tuple[BoardPost, ...]  # other live messages, to be told they moved
    arrived: int = 0  # items claimed in this pass


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


@dataclass(frozen=True, slots=True)
class NudgesOn:
    """A member's daily DM, just turned on, with the guild's quiet hours (which may
    delay it)."""

    hour: int
    timezone: str
    first_due: datetime
    quiet: QuietHours | None = None


class ReminderService:
    """Alerts, inboxes and nudges: schedules the reminder pass, decides what it posts,
    sends and marks, and records what Discord did."""

    def __init__(
        self,
        store: Store,
        dispatcher: TimerDispatcher,
        settings: Settings,
        summaries: SummaryService,
    ) -> None:
        self._store = store
        self._summaries = summaries
        self._dispatcher = dispatcher
        self._settings = settings
        self._interval = timedelta(seconds=settings.reminders.check_interval_seconds)

    # The pass's timer

    async def resume(self, now: datetime) -> None:
        """At start-up: make sure a pass is scheduled if one is needed (an overdue one
        runs at once)."""
        await self._wake(now - self._interval)

    async def schedule_next(self, now: datetime) -> datetime | None:
        """Schedule the pass after the one starting at ``now``, if there is anything to
        watch; an idle bot (no alerts, no nudges, no answer awaited) runs no pass until
        something is turned on."""
        if not await self._store.alerts.watching(now, self.expire_days):
            await self._store.timers.cancel(REMINDER_TIMER, None)
            return None
        due = now + self._interval
        await self._store.timers.schedule(REMINDER_TIMER, None, due, {})
        self._dispatcher.notify(due)
        return due

    async def _wake(self, now: datetime) -> None:
        """Something to watch was turned on: schedule a pass unless one is scheduled.
        Every method that turns something on ends here, so no front end can forget."""
        if await self._store.timers.get(REMINDER_TIMER, None) is None:
            await self.schedule_next(now)

    # Alerts to the team (managers)

    async def turn_alerts_on(
        self,
        guild_id: int,
        channel_id: int,
        now: datetime,
        *,
        after_minutes: int | None = None,
        newcomer_after_minutes: int | None = None,
    ) -> AlertSettings:
        """Post the guild's alerts in a channel; minutes left out keep their current
        value, else ``[defaults]``'s. Returns the settings now in force."""
        current = await self._store.alerts.settings(guild_id)
        defaults = self._settings.defaults
        if after_minutes is None:
            after_minutes = current.after_minutes if current else defaults.alert_after_minutes
        if newcomer_after_minutes is None:
            newcomer_after_minutes = (
                current.newcomer_after_minutes if current else defaults.newcomer_alert_after_minutes
            )
        settings = await self._store.alerts.configure(
            guild_id, channel_id, after_minutes, newcomer_after_minutes, now
        )
        await self._wake(now)
        return settings

    async def turn_alerts_off(self, guild_id: int) -> bool:
        """Stop the guild's alerts; whether they were on."""
        return await self._store.alerts.disable(guild_id)

    @property
    def expire_days(self) -> int:
        """Days an item waits on the board (and in ``/unanswered``) before it expires."""
        return self._settings.defaults.alert_expire_days

    async def unanswered(
        self,
        guild_id: int,
        now: datetime,
        *,
        channel_id: int | None = None,
        older_than: timedelta = timedelta(0),
        expired: bool = False,
    ) -> list[AlertItem]:
        """The questions and newcomers' first messages that wait, oldest first; with
        ``expired``, those that expired in the last 90 days with no response
        (``/unanswered``)."""
        return await self._store.alerts.unanswered(
            guild_id,
            now,
            self.expire_days,
            channel_id=channel_id,
            older_than=older_than,
            expired=expired,
        )

    async def waiting_now(self, guild_id: int, now: datetime) -> WaitingNow:
        """How many items wait now, and since when the oldest (the digest)."""
        return await self._store.alerts.waiting_now(guild_id, now, self.expire_days)

    async def went_unanswered(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[AlertItem]:
        """The items that expired in ``[start, end)`` with no response (the digest)."""
        return await self._store.alerts.went_unanswered(guild_id, start, end, self.expire_days)

    async def alert_boards(self, now: datetime) -> list[BoardWork]:
        """One reminder pass for the boards: claim each guild's items that fell due,
        note what got answered (DM items too), and say what each board must show and
        which older messages must stop claiming that something waits."""
        enabled = {s.guild_id: s for s in await self._store.alerts.enabled()}
        arrived: dict[int, int] = {}
        for settings in enabled.values():
            claim = await self._store.alerts.claim_due(settings, now, self.expire_days)
            if claim is not None:
                arrived[settings.guild_id] = len(claim.items)
        # The board's items and the DMs' in one check (it moves the shared mark).
        await self._store.alerts.record_answers(now, self.expire_days)
        live: dict[int, list[BoardPost]] = {}
        for post in await self._store.alerts.live_posts():
            live.setdefault(post.guild_id, []).append(post)
        work = []
        for guild_id in sorted(enabled.keys() | live.keys()):
            posts = live.get(guild_id, [])
            on = enabled.get(guild_id)
            if on is None:
                # Alerts off: every live message says so and is retired.
                work.append(BoardWork(guild_id, None, EMPTY_BOARD, None, tuple(posts)))
                continue
            boards = [p for p in posts if p.board and p.channel_id == on.channel_id]
            current = boards[-1] if boards else None
            board = await self._store.alerts.board(guild_id, now, self.expire_days, BOARD_LISTED)
            work.append(
                BoardWork(
                    guild_id,
                    on.channel_id,
                    board,
                    current,
                    tuple(p for p in posts if p is not current),
                    arrived.get(guild_id, 0),
                )
            )
        return work

    async def board_posted(
        self, work: BoardWork, message_id: int, shown: str, now: datetime
    ) -> None:
        """A fresh board went out as ``message_id``, showing ``shown``."""
        assert work.channel_id is not None  # a board is posted only where alerts go
        await self._store.alerts.board_posted(
            work.guild_id, work.channel_id, message_id, shown, now
        )

    async def board_shown(self, post: BoardPost, shown: str) -> None:
        """The board was edited to show ``shown``."""
        await self._store.alerts.board_shown(post.post_id, shown)

    async def boards_retired(self, posts: Collection[BoardPost], now: datetime) -> None:
        """These messages no longer claim anything waits (edited to say so, or gone)."""
        await self._store.alerts.retire([post.post_id for post in posts], now)

    # Members' inboxes and daily DMs

    async def alert_settings(self, guild_id: int) -> AlertSettings | None:
        """The guild's alerts set-up, if a manager ever made one."""
        return await self._store.alerts.settings(guild_id)

    async def quiet_hours(self, guild_id: int) -> QuietHours | None:
        """The hours when no DM goes out in this guild, if set."""
        return await self._store.guild_config.quiet_hours(guild_id)

    async def set_quiet_hours(self, guild_id: int, quiet: QuietHours | None) -> None:
        """Set (or, with None, clear) the guild's quiet hours."""
        await self._store.guild_config.set_quiet_hours(guild_id, quiet)

    async def timezone(self, guild_id: int) -> str:
        """The guild's time zone: its digest's, else the configured default."""
        return await self._summaries.timezone(guild_id)

    async def inbox(self, guild_id: int, user_id: int, now: datetime) -> list[InboxItem]:
        """The member's open items of the last 7 days, newest first (``/inbox``)."""
        return await self._store.inbox.items(guild_id, user_id, now)

    async def stored_threads(
        self, guild_id: int, thread_ids: Collection[int]
    ) -> dict[int, StoredThread]:
        """What the store knows of threads Discord's cache forgot (private or not, owner),
        for deciding who may read an item from one."""
        return await self._store.places.threads(guild_id, thread_ids)

    async def mark_done(self, guild_id: int, user_id: int, message_id: int, now: datetime) -> None:
        """The member dealt with an item: it leaves their inbox."""
        await self._store.inbox.mark_done(guild_id, user_id, message_id, now)

    async def nudges(self, guild_id: int, user_id: int) -> NudgeSettings | None:
        """The member's daily DM settings, if they ever turned it on."""
        return await self._store.inbox.nudges(guild_id, user_id)

    async def turn_nudges_on(
        self, guild_id: int, user_id: int, hour: int | None, now: datetime
    ) -> NudgesOn:
        """Turn the member's daily DM on, at a local ``hour`` (None: the guild's digest
        hour, else ``[defaults] nudge_hour``)."""
        if hour is None:
            hour = await self._default_nudge_hour(guild_id)
        zone = await self.timezone(guild_id)
        quiet = await self._store.guild_config.quiet_hours(guild_id)
        first = first_due(now, hour, zone, quiet)
        await self._store.inbox.nudges_on(guild_id, user_id, hour, first, now)
        await self._wake(now)
        return NudgesOn(hour, zone, first, quiet)

    async def turn_nudges_off(self, guild_id: int, user_id: int, now: datetime) -> bool:
        """Turn the member's daily DM off; whether it was on."""
        return await self._store.inbox.nudges_off(guild_id, user_id, now)

    async def prepare_nudges(
        self, now: datetime, readable: Readable | None = None
    ) -> list[NudgePlan]:
        """The DMs due now that have something to say; those with nothing to say (or that
        may not go out now) move to their next time instead. With ``readable``, a DM
        lists only what its member can open (see :meth:`plan_nudges`)."""
        plans = await self.plan_nudges(await self._store.inbox.due_nudges(now), now, readable)
        for plan in plans:
            if not plan.send:
                await self.nudge_not_sent(plan)
        return [plan for plan in plans if plan.send]

    async def nudge_sent(self, plan: NudgePlan, now: datetime) -> None:
        """The DM went out: record a reminder per item (and the listening nudge, with the
        question it offered), so that no later DM lists them again."""
        nudge = plan.nudge
        await self._store.inbox.sent(
            nudge.guild_id,
            nudge.user_id,
            now,
            plan.next_due,
            list(plan.items),
            suggestion=plan.suggestion,
        )

    async def nudge_not_sent(self, plan: NudgePlan) -> None:
        """No DM this time (nothing to say, the member left, Discord failed): try again
        at the next due time."""
        await self._store.inbox.reschedule(plan.nudge.guild_id, plan.nudge.user_id, plan.next_due)

    async def nudge_refused(self, plan: NudgePlan, now: datetime) -> None:
        """Discord refused the DM (closed DMs): stop, and say why in ``/nudges status``."""
        nudge = plan.nudge
        await self._store.inbox.nudges_off(nudge.guild_id, nudge.user_id, now, reason=DM_CLOSED)

    async def plan_nudges(
        self, nudges: list[NudgeSettings], now: datetime, readable: Readable | None = None
    ) -> list[NudgePlan]:
        """What each due DM says, if it may go out now (one a day per member, across
        guilds, and never in the guild's quiet hours).

        A DM says only what is new: the items no earlier DM listed, and a question to
        answer never offered before. An item or question in a place ``readable`` says
        the member cannot open is left out, before the DM's items are counted: Discord
        does not tell a member about messages there either, and they could not open
        them to answer. What every due DM of a guild needs (settings, items, the
        members' weeks) is read once for the guild, not once per member."""
        by_guild: dict[int, list[NudgeSettings]] = {}
        for nudge in nudges:
            by_guild.setdefault(nudge.guild_id, []).append(nudge)
        plans: dict[tuple[int, int], NudgePlan] = {}
        for guild_id, members in by_guild.items():
            zone = await self.timezone(guild_id)
            quiet = await self._store.guild_config.quiet_hours(guild_id)
            decided = [(n, decide(now, n.hour, zone, quiet, n.last_dm_at)) for n in members]
            for nudge, decision in decided:
                if not decision.send:
                    plans[nudge.guild_id, nudge.user_id] = NudgePlan(nudge, decision.next_due)
            sending = [(n, d) for n, d in decided if d.send]
            if sending:
                for plan in await self._plan_guild(guild_id, sending, now, readable):
                    plans[plan.nudge.guild_id, plan.nudge.user_id] = plan
        return [plans[n.guild_id, n.user_id] for n in nudges]

    async def _default_nudge_hour(self, guild_id: int) -> int:
        """The guild's digest hour, else ``[defaults] nudge_hour``."""
        digest = await self._store.digests.settings(guild_id)
        if digest is not None and digest.enabled:
            return int(digest.post_time[:2])
        return self._settings.defaults.nudge_hour

    async def _plan_guild(
        self,
        guild_id: int,
        sending: list[tuple[NudgeSettings, NudgeDecision]],
        now: datetime,
        readable: Readable | None,
    ) -> list[NudgePlan]:
        """The DMs of one guild that may go out now: their items, and for members who
        only broadcast this week (at most once a week each), a question to answer."""
        members = [nudge.user_id for nudge, _ in sending]
        items = await self._store.inbox.unlisted_items(guild_id, members, now, NUDGE_ITEM_AGE)
        weekly = [nudge.user_id for nudge, _ in sending if self._listening_nudge_may(nudge, now)]
        # A member with fewer messages than a broadcaster has is no broadcaster: left out
        # before their week is read in full.
        rule = self._summaries.rule
        weeks = (
            await self._store.inbox.weeks(
                guild_id, weekly, now - PROFILE_WINDOW, now, at_least=rule.min_messages
            )
            if weekly
            else {}
        )
        newcomers: list[int] | None = None
        plans = []
        for nudge, decision in sending:
            questions: list[Suggestion] = []
            week = weeks.get(nudge.user_id)
            if week is not None and rule.applies(*week):
                if newcomers is None:  # the same for every member: read once, if needed
                    newcomers = await self._store.inbox.newcomers_open_questions(
                        guild_id, now, self.expire_days
                    )
                questions = await self._store.inbox.questions_to_answer(
                    guild_id, nudge.user_id, now, QUESTION_CANDIDATES, newcomers, self.expire_days
                )
            mine = items.get(nudge.user_id, [])
            plans.append(await self._plan(nudge, decision, mine, questions, readable))
        return plans

    async def _plan(
        self,
        nudge: NudgeSettings,
        decision: NudgeDecision,
        items: list[InboxItem],
        questions: list[Suggestion],
        readable: Readable | None,
    ) -> NudgePlan:
        """One DM from what was read for it, less what its member cannot open."""
        if readable is not None and (items or questions):
            places = [(i.channel_id, i.thread_id) for i in items]
            places += [(q.channel_id, q.thread_id) for q in questions]
            can_open = list(await readable(nudge, places))
            questions = [q for q, ok in zip(questions, can_open[len(items) :], strict=True) if ok]
            items = [i for i, ok in zip(items, can_open[: len(items)], strict=True) if ok]
        return NudgePlan(
            nudge,
            decision.next_due,
            items=tuple(items[:NUDGE_ITEMS]),
            more_items=max(len(items) - NUDGE_ITEMS, 0),
            suggestion=questions[0] if questions else None,
        )

    @staticmethod
    def _listening_nudge_may(nudge: NudgeSettings, now: datetime) -> bool:
        """A listening nudge goes out at most once a week (whether the member only
        broadcast is read for those it may go to)."""
        last = nudge.last_listening_at
        return last is None or now - last >= LISTENING_NUDGE_EVERY
