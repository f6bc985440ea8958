"""Which items an alert pass claims, and what it learns about them afterwards."""

from __future__ import annotations

from bot.store.alerts import AlertSettings
from tests.helpers import query
from tests.store.history import GUILD, History, at

A, B, N = 11, 12, 15
TEAM = 3000


async def alerts_on(history: History, since: str) -> AlertSettings:
    """Alerts after 30 minutes (newcomers 20), from ``since``; A and B are regulars."""
    history.post(A, "2026-02-01 09:00", "hello")
    history.post(B, "2026-02-01 09:01", "hi")
    return await history.store.alerts.configure(GUILD, TEAM, 30, 20, at(since))


async def test_a_pass_claims_each_due_item_once_and_moves_its_mark(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    question = history.post(A, "2026-03-02 09:00", "Where is the agenda?")
    history.post(B, "2026-03-02 09:40", "Is this thing on?")  # not due yet at 10:00

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"))
    settings = await history.store.alerts.settings(GUILD)
    assert settings is not None
    again = await history.store.alerts.claim_due(settings, at("2026-03-02 10:05"))

    assert claim is not None
    assert [(i.kind, i.message_id) for i in claim.items] == [("question", question)]
    assert again is None
    assert settings.checked_until == at("2026-03-02 10:00")
    assert query(history.store.path, "SELECT kind, message_id, post_id FROM reminders") == [
        ("question", question, claim.post_id)
    ]


async def test_a_newcomers_first_question_is_announced_once_as_theirs(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    history.join(N, "2026-03-02 08:30")
    first = history.post(N, "2026-03-02 09:00", "Hi! Where do I start?")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 11:00"))

    assert claim is not None
    assert [(i.kind, i.message_id) for i in claim.items] == [("newcomer", first)]


async def test_after_a_long_downtime_only_the_last_week_is_announced(history: History) -> None:
    settings = await alerts_on(history, "2026-03-01 08:00")
    history.post(A, "2026-03-01 09:00", "Too old by the time anyone looks?")
    recent = history.post(B, "2026-03-09 09:00", "Still there?")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-10 08:00"))

    assert claim is not None
    assert [i.message_id for i in claim.items] == [recent]


async def test_items_answered_after_the_alert_are_recorded_once(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    question = history.post(A, "2026-03-02 09:00", "Who has the keys?")
    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"))
    assert claim is not None
    history.post(B, "2026-03-02 10:30", "I do", reply_to=question)

    marked = await history.store.alerts.record_answers(at("2026-03-02 11:00"))
    again = await history.store.alerts.record_answers(at("2026-03-02 11:05"))
    post = await history.store.alerts.post(claim.post_id)

    assert marked == [claim.post_id] and again == []
    assert post is None  # never posted: nothing to mark in Discord
    await history.store.alerts.posted(claim.post_id, 777)
    post = await history.store.alerts.post(claim.post_id)
    assert post is not None
    [(item, answered_at)] = post.items
    assert item.message_id == question
    assert answered_at == at("2026-03-02 10:30")
    summary = await history.summary("2026-03-02")
    assert (summary.reminders_sent, summary.reminders_followed) == (1, 1)


async def test_turning_alerts_on_again_skips_what_fell_due_while_off(history: History) -> None:
    await alerts_on(history, "2026-03-02 08:00")
    await history.store.alerts.disable(GUILD)
    history.post(A, "2026-03-02 09:00", "Anyone?")

    settings = await alerts_on(history, "2026-03-02 12:00")
    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 12:05"))

    assert claim is None
    assert settings.checked_until == at("2026-03-02 12:00")


async def test_the_alerts_announce_exactly_the_newcomers_the_summary_counts(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    joined_today, imported, deleted_first, week_to_the_minute = 21, 22, 23, 24
    long_ago, eight_days = 25, 26
    history.join(joined_today, "2026-03-02 08:00")
    history.join(deleted_first, "2026-02-25 08:00")
    history.join(week_to_the_minute, "2026-02-23 09:00")
    history.join(long_ago, "2026-01-10 09:00")
    history.join(eight_days, "2026-02-22 10:00")
    expected = [
        history.post(joined_today, "2026-03-02 09:00", "Hi all"),
        history.post(imported, "2026-03-02 09:20", "No join known: my first message counts"),
    ]
    history.post(joined_today, "2026-03-02 09:10", "A second message is not a first")
    gone = history.post(deleted_first, "2026-03-02 09:30", "Oops, wrong channel")
    history.delete(gone, "2026-03-02 09:31")
    expected.append(history.post(deleted_first, "2026-03-02 09:40", "Hello again"))
    expected.append(history.post(week_to_the_minute, "2026-03-02 09:00", "Joined a week ago"))
    history.post(long_ago, "2026-03-02 09:50", "Joined long ago, first message today")
    history.post(eight_days, "2026-03-02 09:55", "Joined eight days ago")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 23:00"))
    summary = await history.summary("2026-03-02")

    assert claim is not None
    announced = [i.message_id for i in claim.items if i.kind == "newcomer"]
    assert sorted(announced) == sorted(expected)
    assert summary.newcomer_first_messages == len(expected) == 4
