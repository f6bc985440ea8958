"""Dirty days: a stored summary is computed again when a write has changed what it read
since it was computed, and only then (bot/store/dirty_days.py, schema 14)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.analysis.days import marks_day
from bot.analysis.summary import DailySummary
from bot.clock import to_db_time
from bot.settings import DefaultsSettings
from bot.store.inferred import InferredRow, Place, Stretch
from bot.summaries import SummaryService
from tests.store.history import GENERAL, GUILD, RANDOM, History, at

A, B, C = 11, 12, 13
FIRST, LAST = date(2026, 3, 2), date(2026, 3, 14)
COMPUTED = at("2026-03-16 09:00")
LATER = at("2026-03-20 09:00")


def service_of(history: History) -> SummaryService:
    return SummaryService(history.store, DefaultsSettings())


def figures(summary: DailySummary) -> dict[str, Any]:
    """Every field but the time it was computed."""
    found = summary.to_json()
    del found["computed_at"]
    return found


async def read(service: SummaryService, now=LATER) -> dict[str, DailySummary]:
    """The summaries of FIRST to LAST, as /summary, /trend and report read them."""
    return {s.day: s for s in await service.ensure(GUILD, FIRST, LAST, "UTC", now)}


async def assert_fresh(history: History, found: dict[str, DailySummary]) -> None:
    """Every summary read has the figures of one computed from the store as it is now."""
    day = FIRST
    while day <= LAST:
        fresh = await history.store.summaries.compute(GUILD, day, "UTC", "2026-12-31T00:00:00.000Z")
        assert figures(found[day.isoformat()]) == figures(fresh), day
        day += timedelta(days=1)


def recomputed(found: dict[str, DailySummary]) -> list[str]:
    return sorted(day for day, s in found.items() if s.computed_at != "2026-03-20T09:00:00.000Z")


def kept(found: dict[str, DailySummary]) -> list[str]:
    return sorted(day for day, s in found.items() if s.computed_at == "2026-03-16T09:00:00.000Z")


async def test_a_stored_day_no_write_has_touched_is_read_as_stored(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "Anyone around?")
    history.post(B, "2026-03-02 09:05", "me", reply_to=None)
    service = service_of(history)
    before = await read(service, COMPUTED)

    after = await read(service)

    assert after == before
    assert kept(after) == sorted(after)
    assert await history.store.dirty_days.marks(GUILD) == []


async def test_deleting_an_old_question_recomputes_the_days_that_read_it_and_no_other(
    history: History,
) -> None:
    history.post(A, "2026-03-02 09:00", "Anyone around?")
    asked = history.post(C, "2026-03-05 10:00", "Is the wiki down?")
    history.post(B, "2026-03-12 09:00", "hello")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-05"].questions == 1

    history.delete(asked, "2026-03-18 12:00")
    after = await read(service)

    assert after["2026-03-05"].questions == 0
    assert after["2026-03-05"].messages == 0
    # Its day, the days whose week reads it (to March 12) and the day before it (whose
    # questions its responses could have answered within 24 hours).
    assert [d for d in sorted(after) if d not in kept(after)] == [
        f"2026-03-{n:02}" for n in range(4, 13)
    ]
    await assert_fresh(history, after)
    assert await history.store.dirty_days.marks(GUILD) == []  # all seen: pruned


async def test_a_reply_deleted_days_later_reopens_the_question_of_its_day(
    history: History,
) -> None:
    asked = history.post(A, "2026-03-02 09:00", "Who has the key?")
    reply = history.post(B, "2026-03-10 09:00", "I do", reply_to=asked)
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-02"].questions_answered == 1

    history.delete(reply, "2026-03-18 12:00")
    after = await read(service)

    assert after["2026-03-02"].questions_answered == 0
    await assert_fresh(history, after)


async def test_removing_a_pairs_only_interaction_recomputes_every_later_day(
    history: History,
) -> None:
    mention = history.post(A, "2026-03-03 09:00", f"<@{B}> hi", mentions=(B,))
    history.post(C, "2026-03-01 09:00", "first")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-14"].network_size == 1

    history.delete(mention, "2026-03-18 12:00")
    after = await read(service)

    assert after["2026-03-14"].network_size == 0
    assert kept(after) == []  # March 2 reads the 25 hours after it
    await assert_fresh(history, after)


async def test_an_edit_that_removes_the_question_mark_recomputes_its_day(
    history: History,
) -> None:
    asked = history.post(A, "2026-03-09 09:00", "Lunch?")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-09"].questions == 1

    history.edit(asked, "2026-03-18 12:00", "Lunch.")
    after = await read(service)

    assert after["2026-03-09"].questions == 0
    assert kept(after)[:6] == [f"2026-03-0{n}" for n in range(2, 8)]
    await assert_fresh(history, after)


async def test_a_mention_added_by_an_edit_recomputes_the_later_days_of_the_network(
    history: History,
) -> None:
    message = history.post(A, "2026-03-03 09:00", "hi all")
    history.post(B, "2026-03-03 09:01", "hey")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-14"].network_size == 0

    history.edit(message, "2026-03-18 12:00", f"hi <@{B}>", mentions=(B,))
    after = await read(service)

    assert after["2026-03-03"].new_connections == 1
    assert after["2026-03-14"].network_size == 1
    await assert_fresh(history, after)


async def test_an_opt_out_erases_the_member_from_the_stored_days(history: History) -> None:
    asked = history.post(A, "2026-03-04 09:00", "Anyone?")
    history.post(B, "2026-03-04 09:05", "me", reply_to=asked)
    history.react(B, asked, "2026-03-04 09:06")
    history.post(C, "2026-03-08 09:00", "hello")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert (before["2026-03-04"].messages, before["2026-03-04"].active_members) == (2, 2)

    await history.policy.opt_out(GUILD, B)
    after = await read(service)

    assert (after["2026-03-04"].messages, after["2026-03-04"].active_members) == (1, 1)
    assert after["2026-03-04"].questions_answered == 0
    assert after["2026-03-14"].network_size == 0
    await assert_fresh(history, after)


async def test_settle_recomputes_a_settled_day_a_write_has_touched(history: History) -> None:
    asked = history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    history.post(B, "2026-03-05 11:00", "hello")
    service = service_of(history)
    days = [FIRST + timedelta(days=n) for n in range(13)]
    assert await service.settle(GUILD, days, "UTC", COMPUTED) == 13
    assert await service.settle(GUILD, days, "UTC", LATER) == 0  # settled, untouched

    history.delete(asked, "2026-03-18 12:00")

    assert await service.settle(GUILD, days, "UTC", LATER) == 9  # March 4 to 12
    assert await service.settle(GUILD, days, "UTC", LATER) == 0
    [day] = await history.store.summaries.stored(GUILD, date(2026, 3, 5), date(2026, 3, 5))
    assert day.questions == 0


async def test_a_summary_stored_before_the_marks_counts_as_having_seen_none(
    history: History,
) -> None:
    asked = history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    day = date(2026, 3, 5)
    # Saved without its record of marks seen, as before schema 14 (or by a script).
    await history.store.summaries.save(await history.summary("2026-03-05"))
    assert await history.store.dirty_days.dirty(GUILD, day, day) == set()

    history.delete(asked, "2026-03-18 12:00")

    assert await history.store.dirty_days.dirty(GUILD, day, day) == {day}
    [found] = await service_of(history).ensure(GUILD, day, day, "UTC", LATER)
    assert found.questions == 0


async def test_a_mark_pruned_while_a_day_is_computed_leaves_that_day_dirty(
    history: History,
) -> None:
    history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    day = date(2026, 3, 5)
    dirty_days = history.store.dirty_days
    seen = await dirty_days.counter()  # a computation of March 5 starts...
    summary = await history.summary("2026-03-05")
    # ...meanwhile a write marks March 5, and a read of other days prunes the mark (no
    # stored summary needs it yet)...
    await dirty_days.mark(GUILD, "2026-03-05T10:00:00.000Z")
    await dirty_days.prune(GUILD)
    assert await dirty_days.marks(GUILD) == []
    # ...then the computation stores what it read before the write.
    await history.store.summaries.save(summary)
    await dirty_days.saved(
        GUILD, day, "UTC", seen, ("2026-02-26T00:00:00.000Z", "2026-03-07T01:00:00.000Z")
    )

    assert await dirty_days.dirty(GUILD, day, day) == {day}


async def test_live_writes_mark_nothing(history: History) -> None:
    asked = history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    history.post(B, "2026-03-05 10:01", f"<@{A}> no", reply_to=asked, mentions=(A,))
    history.react(C, asked, "2026-03-05 10:02")
    history.join(C, "2026-03-05 10:03")
    await history.store.flush()

    assert await history.store.dirty_days.marks(GUILD) == []


@pytest.mark.parametrize("timezone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
async def test_the_store_marks_the_days_that_reads_window_says(
    history: History, timezone: str
) -> None:
    service = service_of(history)
    days = [FIRST + timedelta(days=n) for n in range(13)]
    for day in days:
        await service.recompute(GUILD, day, timezone, COMPUTED)
    dirty_days = history.store.dirty_days

    for moment in ("2026-03-05 10:17", "2026-03-08 23:59", "2026-03-13 00:00"):
        await dirty_days.mark(GUILD, to_db_time(at(moment)), to_db_time(at(moment)))
        hour = at(moment).replace(minute=0)
        expected = {d for d in days if marks_day(hour, hour + timedelta(hours=1), d, timezone)}

        assert await dirty_days.dirty(GUILD, FIRST, LAST) == expected, moment
        for day in expected:
            await service.recompute(GUILD, day, timezone, LATER)
        assert await dirty_days.dirty(GUILD, FIRST, LAST) == set()


@pytest.mark.parametrize("timezone", ["America/Los_Angeles", "Pacific/Kiritimati"])
async def test_a_day_stored_before_the_marks_is_marked_at_least_where_it_reads(
    history: History, timezone: str
) -> None:
    days = [FIRST + timedelta(days=n) for n in range(13)]
    for day in days:  # saved as before schema 14: no record of what it read
        summary = await history.store.summaries.compute(
            GUILD, day, timezone, "2026-03-16T09:00:00.000Z"
        )
        await history.store.summaries.save(summary)
    moment = at("2026-03-08 23:30")
    await history.store.dirty_days.mark(GUILD, to_db_time(moment), to_db_time(moment))

    found = await history.store.dirty_days.dirty(GUILD, FIRST, LAST)

    hour = moment.replace(minute=0)
    assert found >= {d for d in days if marks_day(hour, hour + timedelta(hours=1), d, timezone)}


async def test_an_import_marks_every_later_day(history: History) -> None:
    history.post(A, "2026-03-10 09:00", "hello")
    service = service_of(history)
    await read(service, COMPUTED)
    # What `ascolto import` does after writing history from March 3 on: it computes the
    # days it touched, and the later days (the network's size) are dirty, and so is the
    # day before (a question of March 2 its messages may answer).
    await service.changed_since(GUILD, at("2026-03-04 12:00"))

    assert await history.store.dirty_days.dirty(GUILD, FIRST, LAST) == {
        FIRST + timedelta(days=n) for n in range(1, 13)
    }


async def test_excluding_a_channel_recomputes_the_days_it_counted(history: History) -> None:
    history.post(A, "2026-03-06 09:00", "in general")
    history.post(B, "2026-03-06 09:00", "elsewhere", channel=RANDOM)
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-06"].messages == 2

    await history.store.guild_config.exclude_channel(GUILD, RANDOM, "2026-03-18T12:00:00.000Z")
    after = await read(service)

    assert after["2026-03-06"].messages == 1
    # Before the day before, and after the week that reads it: kept.
    assert kept(after) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-14"]
    await assert_fresh(history, after)


async def test_a_join_learnt_after_the_first_message_recomputes_its_day(
    history: History,
) -> None:
    # Imported history: the join is unknown, so the first message is a newcomer's.
    history.post(A, "2026-03-05 10:00", "hi, I am new")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-05"].newcomer_first_messages == 1

    # The member is seen live: Discord says they joined long ago.
    history.store.conversations.member_named(GUILD, A, "member 11", "2024-01-01T00:00:00.000Z")
    after = await read(service)

    assert after["2026-03-05"].newcomer_first_messages == 0
    await assert_fresh(history, after)


async def test_erasing_old_text_marks_nothing(history: History) -> None:
    history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    service = service_of(history)
    before = await read(service, COMPUTED)

    assert await history.store.retention.erase_content_before("2026-03-10T00:00:00.000Z") == 1

    assert await history.store.dirty_days.marks(GUILD) == []
    assert await read(service) == before


async def test_a_pairs_first_interaction_deleted_marks_up_to_its_next_one(
    history: History,
) -> None:
    first = history.post(A, "2026-03-03 09:10", f"<@{B}> hi", mentions=(B,))
    history.post(B, "2026-03-08 10:20", f"<@{A}> hello", mentions=(A,))
    await read(service_of(history), COMPUTED)

    history.delete(first, "2026-03-18 12:00")
    await history.store.flush()

    # The message's hour, and the pair's first interaction from March 3 to March 8.
    assert [m[:2] for m in await history.store.dirty_days.marks(GUILD)] == [
        ("2026-03-03T09:00:00.000Z", "2026-03-03T10:00:00.000Z"),
        ("2026-03-03T09:00:00.000Z", "2026-03-08T11:00:00.000Z"),
    ]


async def test_inferred_replies_written_for_an_old_stretch_recompute_its_days(
    history: History,
) -> None:
    asked = history.post(A, "2026-03-05 10:00", "Is the wiki down?")
    answer = history.post(B, "2026-03-05 10:05", "works for me")
    service = service_of(history)
    before = await read(service, COMPUTED)
    assert before["2026-03-05"].questions_answered_inferred == 0

    # Reply inference after an edit (or `ascolto infer`) writes a row dated March 5.
    when = to_db_time(at("2026-03-05 10:05"))
    stretch = Stretch(Place(GUILD, GENERAL, thread=False), to_db_time(at("2026-03-05 10:00")), when)
    row = InferredRow(answer, asked, A, 0.9, "v1", B, when)
    assert await history.store.inferred.replace(stretch, [row]) == {when}
    after = await read(service)

    assert after["2026-03-05"].questions_answered_inferred == 1
    assert kept(after) == ["2026-03-02", "2026-03-03"]
    await assert_fresh(history, after)
