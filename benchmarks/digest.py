"""First-digest benchmark: the digest turned on over a long imported history.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/digest.py [--messages N] [--members N] [--days N] [--seed N]

(``--rebuild`` builds the synthetic store afresh, ``--runs N`` sets how many times the
first digest is prepared, 3 by default.)

It reuses the synthetic guild of ``benchmarks/summary.py`` (defaults: 1,000,000 messages
over 90 days, 10,000 members, Europe/Rome) and its cached file, copied to a temporary
folder. On the copy, untimed, every day is summarised and stored once, as ``ascolto
import`` leaves an imported history (computed after the period, so every day is final),
and a manager turns the digest on. Then, at 09:00 the morning after the last day:

1. the first digest: :meth:`bot.digests.DigestService.prepare`, with the reminders
   service (its "Waiting now" and "Went unanswered"), ``--runs`` times from the same state
   (the claim of the posted day undone between runs). The days before the posted one
   were missed (the digest was off): they must be stored as final, which they already
   are, so none is computed again;
2. the baseline, in the same run: what the first digest cost before, when it computed
   every missed day again (:meth:`bot.summaries.SummaryService.recompute` for each), on
   top of the same preparation.

Before all that, on the copy with no summary stored yet, it times what ``/trend 90``
does after deferring (the summaries and day rollups that the cached store may hold are
dropped first): the guild's calendar, the 90 days' summaries (each one computed
and saved, since none is stored), and the chart drawn from them
(:func:`bot.render.chart.trend_chart`, which the command runs in a thread).

The stored summaries must be the same before and after the first digest (except the
posted day, computed afresh), and each run must prepare the same digest; if not, the
script exits with 1. Targets: the first digest within 1 s (median of the runs), and
``/trend 90`` with nothing stored within 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import summary  # benchmarks/summary.py: the synthetic guild and its cached store

from bot.analysis.days import day_start
from bot.analysis.digest_plan import latest_due_day, parse_post_time, plan_days
from bot.digests import DigestJob, DigestService
from bot.reminders import ReminderService
from bot.render.chart import ChartSpan, trend_chart
from bot.settings import Settings
from bot.store import Store
from bot.store.timers import Timer
from bot.summaries import SummaryService
from bot.timers import TimerDispatcher

TARGET_SECONDS = 1.0
TREND_DAYS = 90
TREND_TARGET_SECONDS = 2.0
RUNS = 3
POST_TIME = "09:00"
DIGEST_CHANNEL = 4242


async def _never_fired(timer: Timer) -> None:
    raise AssertionError(f"the benchmark starts no timer dispatcher, yet {timer.kind} fired")


def services(store: Store) -> tuple[SummaryService, DigestService]:
    """The bot's services on the store, with a timer dispatcher that is never started."""
    settings = Settings()
    dispatcher = TimerDispatcher(store.timers, _never_fired)
    summaries = SummaryService(store, settings.defaults)
    reminders = ReminderService(store, dispatcher, settings, summaries)
    return summaries, DigestService(store, dispatcher, summaries, reminders)


async def stored_days(store: Store, guild_id: int, first: date, last: date) -> dict[str, str]:
    """Each stored day's summary as JSON text, to compare before and after."""
    return {s.day: str(s.to_json()) for s in await store.summaries.stored(guild_id, first, last)}


async def undo_claim(store: Store, guild_id: int) -> None:
    """Forget the digest taken for posting, so that the next run prepares it again."""
    async with store.transaction() as db:
        await db.execute("DELETE FROM digest_posts WHERE guild_id = ?", (guild_id,))


def describe(job: DigestJob | None) -> tuple[object, ...]:
    """What a prepared digest says, to compare runs."""
    if job is None:
        return ()
    return (job.summary.to_json(), job.usual, tuple(s.day for s in job.trend), job.week)


async def forget_days(store: Store, guild_id: int) -> None:
    """Drop the guild's stored summaries and day rollups (the cached store may hold them
    from benchmarks/summary.py), so that ``/trend`` finds nothing stored."""
    async with store.transaction() as db:
        for table in ("daily_summaries", "activity_days", "member_days"):
            await db.execute(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))  # noqa: S608


async def trend(summaries: SummaryService, guild_id: int, now: datetime) -> tuple[float, int]:
    """Time ``/trend 90`` after its defer, with nothing stored: the calendar, the days'
    summaries, the chart; returns the seconds and how many days were summarised."""
    began = time.perf_counter()
    calendar = await summaries.guild_days(guild_id, now)
    span = calendar.last_days(TREND_DAYS)
    found = await summaries.read(calendar, span, now)
    chart_span = ChartSpan.observed_days(span.asked_first, span.last, calendar.first_observed)
    trend_chart(found, chart_span, guild_name="benchmark")
    return time.perf_counter() - began, len(found)


