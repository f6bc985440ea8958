"""The inbox's DM rules in the store: an item listed once; which questions to offer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store.inbox import Suggestion
from tests.store.history import GENERAL, GUILD, RANDOM, History, at

ME, BOB, CAROL, NEWBIE = 11, 12, 13, 14
NOW = at("2026-03-10 12:00")
EXPIRE_DAYS = 7  # [defaults] alert_expire_days


async def to_answer(
    history: History, member: int = ME, expire_days: int = EXPIRE_DAYS
) -> list[Suggestion]:
    """The questions offered to ``member``, as a reminder pass finds them."""
    inbox = history.store.inbox
    newcomers = await inbox.newcomers_open_questions(GUILD, NOW, expire_days)
    return await inbox.questions_to_answer(GUILD, member, NOW, 10, newcomers, expire_days)


async def offered(history: History, expire_days: int = EXPIRE_DAYS) -> list[int]:
    return [q.message_id for q in await to_answer(history, expire_days=expire_days)]


async def test_a_dm_lists_an_item_once_and_the_inbox_keeps_it(history: History) -> None:
    first = history.post(BOB, "2026-03-10 08:00", f"<@{ME}> seen this?", mentions=(ME,))
    second = history.post(CAROL, "2026-03-10 09:00", f"<@{ME}> and this?", mentions=(ME,))
    [listed] = [i for i in await history.store.inbox.items(GUILD, ME, NOW) if i.message_id == first]

    await history.store.inbox.sent(GUILD, ME, NOW, at("2026-03-11 09:00"), [listed])

    unlisted = await history.store.inbox.unlisted_items(GUILD, [ME, BOB], NOW, timedelta(0))
    everything = await history.store.inbox.items(GUILD, ME, NOW)
    assert {member: [i.message_id for i in items] for member, items in unlisted.items()} == {
        ME: [second]
    }  # BOB has no item: left out
    assert [i.message_id for i in everything] == [second, first]


async def test_the_items_of_several_members_are_read_at_once_each_its_own(
    history: History,
) -> None:
    to_me = history.post(BOB, "2026-03-10 08:00", f"<@{ME}> seen this?", mentions=(ME,))
    to_bob = history.post(CAROL, "2026-03-10 09:00", f"<@{BOB}> and this?", mentions=(BOB,))
    recent = history.post(CAROL, "2026-03-10 11:30", f"<@{ME}> quick one", mentions=(ME,))

    everything = await history.store.inbox.unlisted_items(GUILD, [ME, BOB], NOW, timedelta(0))
    waited = await history.store.inbox.unlisted_items(GUILD, [ME, BOB], NOW, timedelta(hours=1))

    assert {m: [i.message_id for i in items] for m, items in everything.items()} == {
        ME: [recent, to_me],
        BOB: [to_bob],
    }
    assert {m: [i.message_id for i in items] for m, items in waited.items()} == {
        ME: [to_me],  # the one of 11:30 waited only 30 minutes
        BOB: [to_bob],
    }


async def test_questions_offered_are_nobody_elses_and_where_the_member_posts(
    history: History,
) -> None:
    history.join(BOB, "2025-01-01 00:00")
    history.join(CAROL, "2025-01-01 00:00")
    history.post(ME, "2026-02-10 12:00", "hello all", channel=GENERAL)  # 28 days ago
    hers = history.post(CAROL, "2026-03-08 10:00", "is the wiki down?")
    open_one = history.post(BOB, "2026-03-09 10:00", "who has the projector key?")
    to_me = history.post(BOB, "2026-03-09 11:00", f"<@{ME}> did you book the room?", mentions=(ME,))
    to_carol = history.post(
        BOB, "2026-03-09 12:00", f"<@{CAROL}> are you coming?", mentions=(CAROL,)
    )
    snacks = history.post(CAROL, "2026-03-09 12:30", "I'll bring snacks")
    reply_to_carol = history.post(BOB, "2026-03-09 13:00", "which ones?", reply_to=snacks)
    thread = history.thread_id("2026-03-09 14:00")
    in_thread = history.post(BOB, "2026-03-09 14:00", "any update?", channel=GENERAL, thread=thread)
    elsewhere = history.post(BOB, "2026-03-09 15:00", "anyone in #random?", channel=RANDOM)
    mine = history.post(ME, "2026-03-09 16:00", "what time is it?")
    answered = history.post(BOB, "2026-03-09 17:00", "is lunch at one?")
    history.post(CAROL, "2026-03-09 17:05", "yes", reply_to=answered)
    too_old = history.post(BOB, "2026-03-03 11:00", "anybody kept the receipts?")

    ids = await offered(history)

    # Newest first; the wiki question is Carol's (no one else's): still offered.
    assert ids == [in_thread, to_me, open_one, hers]
    for excluded in (to_carol, reply_to_carol, elsewhere, mine, answered, too_old):
        assert excluded not in ids


async def test_questions_are_offered_while_the_board_would_list_them(history: History) -> None:
    history.post(ME, "2026-03-01 10:00", "hello all")
    history.join(NEWBIE, "2026-03-01 09:00")
    eight_days = history.post(BOB, "2026-03-02 11:00", "anybody kept the receipts?")
    newcomers = history.post(NEWBIE, "2026-03-02 12:00", "where are the rules?")

    assert await offered(history, expire_days=7) == []
    assert await offered(history, expire_days=10) == [newcomers, eight_days]


async def test_no_question_where_the_member_has_not_posted_for_30_days(history: History) -> None:
    history.post(ME, "2026-02-08 11:00", "hello all")  # 30 days and an hour ago
    history.post(BOB, "2026-03-09 10:00", "who has the projector key?")

    assert await offered(history) == []


async def test_newcomers_questions_come_first(history: History) -> None:
    history.join(BOB, "2025-01-01 00:00")
    history.join(NEWBIE, "2026-03-08 09:00")
    history.post(ME, "2026-03-01 10:00", "hello all")
    regular = history.post(BOB, "2026-03-09 12:00", "who has the projector key?")
    newcomers = history.post(NEWBIE, "2026-03-09 10:00", "hi! where do I find the rules?")
    unknown_first = history.post(CAROL, "2026-03-08 10:00", "is this the right place to ask?")
    unknown_later = history.post(CAROL, "2026-03-09 11:00", "and where is the wiki?")

    questions = await to_answer(history)

    assert [(q.message_id, q.newcomer) for q in questions] == [
        (newcomers, True),
        (unknown_first, True),  # join unknown: a newcomer in their first message only
        (regular, False),
        (unknown_later, False),
    ]
    assert questions[0] == Suggestion(
        newcomers,
        NEWBIE,
        GENERAL,
        None,
        at("2026-03-09 10:00"),
        "hi! where do I find the rules?",
        True,
    )


async def test_a_question_offered_once_is_never_offered_again(history: History) -> None:
    history.join(BOB, "2025-01-01 00:00")
    history.post(ME, "2026-03-01 10:00", "hello all")
    first = history.post(BOB, "2026-03-09 10:00", "who has the projector key?")
    second = history.post(BOB, "2026-03-09 11:00", "and the hall?")
    [newest, _] = await to_answer(history)

    await history.store.inbox.sent(GUILD, ME, NOW, at("2026-03-11 09:00"), [], suggestion=newest)

    assert newest.message_id == second
    assert await offered(history) == [first]
    # Offered to me, not to Carol: she may still be offered it.
    history.post(CAROL, "2026-03-01 10:00", "hello all")
    carols = await to_answer(history, CAROL)
    assert [q.message_id for q in carols] == [second, first]


@pytest.mark.parametrize("long_standing", [0, 40], ids=["many joined lately", "few did"])
async def test_newcomers_open_questions_are_the_same_however_many_joined_lately(
    history: History, long_standing: int
) -> None:
    # With no long-standing members, most joined lately; with 40, few did: the pass
    # reads the recent members' questions either way (questions_by_author, schema 17).
    for member in range(100, 100 + long_standing):
        history.join(member, "2025-01-01 00:00")
    history.join(BOB, "2025-01-01 00:00")
    history.join(NEWBIE, "2026-03-08 09:00")
    history.join(CAROL, "2026-02-20 09:00")  # joined lately, but over 7 days before asking
    history.post(BOB, "2026-03-09 12:00", "who has the projector key?")  # not a newcomer
    first = history.post(NEWBIE, "2026-03-08 10:00", "hi! where do I find the rules?")
    answered = history.post(NEWBIE, "2026-03-09 09:00", "and who runs the meetup?")
    history.post(BOB, "2026-03-09 09:30", "I do", reply_to=answered)
    later = history.post(NEWBIE, "2026-03-09 10:00", "is there a wiki?")
    history.post(NEWBIE, "2026-03-09 10:30", "thanks all")  # not a question
    history.post(CAROL, "2026-03-09 11:00", "where are the slides?")
    await history.store.flush()

    found = await history.store.inbox.newcomers_open_questions(GUILD, NOW, EXPIRE_DAYS)

    assert found == [later, first]


async def test_newcomers_questions_follow_edits_and_deletions(history: History) -> None:
    # The questions index holds only what asks: an edit that makes a message a question
    # (or stops it being one) and a deletion change what the pass finds.
    history.join(NEWBIE, "2026-03-08 09:00")
    made_a_question = history.post(NEWBIE, "2026-03-08 10:00", "hello everyone")
    no_longer = history.post(NEWBIE, "2026-03-09 09:00", "who runs the meetup?")
    deleted = history.post(NEWBIE, "2026-03-09 10:00", "is there a wiki?")
    kept = history.post(NEWBIE, "2026-03-09 11:00", "where are the slides?")
    await history.store.flush()
    before = await history.store.inbox.newcomers_open_questions(GUILD, NOW, EXPIRE_DAYS)
    history.edit(made_a_question, "2026-03-09 12:00", "hello everyone, where is the chat?")
    history.edit(no_longer, "2026-03-09 12:01", "found who runs the meetup")
    history.delete(deleted, "2026-03-09 12:02")
    await history.store.flush()

    after = await history.store.inbox.newcomers_open_questions(GUILD, NOW, EXPIRE_DAYS)

    assert before == [kept, deleted, no_longer]
    assert after == [kept, made_a_question]


async def test_a_week_is_read_only_for_members_who_may_have_enough_messages(
    history: History,
) -> None:
    first = history.post(BOB, "2026-03-09 09:00", "Morning")
    history.post(ME, "2026-03-09 09:05", "Morning!", reply_to=first)
    history.post(ME, "2026-03-09 09:06", "Coffee?")
    gone = history.post(CAROL, "2026-03-09 09:10", "one")
    history.post(CAROL, "2026-03-09 09:11", "two")
    history.delete(gone, "2026-03-09 09:12")
    history.react(ME, first, "2026-03-09 09:07")
    window = (at("2026-03-09 00:00"), at("2026-03-10 00:00"))

    weeks = await history.store.inbox.weeks(GUILD, [ME, BOB, CAROL, 99], *window, at_least=2)

    # BOB (one message) and 99 (none) are left out; CAROL stored two, one deleted: her
    # week is read, and counts what counts.
    assert weeks == {ME: (2, 1, 1), CAROL: (1, 0, 0)}
