"""The timer dispatcher: one task sleeps until the earliest stored timer, then fires it.

Timers are rows (:mod:`bot.store.timers`), so they survive restarts: a timer that
fell due while the bot was down fires as soon as the dispatcher starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.store.timers import Timer, TimerQueries

__all__ = ["TimerDispatcher"]

log = logging.getLogger(__name__)

# Never sleep longer than this in one go: the wall clock may drift from the loop's
# monotonic clock, and a timer added by another process is picked up in time.
MAX_SLEEP_SECONDS = 3600.0
# After an unexpected failure (say the database is locked), wait this long to retry.
RETRY_SECONDS = 30.0


class TimerDispatcher:
    """Fires stored timers when they fall due, each at most once, oldest first."""

    def __init__(
        self,
        queries: TimerQueries,
        fire: Callable[[Timer], Awaitable[None]],
        *,
        max_sleep: float = MAX_SLEEP_SECONDS,
        retry_delay: float = RETRY_SECONDS,
    ) -> None:
        self._queries = queries
        self._fire = fire
        self._max_sleep = max_sleep
        self._retry_delay = retry_delay
        self._task: asyncio.Task[None] | None = None
        # While sleeping: the sleep itself (cancelled to wake early) and when it ends.
        self._sleeper: asyncio.Task[None] | None = None
        self._sleeping_until: datetime | None = None
        # Set by notify() while the loop is reading or firing, so that it reads again
        # before it sleeps instead of missing a timer added meanwhile.
        self._woken = False

    @property
    def running(self) -> bool:
        """Whether the dispatcher's task is alive."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the dispatcher's task; timers already overdue fire at once."""
        if self.running:
            raise RuntimeError("the timer dispatcher is already running")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="timer-dispatcher")
        self._task.add_done_callback(_log_unexpected_end)

    async def stop(self) -> None:
        """Cancel the task and wait until it has ended."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    def notify(self, due_at: datetime) -> None:
        """A timer was scheduled for ``due_at``: wake the dispatcher if that is sooner."""
        self._woken = True
        sleeper, until = self._sleeper, self._sleeping_until
        if sleeper is not None and until is not None and due_at < until:
            sleeper.cancel()

    async def _run(self) -> None:
        while True:
            try:
                await self._step()
            except Exception:
                log.exception("timer dispatcher failed; retrying in %g s", self._retry_delay)
                await asyncio.sleep(self._retry_delay)

    async def _step(self) -> None:
        """Fire what is due, or sleep until the next timer (or a notify) instead."""
        self._woken = False
        timer = await self._queries.earliest()
        now = utcnow()
        if timer is not None and timer.due_at <= now:
            await self._fire_due(now)
            return
        delay = self._max_sleep
        if timer is not None:
            delay = min(delay, (timer.due_at - now).total_seconds())
        if self._woken:
            return
        await self._sleep(delay, until=now + timedelta(seconds=delay))

    async def _sleep(self, delay: float, *, until: datetime) -> None:
        # A plain sleep in a child task, cancelled by notify(), rather than waiting on
        # an Event with a timeout: SimCord's simulated clock recognises a sleep (and a
        # task waiting for one) as idle, but treats a pending Event.wait() as stuck.
        sleeper = asyncio.get_running_loop().create_task(asyncio.sleep(delay))
        self._sleeper, self._sleeping_until = sleeper, until
        try:
            await asyncio.wait((sleeper,))
        finally:
            self._sleeper = self._sleeping_until = None
            sleeper.cancel()

    async def _fire_due(self, now: datetime) -> None:
        # Each row is deleted before it fires, so a timer fires at most once even if
        # firing fails or the bot stops half-way.
        while (timer := await self._queries.pop_due(now)) is not None:
            try:
                await self._fire(timer)
            except Exception:
                # Only ids: payloads may hold member data.
                log.exception("timer %d (%s) failed to fire", timer.timer_id, timer.kind)


def _log_unexpected_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the timer dispatcher stopped", exc_info=task.exception())
