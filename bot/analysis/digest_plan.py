"""When digests fall due and which days they speak of: pure calendar logic."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.analysis.summary import DailySummary, ratio
from bot.render.text import quoted

_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_post_time(text: str) -> time:
    """A local time written ``HH:MM`` (24-hour); raises ValueError saying what is expected."""
    match = _HH_MM.match(text.strip())
    if match is None:
        raise ValueError(f"{quoted(text)} is not a time of day written as HH:MM, for example 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def due_at(day: date, post_time: time, timezone: str) -> datetime:
    """When the digest of ``day`` is due: ``post_time`` on the following local day, in UTC.

    A time that does not exist that day (skipped by a DST change) moves forward.
    """
    local = datetime.combine(day + timedelta(days=1), post_time, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def latest_due_day(now: datetime, post_time: time, timezone: str) -> date:
    """The most recent day whose digest was due at or before ``now``."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    day = today - timedelta(days=1)
    while due_at(day, post_time, timezone) > now:
        day -= timedelta(days=1)
    return day


def next_due(now: datetime, post_time: time, timezone: str) -> tuple[date, datetime]:
    """The next digest after ``now``: (the day it speaks of, when it is due)."""
    day = latest_due_day(now, post_time, timezone) + timedelta(days=1)
    return day, due_at(day, post_time, timezone)


@dataclass(frozen=True, slots=True)
class DigestPlan:
    """What one firing of the digest timer does."""

    post: date | None  # the day whose digest is posted, if any
    store_only: tuple[date, ...]  # older missed days: computed and stored, not posted


def plan_days(
    latest_due: date, first_observed: date | None, last_posted: date | None
) -> DigestPlan:
    """Post the most recent due day; compute the missed days before it without posting.

    Days before the bot first observed the guild are never spoken of, and a day
    already posted is never posted again.
    """
    if first_observed is None or latest_due < first_observed:
        return DigestPlan(post=None, store_only=())
    if last_posted is not None and latest_due <= last_posted:
        return DigestPlan(post=None, store_only=())
    start = (
        first_observed if last_posted is None else max(first_observed, last_posted + timedelta(1))
    )
    missed = []
    day = start
    while day < latest_due:
        missed.append(day)
        day += timedelta(days=1)
    return DigestPlan(post=latest_due, store_only=tuple(missed))


def is_weekly_day(post_day: date) -> bool:
    """The digest posted on Monday (speaking of Sunday) adds the weekly section."""
    return (post_day + timedelta(days=1)).weekday() == 0


def week_totals(days: list[DailySummary], active_members: int | None = None) -> DailySummary:
    """A week as one record: counts summed, ratios from the sums, network at the end.

    ``active_members`` is the week's distinct active members, which the days cannot add
    up (the same people come back day after day); without it, the rounded daily average.
    """
    if not days:
        raise ValueError("a week needs at least one day")
    last = days[-1]

    def total(name: str) -> int:
        return sum(int(getattr(day, name)) for day in days)

    messages, replies, reactions = total("messages"), total("replies"), total("reactions")
    questions, answered = total("questions"), total("questions_answered")
    medians = sorted(
        day.median_first_response_seconds
        for day in days
        if day.median_first_response_seconds is not None
    )
    week = replace(
        last,
        day=f"{days[0].day}..{last.day}",
        messages=messages,
        active_members=(
            round(total("active_members") / len(days)) if active_members is None else active_members
        ),
        new_members=total("new_members"),
        conversation_starters=messages - replies,
        replies=replies,
        reactions=reactions,
        listening_ratio=ratio(replies + reactions, messages + reactions),
        questions=questions,
        questions_answered=answered,
        unanswered_questions=questions - answered,
        response_rate=ratio(answered, questions),
        median_first_response_seconds=medians[len(medians) // 2] if medians else None,
        active_connections=total("active_connections"),
        new_connections=total("new_connections"),
        reciprocal_connections=total("reciprocal_connections"),
        newcomer_first_messages=total("newcomer_first_messages"),
        newcomers_answered=total("newcomers_answered"),
        reminders_sent=total("reminders_sent"),
        reminders_followed=total("reminders_followed"),
        top_connectors=(),
        broadcasters=(),
        top_conversations=(),
    )
    return _inferred_totals(week, days)


def _inferred_totals(week: DailySummary, days: list[DailySummary]) -> DailySummary:
    """The week with its inferred-reply figures summed from the days' (docs/metrics.md),
    all None when a day does not know them (stored before they existed): a partial sum
    is no total."""
    if any(day.inferred_replies is None for day in days):
        return replace(
            week,
            inferred_replies=None,
            listening_ratio_inferred=None,
            questions_answered_inferred=None,
            response_rate_inferred=None,
            new_connections_inferred=None,
        )
    inferred = sum(day.inferred_replies or 0 for day in days)
    answered = sum(day.questions_answered_inferred or 0 for day in days)
    return replace(
        week,
        inferred_replies=inferred,
        listening_ratio_inferred=ratio(
            week.replies + inferred + week.reactions, week.messages + week.reactions
        ),
        questions_answered_inferred=answered,
        response_rate_inferred=ratio(answered, week.questions),
        new_connections_inferred=sum(day.new_connections_inferred or 0 for day in days),
    )
