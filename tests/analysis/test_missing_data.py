"""Which summary fields an old export leaves unknown (docs/metrics.md, "Imported history")."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bot.analysis.missing_data import NEEDS, MissingData, unknown_fields, why_unknown
from bot.analysis.summary import DailySummary

BUSY = DailySummary(
    guild_id=1,
    day="2020-09-17",
    timezone="UTC",
    computed_at="2026-01-01T00:00:00.000Z",
    messages=137,
    active_members=27,
    conversation_starters=137,
    questions=33,
    newcomer_first_messages=2,
    reminders_sent=1,
)
REPLY_FIELDS = (
    "active_members",
    "conversation_starters",
    "replies",
    "listening_ratio",
    "questions_answered",
    "unanswered_questions",
    "response_rate",
    "median_first_response_seconds",
    "active_connections",
    "new_connections",
    "reciprocal_connections",
    "network_size",
    "network_growth_7d",
    "newcomers_answered",
    "reminders_followed",
    "top_connectors",
    "broadcasters",
    "top_conversations",
)


def test_nothing_is_unknown_when_nothing_is_missing() -> None:
    assert unknown_fields(BUSY, MissingData()) == ()
    assert why_unknown(MissingData()) == ""


def test_without_replies_every_field_that_counts_them_is_unknown() -> None:
    unknown = unknown_fields(BUSY, MissingData(replies=True))

    assert unknown == tuple(name for name in REPLY_FIELDS if name != "active_members")
    assert "messages" not in unknown and "questions" not in unknown


def test_without_mentions_answers_and_connections_are_unknown_not_replies() -> None:
    assert unknown_fields(BUSY, MissingData(mentions=True)) == (
        "questions_answered",
        "unanswered_questions",
        "response_rate",
        "median_first_response_seconds",
        "active_connections",
        "new_connections",
        "reciprocal_connections",
        "network_size",
        "network_growth_7d",
        "newcomers_answered",
        "reminders_followed",
        "questions_answered_inferred",
        "response_rate_inferred",
        "new_connections_inferred",
        "top_connectors",
    )


def test_without_reactors_reactions_active_members_and_connections_are_unknown() -> None:
    assert unknown_fields(BUSY, MissingData(reactions=True)) == (
        "active_members",
        "reactions",
        "listening_ratio",
        "active_connections",
        "new_connections",
        "reciprocal_connections",
        "network_size",
        "network_growth_7d",
        "reminders_followed",
        "listening_ratio_inferred",
        "new_connections_inferred",
        "top_connectors",
        "broadcasters",
    )


def test_a_count_of_nothing_is_known_whatever_is_missing() -> None:
    # No questions: "0 of 0 answered" is true. No messages: no reply was missed.
    quiet = DailySummary(1, "2020-09-18", "UTC", "2026-01-01T00:00:00.000Z", messages=3)
    empty = DailySummary(1, "2020-09-19", "UTC", "2026-01-01T00:00:00.000Z")
    everything = MissingData(replies=True, mentions=True, reactions=True)

    assert not {"questions_answered", "response_rate", "newcomers_answered"} & set(
        unknown_fields(quiet, everything)
    )
    assert "reminders_followed" not in unknown_fields(quiet, everything)
    assert unknown_fields(empty, MissingData(replies=True, mentions=True)) == ()
    assert "reactions" in unknown_fields(empty, everything)


def test_every_field_named_is_a_summary_field() -> None:
    assert set(NEEDS) <= {f.name for f in fields(DailySummary)}
    assert {count for _, count in NEEDS.values() if count} <= {f.name for f in fields(BUSY)}


@pytest.mark.parametrize(
    ("missing", "said"),
    [
        (MissingData(replies=True), "did not record replies."),
        (MissingData(replies=True, mentions=True), "did not record replies or mentions."),
        (
            MissingData(replies=True, mentions=True, reactions=True),
            "did not record replies, mentions or who reacted.",
        ),
    ],
)
def test_why_is_one_line_listing_what_the_export_lacked(missing: MissingData, said: str) -> None:
    line = why_unknown(missing)

    assert line.startswith("—: unknown, because the export these messages were imported from")
    assert line.endswith(said)
    assert "\n" not in line
