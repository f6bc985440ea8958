"""A day's summary from the store's rows, on rows built by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.analysis.daily import Asked, DayRows, daily_summary
from bot.analysis.summary import Broadcaster, TopConnector

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


def test_the_store_lists_pass_through_in_their_order() -> None:
    connectors = (TopConnector(12, "bea", 3), TopConnector(11, None, 2))
    broadcasters = (Broadcaster(13, "cai", 9, 0.1),)

    summary = daily_summary(rows(top_connectors=connectors, broadcasters=broadcasters))

    assert summary.top_connectors == connectors
    assert summary.broadcasters == broadcasters
