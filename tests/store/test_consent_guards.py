"""Consent holds in the file: no write brings back a member who opted out or a channel
that was excluded, whatever the writer believed when it queued the row."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from tests.helpers import query
from tests.store.history import GENERAL, GUILD, History

ALICE, BOB = 11, 12
ELSEWHERE = GENERAL + 1


def activity_of(path: Path, user_id: int) -> dict[str, int]:
    """Rows that record what a member did or received, by table."""
    counts = {
        "messages": "SELECT count(*) FROM messages WHERE author_id = ?",
        "interactions": "SELECT count(*) FROM interactions WHERE ? IN (source_id, target_id)",
        "reactions": "SELECT count(*) FROM reactions WHERE user_id = ?",
        "mentions": "SELECT count(*) FROM message_mentions WHERE user_id = ?",
        "joins": "SELECT count(*) FROM member_events WHERE user_id = ?",
    }
    return {table: query(path, sql, user_id)[0][0] for table, sql in counts.items()}


async def opt_out_behind_the_policys_back(store: Store, user_id: int) -> None:
    """The file says opted out while the bot's memory still says logged: the moment
    between a consent write's commit and the memory catching up, or an import's view."""
    await store.consent.forget(GUILD, user_id, "2026-03-01T00:00:00.000Z")


async def test_rows_queued_for_a_member_who_then_opted_out_are_dropped_at_the_flush(
    history: History,
) -> None:
    first = history.post(ALICE, "2026-03-01 10:00", "before")
    history.post(BOB, "2026-03-01 10:01", "hi", reply_to=first)
    await history.store.flush()
    await opt_out_behind_the_policys_back(history.store, ALICE)
    assert history.policy.member_logged(GUILD, ALICE)  # memory has not caught up

    again = history.post(ALICE, "2026-03-01 10:02", "still here? <@12>", mentions=(BOB,))
    history.post(BOB, "2026-03-01 10:03", "yes <@11>", reply_to=again, mentions=(ALICE,))
    history.react(ALICE, first, "2026-03-01 10:04")
    history.react(BOB, again, "2026-03-01 10:05")
    history.join(ALICE, "2026-03-01 10:06")
    await history.store.flush()

    assert activity_of(history.store.path, ALICE) == dict.fromkeys(
        ("messages", "interactions", "reactions", "mentions", "joins"), 0
    )
    assert query(
        history.store.path, "SELECT display_name, opted_out FROM members WHERE user_id = ?", ALICE
    ) == [(None, 1)]
    # Bob's own messages are his: they stay, without any link to her.
    assert query(history.store.path, "SELECT count(*) FROM messages WHERE author_id = ?", BOB) == [
        (2,)
    ]


async def test_opting_in_again_lets_new_rows_through(history: History) -> None:
    await opt_out_behind_the_policys_back(history.store, ALICE)
    await history.store.consent.opt_in(GUILD, ALICE, "2026-03-02T00:00:00.000Z")

    history.post(ALICE, "2026-03-02 10:00", "back")
    await history.store.flush()

    assert activity_of(history.store.path, ALICE)["messages"] == 1


async def test_rows_queued_for_a_channel_then_excluded_are_dropped_with_its_threads(
    history: History,
) -> None:
    thread = history.thread_id("2026-03-01 09:00")
    history.post(ALICE, "2026-03-01 09:30", "seen first", channel=ELSEWHERE)
    await history.store.flush()
    await history.store.guild_config.exclude_channel(GUILD, GENERAL, "2026-03-01T10:00:00.000Z")
    assert history.policy.channel_logged(GUILD, GENERAL)  # memory has not caught up

    asked = history.post(ALICE, "2026-03-01 10:01", "in general?")
    history.post(BOB, "2026-03-01 10:02", "in its thread", thread=thread, reply_to=asked)
    history.post(BOB, "2026-03-01 10:03", "next door", channel=ELSEWHERE)
    await history.store.flush()

    assert query(history.store.path, "SELECT content FROM messages ORDER BY created_at") == [
        ("seen first",),
        ("next door",),
    ]
    assert query(history.store.path, "SELECT count(*) FROM interactions") == [(0,)]


async def test_forgotten_text_is_left_neither_in_the_file_nor_in_its_log(
    history: History,
) -> None:
    secret = "between us: the launch slips to June"
    for minute in range(30):  # enough pages that the text is spread in the log
        history.post(ALICE, f"2026-03-01 10:{minute:02d}", f"{secret} #{minute}")
    history.post(BOB, "2026-03-01 11:00", "unrelated")
    await history.store.flush()
    wal = history.store.path.with_name(history.store.path.name + "-wal")
    assert secret.encode() in wal.read_bytes() + history.store.path.read_bytes()

    await history.policy.opt_out(GUILD, ALICE)

    assert not wal.exists() or wal.stat().st_size == 0
    assert secret.encode() not in history.store.path.read_bytes()
