"""A check looks for answers only among what was written since the previous one: what
is written later with an older time (history, an edit, an inferred reply) still counts.

Each test lets a first check run (it marks everything seen so far), then writes an
answer with a time before that mark, and expects the next check to record it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store.alerts import AlertSettings
from bot.store.inferred import InferredRow, Place, Stretch
from tests.helpers import query
from tests.store.history import GENERAL, GUILD, History, at

A, B = 11, 12
TEAM = 3000
WEEK = 7


async def announced(history: History, text: str = "Who has the keys?") -> tuple[int, int]:
    """A question announced at 10:00 and a check at 11:00 that found no answer; returns
    (the question, another open one)."""
    history.post(A, "2026-02-01 09:00", "hello")
    history.post(B, "2026-02-01 09:01", "hi")
    settings: AlertSettings = await history.store.alerts.configure(
        GUILD, TEAM, 30, 20, at("2026-03-02 08:00")
    )
    question = history.post(A, "2026-03-02 09:00", text)
    other = history.post(B, "2026-03-02 09:05", "And is the printer fixed?")
    assert await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"), WEEK)
    assert await history.store.alerts.record_answers(at("2026-03-02 11:00"), WEEK) == []
    assert query(history.store.path, "SELECT checked_until FROM answers_checked") == [
        ("2026-03-02T11:00:00.000Z",)
    ]
    return question, other


async def still_waiting(history: History, when: str) -> list[int]:
    board = await history.store.alerts.board(GUILD, at(when), WEEK, 10)
    return [item.message_id for item in board.items]


async def test_a_reply_stored_late_with_an_older_time_is_seen_by_the_next_check(
    history: History,
) -> None:
    question, other = await announced(history)
    # Written after the 11:00 check (an import of history, a late flush), dated 10:30.
    history.post(B, "2026-03-02 10:30", "I do", reply_to=question)
    await history.store.flush()

    mark = query(history.store.path, "SELECT checked_until FROM answers_checked")
    answered = await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)

    assert mark == [("2026-03-02T10:30:00.000Z",)]  # moved back by the write
    assert answered == [GUILD]
    assert await still_waiting(history, "2026-03-02 11:05") == [other]
    assert query(
        history.store.path, "SELECT answered_at FROM reminders WHERE message_id = ?", question
    ) == [("2026-03-02T10:30:00.000Z",)]


async def test_a_mention_added_by_an_edit_answers_from_the_messages_own_time(
    history: History,
) -> None:
    _, other = await announced(history)
    reply = history.post(B, "2026-03-02 10:40", "Ask the front desk")
    assert await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK) == []

    history.edit(reply, "2026-03-02 11:30", f"<@{A}> ask the front desk", mentions=(A,))
    answered = await history.store.alerts.record_answers(at("2026-03-02 11:35"), WEEK)

    assert answered == [GUILD]
    assert await still_waiting(history, "2026-03-02 11:35") == [other]


async def test_an_inferred_reply_written_a_minute_after_its_message_answers(
    history: History,
) -> None:
    question, other = await announced(history)
    answer = history.post(B, "2026-03-02 10:59", "Me, come by")
    await history.store.flush()
    assert await history.store.alerts.record_answers(at("2026-03-02 11:00:30"), WEEK) == []

    # Inference runs after the flush: its row carries the message's time, 10:59.
    place = Place(GUILD, GENERAL, False)
    row = InferredRow(answer, question, A, 0.9, "test", B, "2026-03-02T10:59:00.000Z")
    await history.store.inferred.replace(
        Stretch(place, "2026-03-02T10:59:00.000Z", "2026-03-02T10:59:00.000Z"), [row]
    )
    answered = await history.store.alerts.record_answers(at("2026-03-02 11:01"), WEEK)

    assert answered == [GUILD]
    assert await still_waiting(history, "2026-03-02 11:01") == [other]


async def test_turning_inference_on_asks_every_open_item_again(history: History) -> None:
    await history.inference(False)
    question, other = await announced(history)
    answer = history.post(B, "2026-03-02 10:30", "Me")
    await history.infer(answer, question)
    assert await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK) == []

    await history.inference(True)
    mark = query(history.store.path, "SELECT count(*) FROM answers_checked")
    answered = await history.store.alerts.record_answers(at("2026-03-02 11:10"), WEEK)

    assert mark == [(0,)]  # no mark: the next check looks at everything
    assert answered == [GUILD]
    assert await still_waiting(history, "2026-03-02 11:10") == [other]


async def test_after_a_long_pause_every_open_item_is_asked_again(history: History) -> None:
    question, other = await announced(history)
    history.post(B, "2026-03-02 10:30", "I do", reply_to=question)
    await history.store.flush()
    # A writer that does not keep the mark (a script of the owner's) cannot hide an
    # answer for longer than the pause after which every item is asked again.
    async with history.store.writing() as db:
        await db.execute("UPDATE answers_checked SET checked_until = '2026-03-02T11:00:00.000Z'")

    answered = await history.store.alerts.record_answers(at("2026-03-02 12:30"), WEEK)

    assert answered == [GUILD]
    assert await still_waiting(history, "2026-03-02 12:30") == [other]


async def test_a_file_from_schema_10_gets_no_mark_and_its_first_check_asks_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    async with History.opened(path) as history:
        question, other = await announced(history)
        history.post(B, "2026-03-02 10:30", "I do", reply_to=question)
    with sqlite3.connect(path) as db:  # back to schema 10, which had no mark
        db.execute("DROP TABLE answers_checked")
        # nor the board's columns (a column cannot be added twice)
        db.execute("DROP TRIGGER reminders_gone_on_message_deleted")
        db.execute("DROP INDEX reminders_board")
        db.execute("ALTER TABLE reminders DROP COLUMN asked_at")
        db.execute("ALTER TABLE reminders DROP COLUMN gone")
        db.execute("PRAGMA user_version = 10")

    async with History.opened(path) as history:
        mark = query(history.store.path, "SELECT count(*) FROM answers_checked")
        answered = await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)
        waiting = await still_waiting(history, "2026-03-02 11:05")

    assert mark == [(0,)]
    assert answered == [GUILD] and waiting == [other]


# The DMs' items: the same check, from the same mark, in the same transaction.


async def listed_in_a_dm(history: History) -> int:
    """B mentions A at 09:00, a DM lists it at 10:00, and a check at 11:00 finds no
    answer; returns the item."""
    item = history.post(B, "2026-03-02 09:00", f"<@{A}> can you check the keys?", mentions=(A,))
    [listed] = await history.store.inbox.items(GUILD, A, at("2026-03-02 10:00"))
    await history.store.inbox.sent(
        GUILD, A, at("2026-03-02 10:00"), at("2026-03-03 10:00"), [listed]
    )
    assert await history.store.alerts.record_answers(at("2026-03-02 11:00"), WEEK) == []
    assert dm_answered(history, item) == [None]
    return item


def dm_answered(history: History, item: int) -> list[str | None]:
    """When the DM reminder of ``item`` was recorded answered."""
    rows = query(
        history.store.path,
        "SELECT answered_at FROM reminders WHERE kind = 'inbox' AND message_id = ?",
        item,
    )
    return [answered_at for (answered_at,) in rows]


async def test_a_dm_item_answered_by_a_reply_stored_late_is_seen_by_the_next_check(
    history: History,
) -> None:
    item = await listed_in_a_dm(history)
    history.post(A, "2026-03-02 10:30", "Checked, all fine", reply_to=item)
    await history.store.flush()

    await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)

    assert dm_answered(history, item) == ["2026-03-02T10:30:00.000Z"]


async def test_a_reaction_or_a_done_stored_after_a_check_with_an_older_time_answers(
    history: History,
) -> None:
    reacted = await listed_in_a_dm(history)
    done = history.post(B, "2026-03-02 09:10", f"<@{A}> and the printer?", mentions=(A,))
    items = await history.store.inbox.items(GUILD, A, at("2026-03-02 11:00"))
    [listed] = [i for i in items if i.message_id == done]
    await history.store.inbox.sent(
        GUILD, A, at("2026-03-02 10:00"), at("2026-03-03 10:00"), [listed]
    )
    assert await history.store.alerts.record_answers(at("2026-03-02 11:01"), WEEK) == []
    # Neither moves the mark: a reaction queued at 10:30 and flushed after the check,
    # a Done pressed while the check ran.
    history.react(A, reacted, "2026-03-02 10:30")
    await history.store.flush()
    await history.store.inbox.mark_done(GUILD, A, done, at("2026-03-02 10:40"))
    mark = query(history.store.path, "SELECT checked_until FROM answers_checked")

    await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)

    assert mark == [("2026-03-02T11:01:00.000Z",)]
    assert dm_answered(history, reacted) == ["2026-03-02T10:30:00.000Z"]
    assert dm_answered(history, done) == ["2026-03-02T10:40:00.000Z"]


async def test_a_dm_recorded_as_sent_after_a_later_check_still_gets_its_answer(
    history: History,
) -> None:
    item = history.post(B, "2026-03-02 09:00", f"<@{A}> can you check the keys?", mentions=(A,))
    # The 10:00 pass plans the DM; while it is on its way, A answers, and the next
    # pass's check (11:00) runs before the DM is recorded as sent.
    [listed] = await history.store.inbox.items(GUILD, A, at("2026-03-02 10:00"))
    history.post(A, "2026-03-02 10:30", "Checked, all fine", reply_to=item)
    await history.store.flush()
    assert await history.store.alerts.record_answers(at("2026-03-02 11:00"), WEEK) == []
    await history.store.inbox.sent(
        GUILD, A, at("2026-03-02 10:00"), at("2026-03-03 10:00"), [listed]
    )
    mark = query(history.store.path, "SELECT checked_until FROM answers_checked")

    await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)

    assert mark == [("2026-03-02T10:00:00.000Z",)]  # moved back to the pass that planned it
    assert dm_answered(history, item) == ["2026-03-02T10:30:00.000Z"]


async def test_the_inbox_check_alone_resumes_from_the_mark_and_leaves_it(
    history: History,
) -> None:
    item = await listed_in_a_dm(history)
    history.post(A, "2026-03-02 11:02", "Checked, all fine", reply_to=item)

    answered = await history.store.inbox.record_answers(at("2026-03-02 11:03"))

    assert answered == 1
    assert dm_answered(history, item) == ["2026-03-02T11:02:00.000Z"]
    assert query(history.store.path, "SELECT checked_until FROM answers_checked") == [
        ("2026-03-02T11:00:00.000Z",)
    ]
