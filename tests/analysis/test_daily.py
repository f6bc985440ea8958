"""A day's summary from the store's rows, on rows built by hand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.daily import Asked, DayRows, MemberWeek, daily_summary
from bot.analysis.summary import Broadcaster, TopConnector, ratio

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)


def asked(
    wait: timedelta | None,
    *,
    question: bool = True,
    newcomer: bool = False,
    replied: bool = False,
) -> Asked:
    """A message asked at 09:00, answered ``wait`` later (None: not answered)."""
    return Asked(
        asked_at=NINE,
        is_question=question,
        newcomer_first=newcomer,
        first_response=None if wait is None else NINE + wait,
        newcomer_replied=replied,
    )


def rows(**fields: Any) -> DayRows:
    """The rows of 2 March 2026, with the fields given; the rest as on a day without data."""
    return DayRows(1000, date(2026, 3, 2), "UTC", "2026-03-03T09:00:00.000Z", **fields)


def test_a_day_without_rows_has_zeros_and_no_ratios() -> None:
    summary = daily_summary(rows())

    assert (summary.day, summary.messages, summary.questions) == ("2026-03-02", 0, 0)
    assert summary.listening_ratio is None
    assert summary.response_rate is None
    assert summary.median_first_response_seconds is None
    assert summary.is_quiet


def test_talk_and_listening_come_from_the_day_totals() -> None:
    summary = daily_summary(rows(messages=10, replies=4, reactions=6, active_members=3))

    assert summary.conversation_starters == 6
    assert summary.listening_ratio == 0.625  # (4 + 6) / (10 + 6), as docs/metrics.md shows


def test_questions_their_answers_and_the_median_wait() -> None:
    day = rows(
        asked=(
            asked(timedelta(minutes=10)),
            asked(timedelta(minutes=30)),
            asked(timedelta(hours=30)),  # answered late: still answered
            asked(None),
        )
    )

    summary = daily_summary(day)

    assert (summary.questions, summary.questions_answered) == (4, 3)
    assert summary.unanswered_questions == 1
    assert summary.response_rate == 0.75
    assert summary.median_first_response_seconds == 30 * 60


def test_a_newcomer_is_answered_by_a_response_or_a_reply_within_a_day() -> None:
    day = rows(
        asked=(
            asked(timedelta(hours=24), question=False, newcomer=True),
            asked(timedelta(hours=25), question=False, newcomer=True),
            asked(None, question=False, newcomer=True, replied=True),
            asked(None, question=True, newcomer=True),  # a first message that asks
        )
    )

    summary = daily_summary(day)

    assert (summary.newcomer_first_messages, summary.newcomers_answered) == (4, 2)
    # Only the question counts as a question; it has no response.
    assert (summary.questions, summary.questions_answered) == (1, 0)


def test_the_store_lists_keep_their_order_and_broadcasters_get_a_rounded_ratio() -> None:
    connectors = (TopConnector(12, "bea", 3), TopConnector(11, None, 2))
    weeks = (MemberWeek(13, "cai", 401, 80, 401), MemberWeek(14, None, 9, 1, 9))

    summary = daily_summary(rows(top_connectors=connectors, broadcasters=weeks))

    assert summary.top_connectors == connectors
    assert summary.broadcasters == (
        Broadcaster(13, "cai", 401, 0.2),  # 0.1995: below 0.2, shown rounded
        Broadcaster(14, None, 9, 0.111),
    )


# Rounding: once, halves up, for display


def test_ratios_round_to_3_decimals_with_halves_up() -> None:
    assert ratio(1, 16) == 0.063  # 0.0625: Python's round() made it 0.062, SQLite's 0.063
    assert ratio(3, 16) == 0.188  # 0.1875
    assert ratio(1, 3) == 0.333
    assert ratio(2, 3) == 0.667
    assert ratio(80, 401) == 0.2
    assert ratio(0, 7) == 0.0
    assert ratio(3, 0) is None


def test_the_day_and_its_broadcasters_round_a_half_alike() -> None:
    week = MemberWeek(13, "cai", messages=16, listening=1, activity=16)

    summary = daily_summary(rows(messages=16, replies=1, broadcasters=(week,)))

    assert summary.listening_ratio == summary.broadcasters[0].listening_ratio == 0.063


def test_who_is_a_broadcaster_is_decided_on_the_exact_ratio() -> None:
    rule = BroadcasterRule(min_messages=5, max_ratio=0.2)

    assert rule.applies(messages=401, replies=80, reactions=0)  # 0.1995, rounds to 0.2
    assert not rule.applies(messages=400, replies=80, reactions=0)  # exactly 0.2
    assert not rule.applies(messages=4, replies=0, reactions=0)  # too few messages
    assert BroadcasterRule(5, 0.3332).applies(6, 2, 0) is False  # 0.3333, rounds to 0.333
    assert not BroadcasterRule(0, 0.2).applies(0, 0, 0)  # nothing to divide


def test_inferred_replies_count_as_replies_in_the_inferred_figures_only() -> None:
    summary = daily_summary(
        rows(
            messages=10,
            replies=2,
            reactions=6,
            inferred_replies=3,
            new_connections=1,
            new_connections_inferred=4,
        )
    )

    assert (summary.replies, summary.conversation_starters) == (2, 8)  # unchanged
    assert summary.listening_ratio == 0.5  # (2 + 6) / (10 + 6)
    assert summary.inferred_replies == 3
    assert summary.listening_ratio_inferred == 0.688  # (2 + 3 + 6) / 16 = 0.6875, half up
    assert (summary.new_connections, summary.new_connections_inferred) == (1, 4)


def test_an_inferred_response_answers_a_question_in_the_inferred_figures_only() -> None:
    inferred = dataclasses.replace(asked(None), first_inferred_response=NINE)
    both = dataclasses.replace(asked(timedelta(minutes=5)), first_inferred_response=NINE)
    summary = daily_summary(rows(asked=(inferred, both, asked(None), asked(None))))

    assert (summary.questions_answered, summary.response_rate) == (1, 0.25)
    assert (summary.questions_answered_inferred, summary.response_rate_inferred) == (2, 0.5)
    assert summary.median_first_response_seconds == 300  # explicit responses only
