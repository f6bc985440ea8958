"""The summary's inferred-reply figures (docs/metrics.md, "Inferred replies"), on small
hand-built histories with inferred reply rows written as bot/inference would."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from tests.store.history import GUILD, History

A, B, C = 11, 12, 13
INFERRED_FIELDS = (
    "inferred_replies",
    "listening_ratio_inferred",
    "questions_answered_inferred",
    "response_rate_inferred",
    "new_connections_inferred",
)


async def test_an_inferred_reply_counts_as_listening_only_in_the_inferred_ratio(
    history: History,
) -> None:
    first = history.post(A, "2026-03-02 09:00", "Morning all")
    answer = history.post(B, "2026-03-02 09:01", "morning!")
    history.post(C, "2026-03-02 09:02", "Hi", reply_to=first)
    history.react(B, first, "2026-03-02 09:03")
    await history.infer(answer, first)

    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.replies, summary.reactions) == (3, 1, 1)
    assert summary.listening_ratio == 0.5  # (1 + 1) / (3 + 1): explicit only, unchanged
    assert summary.inferred_replies == 1
    assert summary.listening_ratio_inferred == 0.75  # (1 + 1 + 1) / (3 + 1)


async def test_a_day_without_inferred_replies_has_zero_not_unknown(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "Morning all")

    summary = await history.summary("2026-03-02")

    assert (summary.inferred_replies, summary.new_connections_inferred) == (0, 0)
    assert summary.listening_ratio_inferred == summary.listening_ratio == 0.0
    assert (summary.questions_answered_inferred, summary.response_rate_inferred) == (0, None)


async def test_deleted_and_explicit_messages_are_not_inferred_replies(history: History) -> None:
    first = history.post(A, "2026-03-02 09:00", "Morning all")
    gone = history.post(B, "2026-03-02 09:01", "morning!")
    mentions = history.post(C, "2026-03-02 09:02", f"hi <@{A}>", mentions=(A,))
    await history.infer(gone, first)
    await history.infer(mentions, first)  # a mention has its own target: never inferred too
    history.delete(gone, "2026-03-02 10:00")

    summary = await history.summary("2026-03-02")

    assert summary.inferred_replies == 0
    assert summary.listening_ratio_inferred == summary.listening_ratio


async def test_an_inferred_reply_answers_a_question_in_the_inferred_figures_only(
    history: History,
) -> None:
    asked = history.post(A, "2026-03-02 09:00", "Anyone know a good bakery?")
    history.post(C, "2026-03-02 09:01", "lunch soon")
    answer = history.post(B, "2026-03-02 09:05", "the one on Main St")
    other = history.post(A, "2026-03-02 10:00", "And a florist?")
    own = history.post(A, "2026-03-02 10:01", "asking for a friend")
    await history.infer(answer, asked)
    await history.infer(own, other)  # one's own message never answers (the table says B != A)

    summary = await history.summary("2026-03-02")

    assert (summary.questions, summary.questions_answered, summary.response_rate) == (2, 0, 0.0)
    assert summary.questions_answered_inferred == 1
    assert summary.response_rate_inferred == 0.5
    assert summary.median_first_response_seconds is None  # explicit responses only


async def test_an_inferred_answer_after_the_computation_is_not_seen_yet(history: History) -> None:
    asked = history.post(A, "2026-03-02 09:00", "Anyone around?")
    answer = history.post(B, "2026-03-02 11:00", "me")
    await history.infer(answer, asked)

    early = await history.summary("2026-03-02", computed_at="2026-03-02T10:00:00.000Z")
    later = await history.summary("2026-03-02", computed_at="2026-03-02T12:00:00.000Z")

    assert (early.questions_answered_inferred, later.questions_answered_inferred) == (0, 1)


async def test_a_pair_first_linked_by_an_inferred_reply_is_a_new_connection(
    history: History,
) -> None:
    # 03-01: A and B talk explicitly; B and C only through an inferred reply.
    hello = history.post(A, "2026-03-01 09:00", "hello")
    history.post(B, "2026-03-01 09:01", "hi", reply_to=hello)
    c_asks = history.post(C, "2026-03-01 10:00", "tea?")
    b_answers = history.post(B, "2026-03-01 10:01", "yes please")
    await history.infer(b_answers, c_asks)
    # 03-02: an explicit B -> C reply (not new when inferred replies count), an inferred
    # A -> C (new both ways of counting: only inferred), an explicit A -> B (old pair).
    c_again = history.post(C, "2026-03-02 09:00", "more tea?")
    history.post(B, "2026-03-02 09:01", "sure", reply_to=c_again)
    a_too = history.post(A, "2026-03-02 09:02", "me too")
    await history.infer(a_too, c_again)
    history.post(A, "2026-03-02 09:03", "and biscuits", reply_to=hello)

    first = await history.summary("2026-03-01")
    second = await history.summary("2026-03-02")

    assert (first.new_connections, first.new_connections_inferred) == (1, 2)
    assert second.new_connections == 1  # {B, C}: explicit first contact today
    assert second.new_connections_inferred == 1  # {A, C}; {B, C} was linked on 03-01


async def test_an_explicit_connection_before_the_day_is_never_new_again(history: History) -> None:
    hello = history.post(A, "2026-03-01 09:00", "hello")
    history.post(B, "2026-03-01 09:01", "hi", reply_to=hello)
    again = history.post(A, "2026-03-02 09:00", "again")
    answer = history.post(B, "2026-03-02 09:01", "yes")
    await history.infer(answer, again)

    summary = await history.summary("2026-03-02")

    assert (summary.new_connections, summary.new_connections_inferred) == (0, 0)
    assert summary.inferred_replies == 1


async def test_the_stored_summary_keeps_both_figures(history: History) -> None:
    asked = history.post(A, "2026-03-02 09:00", "Anyone?")
    answer = history.post(B, "2026-03-02 09:01", "me")
    await history.infer(answer, asked)
    summary = await history.summary("2026-03-02")

    await history.store.summaries.save(summary)
    (stored,) = await history.store.summaries.stored(GUILD, date(2026, 3, 2), date(2026, 3, 2))

    assert stored == summary
    assert (stored.inferred_replies, stored.response_rate_inferred) == (1, 1.0)


async def test_summaries_stored_before_schema_10_have_unknown_inferred_figures(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    async with History.opened(path) as history:
        history.post(A, "2026-03-02 09:00", "hello")
        await history.store.summaries.save(await history.summary("2026-03-02"))
    with sqlite3.connect(path) as db:  # back to schema 9, which had no such columns
        for column in INFERRED_FIELDS:
            db.execute(f"ALTER TABLE daily_summaries DROP COLUMN {column}")
        db.execute("DROP TABLE answers_checked")  # nor this one (schema 11)
        db.execute("DROP TRIGGER reminders_gone_on_message_deleted")  # nor the board's
        db.execute("DROP INDEX reminders_board")  # columns (schema 16)
        db.execute("ALTER TABLE reminders DROP COLUMN asked_at")
        db.execute("ALTER TABLE reminders DROP COLUMN gone")
        db.execute("PRAGMA user_version = 9")
    async with History.opened(path) as history:
        (stored,) = await history.store.summaries.stored(GUILD, date(2026, 3, 2), date(2026, 3, 2))

    assert stored.messages == 1
    assert all(stored.to_json()[name] is None for name in INFERRED_FIELDS)


async def test_a_pair_linked_both_ways_on_its_first_day_is_one_new_connection(
    history: History,
) -> None:
    hello = history.post(A, "2026-03-02 09:00", "hello")
    history.post(B, "2026-03-02 09:01", "hi", reply_to=hello)
    later = history.post(A, "2026-03-02 10:00", "tea?")
    answer = history.post(B, "2026-03-02 10:01", "yes please")
    await history.infer(answer, later)

    summary = await history.summary("2026-03-02")

    assert (summary.new_connections, summary.new_connections_inferred) == (1, 1)
