"""Which items wait, which an alert pass claims, what the board lists, and what expired."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.store.alerts import AlertSettings
from bot.store.connection import migrations
from tests.helpers import query
from tests.store.history import GUILD, RANDOM, History, at

A, B, C, N = 11, 12, 13, 15
TEAM = 3000
WEEK = 7


async def alerts_on(history: History, since: str) -> AlertSettings:
    """Alerts after 30 minutes (newcomers 20), from ``since``; A and B are regulars."""
    history.post(A, "2026-02-01 09:00", "hello")
    history.post(B, "2026-02-01 09:01", "hi")
    return await history.store.alerts.configure(GUILD, TEAM, 30, 20, at(since))


async def test_a_pass_claims_each_due_item_once_and_moves_its_mark(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    question = history.post(A, "2026-03-02 09:00", "Where is the agenda?")
    history.post(B, "2026-03-02 09:40", "Is this thing on?")  # not due yet at 10:00

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"), WEEK)
    settings = await history.store.alerts.settings(GUILD)
    assert settings is not None
    again = await history.store.alerts.claim_due(settings, at("2026-03-02 10:05"), WEEK)

    assert claim is not None
    assert [(i.kind, i.message_id) for i in claim.items] == [("question", question)]
    assert again is None
    assert settings.checked_until == at("2026-03-02 10:00")
    # One reminder row per item (the summaries count them); no message per claim.
    assert query(history.store.path, "SELECT kind, message_id, post_id FROM reminders") == [
        ("question", question, None)
    ]
    assert query(history.store.path, "SELECT count(*) FROM alert_posts") == [(0,)]


async def test_a_newcomers_first_question_is_announced_once_as_theirs(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    history.join(N, "2026-03-02 08:30")
    first = history.post(N, "2026-03-02 09:00", "Hi! Where do I start?")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 11:00"), WEEK)

    assert claim is not None
    assert [(i.kind, i.message_id) for i in claim.items] == [("newcomer", first)]


async def test_after_a_long_downtime_only_what_has_not_expired_is_announced(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-01 08:00")
    history.post(A, "2026-03-01 09:00", "Too old by the time anyone looks?")
    recent = history.post(B, "2026-03-09 09:00", "Still there?")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-10 08:00"), WEEK)

    assert claim is not None
    assert [i.message_id for i in claim.items] == [recent]


async def test_items_answered_after_the_alert_are_recorded_once_and_leave_the_board(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    question = history.post(A, "2026-03-02 09:00", "Who has the keys?")
    other = history.post(B, "2026-03-02 09:10", "Is the printer fixed?")
    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 10:00"), WEEK)
    assert claim is not None
    before = await history.store.alerts.board(GUILD, at("2026-03-02 10:00"), WEEK, 10)
    history.post(B, "2026-03-02 10:30", "I do", reply_to=question)

    marked = await history.store.alerts.record_answers(at("2026-03-02 11:00"), WEEK)
    again = await history.store.alerts.record_answers(at("2026-03-02 11:05"), WEEK)
    after = await history.store.alerts.board(GUILD, at("2026-03-02 11:05"), WEEK, 10)

    assert marked == [GUILD] and again == []
    assert [i.message_id for i in before.items] == [question, other]
    assert (after.questions, after.newcomers) == (1, 0)
    assert [i.message_id for i in after.items] == [other]
    assert query(
        history.store.path, "SELECT answered_at FROM reminders WHERE message_id = ?", question
    ) == [("2026-03-02T10:30:00.000Z",)]
    summary = await history.summary("2026-03-02")
    assert (summary.reminders_sent, summary.reminders_followed) == (2, 1)


async def test_turning_alerts_on_again_skips_what_fell_due_while_off(history: History) -> None:
    await alerts_on(history, "2026-03-02 08:00")
    await history.store.alerts.disable(GUILD)
    history.post(A, "2026-03-02 09:00", "Anyone?")

    settings = await alerts_on(history, "2026-03-02 12:00")
    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 12:05"), WEEK)

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

    claim = await history.store.alerts.claim_due(settings, at("2026-03-02 23:00"), WEEK)
    summary = await history.summary("2026-03-02")

    assert claim is not None
    announced = [i.message_id for i in claim.items if i.kind == "newcomer"]
    assert sorted(announced) == sorted(expected)
    assert summary.newcomer_first_messages == len(expected) == 4


async def test_a_newcomers_first_message_that_responds_is_taking_part_not_waiting(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    plans = history.post(A, "2026-03-02 08:30", "Meetup on Friday, who comes?")
    history.post(B, "2026-03-02 08:35", "I do", reply_to=plans)
    for member in (21, 22, 23, 24):
        history.join(member, "2026-03-02 08:00")
    history.post(21, "2026-03-02 09:00", "Yes, Friday at 6!", reply_to=plans)
    history.post(22, "2026-03-02 09:01", "Count me in too", mentions=(A,))
    history.post(23, "2026-03-02 09:02", "Can I bring a friend?", reply_to=plans)
    starts = history.post(24, "2026-03-02 09:03", "Hello, I build synths")

    claim = await history.store.alerts.claim_due(settings, at("2026-03-03 09:30"), WEEK)

    assert claim is not None
    # The reply that asks is still a question (asked of alice), the others take part.
    kinds = {i.message_id: (i.kind, i.addressed_to) for i in claim.items}
    assert sorted(kinds.values()) == [("newcomer", ()), ("question", (A,))]
    assert kinds[starts] == ("newcomer", ())


async def test_an_addressed_question_is_announced_only_after_a_day_and_says_of_whom(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    history.post(B, "2026-03-02 08:30", "slides are up")
    asked = history.post(A, "2026-03-02 09:00", "@b can you share the slides?", mentions=(B,))

    early = await history.store.alerts.claim_due(settings, at("2026-03-02 12:00"), WEEK)
    settings = await history.store.alerts.settings(GUILD)
    assert settings is not None
    late = await history.store.alerts.claim_due(settings, at("2026-03-03 09:05"), WEEK)

    assert early is None
    assert late is not None
    assert [(i.message_id, i.addressed_to) for i in late.items] == [(asked, (B,))]


async def test_reactions_count_distinct_members_other_than_the_author(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    history.join(N, "2026-03-02 08:00")
    hello = history.post(N, "2026-03-02 09:00", "Hi all, new here")
    history.react(A, hello, "2026-03-02 09:05", "👋")
    history.react(A, hello, "2026-03-02 09:05", "❤️")
    history.react(B, hello, "2026-03-02 09:06", "❤️")
    history.react(N, hello, "2026-03-02 09:07", "🙂")
    await history.store.alerts.claim_due(settings, at("2026-03-02 10:05"), WEEK)

    board = await history.store.alerts.board(GUILD, at("2026-03-02 10:05"), WEEK, 10)

    assert [(i.kind, i.reactions) for i in board.items] == [("newcomer", 2)]


async def test_the_board_drops_expired_and_deleted_items_and_counts_beyond_the_listed(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    asked = [history.post(A, f"2026-03-02 09:0{n}", f"Question {n}?") for n in range(4)]
    await history.store.alerts.claim_due(settings, at("2026-03-02 12:00"), WEEK)
    history.delete(asked[1], "2026-03-03 09:00")

    listed = await history.store.alerts.board(GUILD, at("2026-03-03 10:00"), WEEK, 2)
    expired = await history.store.alerts.board(GUILD, at("2026-03-09 09:02:30"), WEEK, 10)

    assert listed.total == 3 and [i.message_id for i in listed.items] == [asked[0], asked[2]]
    assert [i.message_id for i in expired.items] == [asked[3]]


async def test_unanswered_lists_questions_and_newcomers_and_expired_ones_apart(
    history: History,
) -> None:
    for regular in (A, B, C):
        history.join(regular, "2026-01-01 08:00")
    await alerts_on(history, "2026-03-01 08:00")
    history.join(N, "2026-03-01 08:00")
    old = history.post(A, "2026-03-01 09:00", "Anyone know a good soldering iron?")
    hello = history.post(N, "2026-03-05 09:00", "Hello! I make pedals")
    asked = history.post(A, "2026-03-06 09:00", "b, are the slides up?", mentions=(B,))
    answered = history.post(B, "2026-03-06 10:00", "Who has the key?")
    history.post(C, "2026-03-06 10:05", "I do", reply_to=answered)
    now = at("2026-03-09 12:00")

    waiting = await history.store.alerts.unanswered(GUILD, now, WEEK)
    gone = await history.store.alerts.unanswered(GUILD, now, WEEK, expired=True)
    older = await history.store.alerts.unanswered(
        GUILD, now, WEEK, older_than=timedelta(days=3, hours=12)
    )
    counts = await history.store.alerts.waiting_now(GUILD, now, WEEK)

    assert [(i.kind, i.message_id) for i in waiting] == [("newcomer", hello), ("question", asked)]
    assert waiting[1].addressed_to == (B,)
    assert [i.message_id for i in gone] == [old]
    assert [i.message_id for i in older] == [hello]
    assert (counts.questions, counts.newcomers, counts.oldest_at) == (1, 1, at("2026-03-05 09:00"))


async def test_an_item_went_unanswered_in_exactly_one_window(history: History) -> None:
    await alerts_on(history, "2026-03-01 08:00")
    lonely = history.post(A, "2026-03-02 09:00", "Does the laser cutter work?")
    late = history.post(B, "2026-03-02 10:00", "Where do I park?")
    history.post(C, "2026-03-09 12:00", "Behind the shop", reply_to=late)  # after it expired
    saved = history.post(B, "2026-03-02 11:00", "Is there tea?")
    history.post(C, "2026-03-05 11:00", "Always", reply_to=saved)

    day = [
        await history.store.alerts.went_unanswered(GUILD, at(start), at(end), WEEK)
        for start, end in (
            ("2026-03-08 00:00", "2026-03-09 00:00"),
            ("2026-03-09 00:00", "2026-03-10 00:00"),
            ("2026-03-10 00:00", "2026-03-11 00:00"),
        )
    ]

    assert [[i.message_id for i in items] for items in day] == [[], [lonely, late], []]


async def test_the_live_board_posts_are_kept_until_retired(history: History) -> None:
    alerts = history.store.alerts
    post = await alerts.board_posted(GUILD, TEAM, 555, "shown-1", at("2026-03-02 10:00"))
    await alerts.board_shown(post, "shown-2")
    [live] = await alerts.live_posts()

    await alerts.retire([post], at("2026-03-03 10:00"))

    assert (live.message_id, live.board, live.shown) == (555, True, "shown-2")
    assert await alerts.live_posts(GUILD) == []


async def test_passes_claim_plain_and_addressed_questions_each_at_its_own_due_pass(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    plain = history.post(A, "2026-03-02 09:00", "Where is the agenda?")
    addressed = history.post(A, "2026-03-02 09:10", "@b where are the slides?", mentions=(B,))
    later = history.post(B, "2026-03-02 09:20", "Who hosts next week?")
    next_day = history.post(B, "2026-03-03 08:40", "Is the room booked?")

    claimed = []
    for when in ("2026-03-02 09:35", "2026-03-02 09:55", "2026-03-03 09:05", "2026-03-03 09:15"):
        claim = await history.store.alerts.claim_due(settings, at(when), WEEK)
        claimed.append([] if claim is None else [i.message_id for i in claim.items])
        fresh = await history.store.alerts.settings(GUILD)
        assert fresh is not None
        settings = fresh

    # Each after 30 minutes, the addressed one after a day: never early, never twice.
    assert claimed == [[plain], [later], [], [addressed, next_day]]


async def test_the_board_drops_the_items_an_opt_out_or_an_exclusion_erased(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    kept = history.post(A, "2026-03-02 09:00", "Still here?")
    forgotten = history.post(B, "2026-03-02 09:01", "Forget me?")
    excluded = history.post(A, "2026-03-02 09:02", "Somewhere else?", channel=RANDOM)
    await history.store.alerts.claim_due(settings, at("2026-03-02 12:00"), WEEK)
    before = await history.store.alerts.board(GUILD, at("2026-03-02 13:00"), WEEK, 10)

    await history.store.consent.forget(GUILD, B, "2026-03-02T13:00:00.000Z")
    await history.store.guild_config.exclude_channel(GUILD, RANDOM, "2026-03-02T13:01:00.000Z")
    after = await history.store.alerts.board(GUILD, at("2026-03-02 14:00"), WEEK, 10)

    assert [i.message_id for i in before.items] == [kept, forgotten, excluded]
    assert (after.questions, [i.message_id for i in after.items]) == (1, [kept])


async def test_an_item_whose_text_retention_erased_stays_on_the_board(history: History) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    asked = history.post(A, "2026-03-02 09:00", "Anyone?")
    await history.store.alerts.claim_due(settings, at("2026-03-02 12:00"), WEEK)

    await history.store.retention.erase_content_before("2026-03-02T10:00:00.000Z")
    board = await history.store.alerts.board(GUILD, at("2026-03-02 13:00"), WEEK, 10)

    assert [(i.message_id, i.excerpt) for i in board.items] == [(asked, None)]


async def test_the_board_keeps_each_items_time_and_deletion_on_its_reminder(
    history: History,
) -> None:
    settings = await alerts_on(history, "2026-03-02 08:00")
    asked = [history.post(A, f"2026-03-02 09:0{n}", f"Question {n}?") for n in range(2)]
    await history.store.alerts.claim_due(settings, at("2026-03-02 12:00"), WEEK)
    history.delete(asked[0], "2026-03-02 12:30")
    await history.store.flush()

    rows = query(
        history.store.path,
        "SELECT message_id, asked_at, gone FROM reminders WHERE user_id IS NULL ORDER BY 1",
    )

    assert rows == [
        (asked[0], "2026-03-02T09:00:00.000Z", 1),
        (asked[1], "2026-03-02T09:01:00.000Z", 0),
    ]


async def test_a_file_from_before_the_board_migration_gets_its_items_times_and_deletions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    shipped = migrations()
    board = next(
        n for n, (_, name, _) in enumerate(shipped) if name.endswith("_reminders_board.sql")
    )
    with sqlite3.connect(path, isolation_level=None) as db:
        for number, _, sql in shipped[:board]:
            db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        db.executemany(
            "INSERT INTO messages (message_id, guild_id, channel_id, author_id, created_at,"
            " is_question, deleted) VALUES (?, ?, ?, ?, ?, 1, ?)",
            [(m, GUILD, 2000, A, f"2026-03-02T09:0{m}:00.000Z", int(m == 2)) for m in (1, 2, 3)],
        )
        db.executemany(
            "INSERT INTO reminders (guild_id, kind, user_id, message_id, author_id, sent_at)"
            " VALUES (?, ?, ?, ?, ?, '2026-03-02T12:00:00.000Z')",
            [
                (GUILD, "question", None, 1, A),
                (GUILD, "question", None, 2, A),
                (GUILD, "newcomer", None, 3, A),
                (GUILD, "inbox", B, 3, A),
            ],
        )

    async with History.opened(path) as history:
        board = await history.store.alerts.board(GUILD, at("2026-03-02 13:00"), WEEK, 10)

    assert (board.questions, board.newcomers) == (1, 1)
    assert [(i.kind, i.message_id) for i in board.items] == [("question", 1), ("newcomer", 3)]
    assert query(
        path, "SELECT message_id, asked_at, gone FROM reminders WHERE user_id IS NULL"
    ) == [
        (1, "2026-03-02T09:01:00.000Z", 0),
        (2, "2026-03-02T09:02:00.000Z", 1),
        (3, "2026-03-02T09:03:00.000Z", 0),
    ]
