"""Digest timing and day planning, on hand-picked dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.analysis.digest_plan import (
    DigestPlan,
    due_at,
    is_weekly_day,
    latest_due_day,
    next_due,
    parse_post_time,
    plan_days,
    week_totals,
)
from bot.analysis.summary import DailySummary


@pytest.mark.parametrize("text", ["9:00", "24:00", "09:60", "nine", "", "09:00:00"])
def test_bad_post_times_say_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_post_time(text)


def test_post_time() -> None:
    assert parse_post_time(" 07:30 ") == time(7, 30)


def test_the_digest_of_a_day_is_due_the_next_local_morning() -> None:
    assert due_at(date(2026, 3, 1), time(9), "Europe/Rome") == datetime(2026, 3, 2, 8, tzinfo=UTC)
    # Across the spring DST change, 09:00 in Rome is 07:00 UTC.
    assert due_at(date(2026, 3, 29), time(9), "Europe/Rome") == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_latest_and_next_due() -> None:
    before_nine = datetime(2026, 3, 2, 7, 59, tzinfo=UTC)  # 08:59 in Rome
    after_nine = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    assert latest_due_day(before_nine, time(9), "Europe/Rome") == date(2026, 2, 28)
    assert latest_due_day(after_nine, time(9), "Europe/Rome") == date(2026, 3, 1)
    assert next_due(before_nine, time(9), "Europe/Rome") == (
        date(2026, 3, 1),
        datetime(2026, 3, 2, 8, tzinfo=UTC),
    )


def test_plan_posts_the_latest_day_and_stores_missed_ones() -> None:
    plan = plan_days(
        date(2026, 3, 5), first_observed=date(2026, 3, 1), last_posted=date(2026, 3, 2)
    )

    assert plan == DigestPlan(
        post=date(2026, 3, 5), store_only=(date(2026, 3, 3), date(2026, 3, 4))
    )


def test_plan_never_speaks_of_days_before_the_bot_arrived_or_posts_twice() -> None:
    assert plan_days(date(2026, 3, 1), date(2026, 3, 2), None) == DigestPlan(None, ())
    assert plan_days(date(2026, 3, 2), None, None) == DigestPlan(None, ())
    assert plan_days(date(2026, 3, 2), date(2026, 3, 1), date(2026, 3, 2)) == DigestPlan(None, ())
    assert plan_days(date(2026, 3, 2), date(2026, 3, 2), None) == DigestPlan(date(2026, 3, 2), ())


def test_the_monday_digest_is_weekly() -> None:
    assert is_weekly_day(date(2026, 3, 1))  # a Sunday, posted on Monday
    assert not is_weekly_day(date(2026, 3, 2))


def test_week_totals_sum_counts_and_recompute_ratios() -> None:
    def day(n: int, **fields: object) -> DailySummary:
        return DailySummary(
            guild_id=1, day=f"2026-03-0{n}", timezone="UTC", computed_at="x", **fields
        )  # type: ignore[arg-type]

    week = week_totals(
        [
            day(
                1,
                messages=10,
                replies=4,
                reactions=2,
                questions=2,
                questions_answered=1,
                network_size=5,
                median_first_response_seconds=60.0,
                active_members=4,
                reminders_sent=3,
                reminders_followed=1,
            ),
            day(
                2,
                messages=0,
                replies=0,
                reactions=0,
                network_size=6,
                active_members=2,
                reminders_sent=2,
                reminders_followed=2,
            ),
        ]
    )

    assert (week.messages, week.replies, week.reactions) == (10, 4, 2)
    assert week.listening_ratio == 0.5
    assert (week.questions, week.questions_answered, week.response_rate) == (2, 1, 0.5)
    assert week.network_size == 6
    assert week.active_members == 3
    assert week.median_first_response_seconds == 60.0
    assert (week.reminders_sent, week.reminders_followed) == (5, 3)


def test_a_week_counts_its_distinct_members_when_given() -> None:
    days = [
        DailySummary(
            guild_id=1, day=f"2026-03-0{n}", timezone="UTC", computed_at="x", active_members=2
        )
        for n in range(1, 8)
    ]

    assert week_totals(days).active_members == 2  # the rounded daily average
    assert week_totals(days, active_members=9).active_members == 9
