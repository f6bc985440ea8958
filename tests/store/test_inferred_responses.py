"""An inferred reply is a response for the board, /unanswered, the digest's waiting
figures and the inboxes only when the guild's inference is on (no setting: on)."""

from __future__ import annotations

from datetime import timedelta

from tests.store.history import GUILD, History, at

A, B, C = 11, 12, 13
TEAM = 3000
WEEK = 7
NOW = at("2026-03-02 12:00")


def regulars(history: History) -> None:
    """A, B and C posted weeks ago: their first messages are no newcomer items."""
    for member in (A, B, C):
        history.post(member, "2026-02-01 09:00", "hello")


async def waiting(history: History) -> list[int]:
    """The ids of the items /unanswered lists now."""
    return [i.message_id for i in await history.store.alerts.unanswered(GUILD, NOW, WEEK)]


async def test_an_inferred_answer_is_a_response_while_inference_is_on(history: History) -> None:
    regulars(history)
    question = history.post(A, "2026-03-02 09:00", "Who has the keys?")
    history.post(C, "2026-03-02 09:01", "lunch soon")
    answer = history.post(B, "2026-03-02 09:05", "I do")
    await history.infer(answer, question)

    by_default = await waiting(history)
    counts = await history.store.alerts.waiting_now(GUILD, NOW, WEEK)
    await history.inference(False)
    turned_off = await waiting(history)
    counts_off = await history.store.alerts.waiting_now(GUILD, NOW, WEEK)
    await history.inference(True)

    assert by_default == [] and counts.questions == 0
    assert turned_off == [question] and counts_off.questions == 1
    assert await waiting(history) == []


async def test_a_question_answered_by_inference_is_never_announced(history: History) -> None:
    regulars(history)
    settings = await history.store.alerts.configure(GUILD, TEAM, 30, 20, at("2026-03-02 08:00"))
    answered = history.post(A, "2026-03-02 09:00", "Where is the agenda?")
    answer = history.post(B, "2026-03-02 09:05", "pinned")
    open_one = history.post(B, "2026-03-02 09:10", "Is the printer fixed?")
    await history.infer(answer, answered)

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"), WEEK)

    assert claim is not None
    assert [i.message_id for i in claim.items] == [open_one]


async def test_an_announced_question_leaves_the_board_once_an_inferred_reply_lands(
    history: History,
) -> None:
    regulars(history)
    settings = await history.store.alerts.configure(GUILD, TEAM, 30, 20, at("2026-03-02 08:00"))
    question = history.post(A, "2026-03-02 09:00", "Who has the keys?")
    assert await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"), WEEK)
    answer = history.post(B, "2026-03-02 10:30", "I do")
    await history.infer(answer, question)

    await history.inference(False)
    kept = await history.store.alerts.record_answers(at("2026-03-02 11:00"), WEEK)
    board_off = await history.store.alerts.board(GUILD, at("2026-03-02 11:00"), WEEK, 10)
    await history.inference(True)
    dropped = await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)
    board_on = await history.store.alerts.board(GUILD, at("2026-03-02 11:05"), WEEK, 10)

    assert kept == [] and board_off.total == 1
    assert dropped == [GUILD] and board_on.total == 0


async def test_an_inferred_reply_from_the_member_answers_their_inbox_item(
    history: History,
) -> None:
    mention = history.post(B, "2026-03-02 09:00", f"<@{A}> coming tonight?", mentions=(A,))
    answer = history.post(A, "2026-03-02 09:05", "yes, at 8")
    await history.infer(answer, mention)

    on = await history.store.inbox.items(GUILD, A, NOW)
    await history.inference(False)
    off = await history.store.inbox.items(GUILD, A, NOW)

    assert on == []
    assert [i.message_id for i in off] == [mention]


async def test_an_inferred_answer_is_no_response_before_it_is_posted(history: History) -> None:
    regulars(history)
    question = history.post(A, "2026-03-02 09:00", "Who has the keys?")
    answer = history.post(B, "2026-03-02 13:00", "I do")
    await history.infer(answer, question)

    items = await history.store.alerts.unanswered(GUILD, NOW, WEEK, older_than=timedelta(0))

    assert [i.message_id for i in items] == [question]