async def measure(path: Path, params: summary.Params, runs: int) -> int:
    """Store every day, turn the digest on, time the first digest and the baseline;
    returns the exit code."""
    guild_id, days = params.guild_id, params.days_list
    last = days[-1]
    imported_at = day_start(last + timedelta(days=1), summary.TIMEZONE) + timedelta(hours=1)
    now = day_start(last + timedelta(days=1), summary.TIMEZONE) + timedelta(hours=9)
    store = Store(path)
    await store.open()
    try:
        summaries, digests = services(store)
        await forget_days(store, guild_id)
        trend_seconds, trend_days = await trend(summaries, guild_id, now)
        print(
            f"trend     /trend {TREND_DAYS} with nothing stored: {trend_days} days summarised"
            f" and charted in {trend_seconds:.2f} s"
        )
        began = time.perf_counter()
        for day in days:
            await summaries.recompute(guild_id, day, summary.TIMEZONE, imported_at)
        stored_in = time.perf_counter() - began
        await digests.configure(guild_id, DIGEST_CHANNEL, POST_TIME, summary.TIMEZONE, now)
        print(
            f"setup     {len(days)} days summarised and stored as an import leaves them"
            f" ({stored_in:.1f} s, not timed); the digest turned on, due {now:%Y-%m-%d %H:%M} UTC"
        )
        before = await stored_days(store, guild_id, days[0], last - timedelta(days=1))
        seconds, jobs = [], []
        for _ in range(runs):
            await undo_claim(store, guild_id)
            began = time.perf_counter()
            jobs.append(await digests.prepare(guild_id, now))
            seconds.append(time.perf_counter() - began)
        after = await stored_days(store, guild_id, days[0], last - timedelta(days=1))
        await undo_claim(store, guild_id)
        plan = plan_days(
            latest_due_day(now, parse_post_time(POST_TIME), summary.TIMEZONE), days[0], None
        )
        began = time.perf_counter()
        for day in plan.store_only:
            await summaries.recompute(guild_id, day, summary.TIMEZONE, now)
        baseline_job = await digests.prepare(guild_id, now)
        baseline = time.perf_counter() - began
    finally:
        await store.close()
    median = statistics.median(seconds)
    print(
        f"first     the first digest ({plan.post}, {len(plan.store_only)} missed days before it):"
        f" {runs} run{'s' if runs != 1 else ''}, min {min(seconds) * 1000:,.0f} /"
        f" median {median * 1000:,.0f} / max {max(seconds) * 1000:,.0f} ms"
    )
    print(
        f"baseline  every missed day computed again, then the same digest: {baseline:.2f} s,"
        f" {baseline / max(median, 1e-6):,.1f}x"
    )
    met = median <= TARGET_SECONDS
    trend_met = trend_seconds <= TREND_TARGET_SECONDS
    print(
        f"target    first digest <= {TARGET_SECONDS:.0f} s: {summary.verdict(met)}"
        f"   /trend {TREND_DAYS} nothing stored <= {TREND_TARGET_SECONDS:.0f} s:"
        f" {summary.verdict(trend_met)}"
    )
    same_days = before == after
    same_jobs = all(describe(job) == describe(jobs[0]) for job in [*jobs, baseline_job])
    if not same_days:
        print("CHECK     the first digest changed stored summaries of settled days")
    if not same_jobs or jobs[0] is None:
        print("CHECK     the runs (or the baseline) prepared different digests, or none")
    return 0 if same_days and same_jobs and jobs[0] is not None else 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the first digest after turning it on over a long imported history."
    )
    summary.add_store_arguments(parser)
    parser.add_argument("--rebuild", action="store_true", help="build the store even if cached")
    parser.add_argument("--runs", type=int, default=RUNS, help="first digests timed (default 3)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.days < 2:
        parser.error("--runs must be positive and --days at least 2")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Copy the cached store, store its days, time the first digest; 1 on a mismatch."""
    args = parse_args(argv)
    params = summary.params_of(args)
    cached, build_seconds, reused = summary.cached_store(params, args.rebuild)
    print(
        f"store     {cached.name} ({'reused' if reused else 'built'}: its build took"
        f" {build_seconds:.1f} s), copied; {args.messages:,} messages over {args.days} days"
    )
    with summary.working_copy(cached, "digest") as path:
        return asyncio.run(measure(path, params, args.runs))


if __name__ == "__main__":
    sys.exit(main())
