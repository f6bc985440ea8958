"""The per-member daily rollup: reused while true, dropped by every change to its day."""

from __future__ import annotations

from datetime import date

from bot.analysis.summary import Broadcaster
from bot.events import MessageKind
from tests.helpers import query
from tests.store.history import GUILD, History

A, B, C = 11, 12, 13
DAY = date(2026, 3, 2)


def stored_days(history: History) -> list[str]:
    rows = query(history.store.path, "SELECT day FROM activity_days ORDER BY day")
    return [day for (day,) in rows]


async def test_a_summary_rolls_up_its_week_once_and_reuses_it(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "hello")

    await history.summary("2026-03-02")
    again = await history.store.activity.ensure(GUILD, date(2026, 2, 24), DAY, "UTC")

    assert stored_days(history) == [f"2026-02-{d}" for d in range(24, 29)] + [
        "2026-03-01",
        "2026-03-02",
    ]
    assert again == 0
    assert query(history.store.path, "SELECT user_id, messages FROM member_days") == [(A, 1)]


async def test_live_messages_after_the_stored_days_keep_them(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "hello")
    await history.summary("2026-03-02")

    history.post(B, "2026-03-03 08:00", "a new day")
    await history.store.flush()

    assert "2026-03-02" in stored_days(history)


async def test_a_deletion_on_a_rolled_up_day_is_counted_next_time(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "one")
    gone = history.post(A, "2026-03-02 09:01", "two")
    assert (await history.summary("2026-03-02")).messages == 2

    history.delete(gone, "2026-03-04 10:00")

    assert (await history.summary("2026-03-02")).messages == 1


async def test_history_written_late_into_a_rolled_up_day_is_counted(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "one")
    assert (await history.summary("2026-03-02")).active_members == 1

    # An import, or a flush that came late: old times arrive after the rollup.
    question = history.post(B, "2026-03-02 23:59", "late?")
    history.react(A, question, "2026-03-02 23:59")

    summary = await history.summary("2026-03-02")
    assert (summary.messages, summary.reactions, summary.active_members) == (2, 1, 2)


async def test_an_edit_into_nothing_on_a_rolled_up_day_is_counted(history: History) -> None:
    question = history.post(A, "2026-03-02 09:00", "Ideas?")
    reply = history.post(B, "2026-03-02 09:05", "yes", reply_to=question)
    assert (await history.summary("2026-03-02")).replies == 1

    history.edit(reply, "2026-03-03 09:06", "", kind=MessageKind.EMPTY)

    summary = await history.summary("2026-03-02")
    assert (summary.messages, summary.replies) == (1, 0)


async def test_an_opt_out_leaves_the_rolled_up_days(history: History) -> None:
    for minute in range(6):
        history.post(C, f"2026-02-27 12:0{minute}", "my announcement")
    assert [b.user_id for b in (await history.summary("2026-03-02")).broadcasters] == [C]

    await history.policy.opt_out(GUILD, C)

    summary = await history.summary("2026-03-02")
    assert summary.broadcasters == ()
    assert query(history.store.path, "SELECT count(*) FROM member_days WHERE user_id = ?", C) == [
        (0,)
    ]


async def test_the_broadcaster_week_is_the_seven_days_ending_on_the_day(history: History) -> None:
    for minute in range(5):
        history.post(A, f"2026-02-23 12:0{minute}", "eight days before: outside")
        history.post(B, f"2026-02-24 12:0{minute}", "six days before: inside")

    summary = await history.summary("2026-03-02")

    assert summary.broadcasters == (
        Broadcaster(user_id=B, name=f"member {B}", messages=5, listening_ratio=0.0),
    )


async def test_another_time_zone_rolls_the_days_up_again(history: History) -> None:
    history.post(A, "2026-03-02 23:30", "late in UTC, early tomorrow in Rome")
    assert (await history.summary("2026-03-02")).messages == 1

    in_rome = await history.summary("2026-03-02", timezone="Europe/Rome")
    next_in_rome = await history.summary("2026-03-03", timezone="Europe/Rome")

    assert (in_rome.messages, next_in_rome.messages) == (0, 1)
    assert query(history.store.path, "SELECT DISTINCT timezone FROM activity_days") == [
        ("Europe/Rome",)
    ]


async def test_a_change_drops_every_later_day_so_the_network_stays_true(
    history: History,
) -> None:
    hello = history.post(A, "2026-02-20 09:00", f"hi <@{B}>", mentions=(B,))
    history.post(C, "2026-03-01 09:00", f"hi <@{A}>", mentions=(A,))
    assert (await history.summary("2026-03-02")).network_size == 2

    history.delete(hello, "2026-03-04 10:00")  # ten days before, outside the week

    assert (await history.summary("2026-03-02")).network_size == 1
