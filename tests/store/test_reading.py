"""Read-your-writes: every read and decision of the store sees the writes queued before it."""

from __future__ import annotations

from bot.store.connection import fetch_all
from bot.store.inbox import InboxItem
from tests.store.history import GENERAL, GUILD, History, at

A, B = 11, 12


async def test_reading_flushes_the_queue_before_it_hands_out_the_connection(
    history: History,
) -> None:
    history.post(A, "2026-03-02 09:00", "still queued")
    assert history.store.batcher.pending > 0

    async with history.store.reading() as db:
        rows = await fetch_all(db, "SELECT author_id, content FROM messages")

    assert rows == [(A, "still queued")]
    assert history.store.batcher.pending == 0


async def test_a_members_week_counts_messages_still_queued(history: History) -> None:
    first = history.post(B, "2026-03-02 09:00", "Morning")
    history.post(A, "2026-03-02 09:05", "Morning!", reply_to=first)
    history.post(A, "2026-03-02 09:06", "Coffee?")
    history.react(A, first, "2026-03-02 09:07")

    weeks = await history.store.inbox.weeks(
        GUILD, [A, B, 99], at("2026-03-02 00:00"), at("2026-03-03 00:00")
    )

    # messages, listening messages, reactions; a member who did nothing has zeros
    assert weeks == {A: (2, 1, 1), B: (1, 0, 0), 99: (0, 0, 0)}


async def test_a_dm_item_answered_by_a_queued_reply_is_recorded_in_the_same_pass(
    history: History,
) -> None:
    asked = history.post(B, "2026-03-02 09:00", f"<@{A}> can you look at this?", mentions=(A,))
    item = InboxItem(asked, B, GENERAL, None, at("2026-03-02 09:00"), "mention", None)
    await history.store.flush()  # only the reply below is still queued
    await history.store.inbox.sent(GUILD, A, at("2026-03-02 14:00"), at("2026-03-03 14:00"), [item])
    history.post(A, "2026-03-02 14:10", "Done, looks good", reply_to=asked)

    answered = await history.store.inbox.record_answers(at("2026-03-02 14:15"))

    assert answered == 1


async def test_the_heartbeat_never_flushes_the_queue_it_reports_on(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "still queued")
    pending = history.store.batcher.pending

    await history.store.heartbeat.beat(at("2026-03-02 09:01"), "connected", None, 1)

    assert history.store.batcher.pending == pending > 0


async def test_done_on_a_message_still_queued_is_kept(history: History) -> None:
    mention = history.post(B, "2026-03-02 09:00", f"<@{A}> lunch?", mentions=(A,))

    await history.store.inbox.mark_done(GUILD, A, mention, at("2026-03-02 09:00"))

    items = await history.store.inbox.items(GUILD, A, at("2026-03-02 09:05"))
    assert items == []  # the Done mark found its message: writing() flushed first
