"""Every docs/metrics.md definition, on small hand-built histories."""

from __future__ import annotations

from datetime import date

from bot.analysis.days import day_bounds
from bot.analysis.summary import Broadcaster, TopConnector, TopConversation
from bot.events import MessageKind
from tests.store.history import GENERAL, GUILD, RANDOM, History

A, B, C, D, N = 11, 12, 13, 14, 15


async def test_a_day_without_data_is_all_zero_and_no_ratio(history: History) -> None:
    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.active_members, summary.reactions) == (0, 0, 0)
    assert summary.listening_ratio is None
    assert summary.response_rate is None
    assert summary.median_first_response_seconds is None
    assert (summary.top_connectors, summary.broadcasters, summary.top_conversations) == ((), (), ())
    assert summary.is_quiet


async def test_talking_and_listening(history: History) -> None:
    first = history.post(A, "2026-03-02 09:00", "Morning all")
    history.post(B, "2026-03-02 09:05", f"Hi <@{A}>", reply_to=first, mentions=(A,))
    history.post(A, "2026-03-02 09:06", "And another thing", reply_to=first)  # self-reply
    history.post(C, "2026-03-02 09:07", f"cc <@{B}>", mentions=(B,))  # a mention is talk
    history.react(B, first, "2026-03-02 09:10", "👍")
    history.react(B, first, "2026-03-02 09:11", "🎉")  # one reaction per member and message
    history.react(A, first, "2026-03-02 09:12")  # one's own message: no interaction

    summary = await history.summary("2026-03-02")

    assert summary.messages == 4
    assert summary.replies == 1  # the reply that also mentions is one reply
    assert summary.conversation_starters == 3
    assert summary.reactions == 1
    assert summary.listening_ratio == round((1 + 1) / (4 + 1), 3)
    assert summary.active_members == 3
    assert summary.active_connections == 2  # {A,B} and {B,C}


async def test_deleted_messages_leave_every_number(history: History) -> None:
    question = history.post(A, "2026-03-02 09:00", "Anyone?")
    answer = history.post(B, "2026-03-02 09:05", "me", reply_to=question)
    history.delete(answer, "2026-03-02 10:00")

    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.replies, summary.questions_answered) == (1, 0, 0)
    assert (summary.active_connections, summary.new_connections, summary.network_size) == (0, 0, 0)


async def test_system_and_empty_messages_are_not_messages(history: History) -> None:
    join_notice = history.post(N, "2026-03-02 08:00", "", kind=MessageKind.SYSTEM)
    history.post(A, "2026-03-02 08:01", "", kind=MessageKind.EMPTY)
    history.react(B, join_notice, "2026-03-02 08:02", "👋")

    summary = await history.summary("2026-03-02")

    assert summary.messages == 0
    assert summary.reactions == 1  # welcoming the newcomer is an interaction
    assert summary.active_members == 1


async def test_opted_out_members_appear_in_no_number(history: History) -> None:
    question = history.post(A, "2026-03-02 09:00", "Plans?")
    history.post(B, "2026-03-02 09:05", "Park", reply_to=question)
    history.react(C, question, "2026-03-02 09:06")
    await history.policy.opt_out(GUILD, A)

    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.replies, summary.reactions) == (1, 0, 0)
    assert summary.questions == 0
    assert summary.active_members == 1
    assert summary.network_size == 0


async def test_thread_replies_listen_to_the_threads_owner(history: History) -> None:
    starter = history.post(A, "2026-03-02 09:00", "Release plan")
    in_thread = history.post(B, "2026-03-02 09:10", "I'll test", thread=starter)
    history.post(A, "2026-03-02 09:20", "thanks", thread=starter)  # the owner in their thread

    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.replies, summary.conversation_starters) == (3, 1, 2)
    assert summary.top_conversations == (
        TopConversation(channel_id=starter, message_id=in_thread, messages=2, participants=2),
    )


async def test_questions_and_first_responses(history: History) -> None:
    replied = history.post(A, "2026-03-02 10:00", "How do I join the call?")
    history.post(A, "2026-03-02 10:01", "still stuck", reply_to=replied)  # the asker
    history.post(B, "2026-03-02 10:05", "Top right button", reply_to=replied)
    history.post(C, "2026-03-02 11:00", "Is the wiki up to date?")
    history.post(B, "2026-03-02 11:30", f"<@{C}> mostly", mentions=(C,))
    history.post(D, "2026-03-02 12:00", "Lunch?")
    history.post(B, "2026-03-02 12:10", f"<@{D}> sure", mentions=(D,), channel=RANDOM)
    history.post(A, "2026-03-02 13:00", "Not a question: a?b")

    summary = await history.summary("2026-03-02")

    assert summary.questions == 3
    assert summary.questions_answered == 2  # a mention in another channel is no response
    assert summary.unanswered_questions == 1
    assert summary.response_rate == round(2 / 3, 3)
    assert summary.median_first_response_seconds == (300 + 1800) / 2


async def test_responses_count_only_until_the_summary_is_computed(history: History) -> None:
    question = history.post(A, "2026-03-02 22:00", "Anyone still awake?")
    history.post(B, "2026-03-03 07:00", "Morning!", reply_to=question)

    early = await history.summary("2026-03-02", computed_at="2026-03-03T00:00:00.000Z")
    later = await history.summary("2026-03-02", computed_at="2026-03-03T08:00:00.000Z")

    assert (early.questions_answered, later.questions_answered) == (0, 1)
    assert later.median_first_response_seconds == 9 * 3600
    assert later.computed_at == "2026-03-03T08:00:00.000Z"


async def test_a_mention_more_than_a_day_later_is_no_response(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "Who has the keys?")
    history.post(B, "2026-03-03 09:01", f"<@{A}> I do", mentions=(A,))

    summary = await history.summary("2026-03-02")

    assert summary.questions_answered == 0


async def test_a_forum_post_is_a_question_answered_inside_it(history: History) -> None:
    post = history.thread_id("2026-03-02 09:00")
    history.post(A, "2026-03-02 09:00", "Bug report: login fails", thread=post, forum_post=True)
    history.post(B, "2026-03-02 09:30", "Which browser", thread=post)

    summary = await history.summary("2026-03-02")

    assert (summary.questions, summary.questions_answered) == (1, 1)
    assert summary.median_first_response_seconds == 1800
    assert summary.replies == 1  # B's message listens to the post's owner


async def test_days_follow_the_guilds_time_zone(history: History) -> None:
    history.post(A, "2026-03-01 23:30", "late in London, early in Rome")

    in_utc = await history.summary("2026-03-01")
    in_rome = await history.summary("2026-03-02", timezone="Europe/Rome")

    assert in_utc.messages == 1
    assert in_rome.messages == 1
    assert in_rome.timezone == "Europe/Rome"


def test_a_daylight_saving_day_is_23_or_25_hours_long() -> None:
    assert day_bounds(date(2026, 3, 29), "Europe/Rome") == (
        "2026-03-28T23:00:00.000Z",
        "2026-03-29T22:00:00.000Z",
    )
    assert day_bounds(date(2026, 10, 25), "Europe/Rome") == (
        "2026-10-24T22:00:00.000Z",
        "2026-10-25T23:00:00.000Z",
    )


async def test_a_daylight_saving_day_counts_its_late_hours(history: History) -> None:
    history.post(A, "2026-10-25 22:30", "23:30 in Rome, on the 25-hour day")
    history.post(A, "2026-10-25 23:30", "00:30 in Rome, the next day")

    summary = await history.summary("2026-10-25", timezone="Europe/Rome")

    assert summary.messages == 1


async def test_connections_new_reciprocal_and_network_growth(history: History) -> None:
    old = history.post(A, "2026-02-20 10:00", "old times")
    history.post(B, "2026-02-20 10:05", "indeed", reply_to=old)  # {A,B} first on Feb 20
    history.post(B, "2026-02-26 10:00", f"hey <@{C}>", mentions=(C,))  # {B,C} on Feb 26
    a_today = history.post(A, "2026-03-02 10:00", "new day")
    history.post(B, "2026-03-02 10:05", "yes", reply_to=a_today)  # {A,B}: B->A only today
    c_today = history.post(C, "2026-03-02 11:00", f"<@{A}> hello", mentions=(A,))
    history.post(A, "2026-03-02 11:05", "hello C", reply_to=c_today)  # {A,C} both ways

    summary = await history.summary("2026-03-02")

    assert summary.active_connections == 2
    assert summary.new_connections == 1
    assert summary.reciprocal_connections == 1
    assert summary.network_size == 3
    assert summary.network_growth_7d == 3 - 1  # on Feb 23 the network was {A,B}


async def test_newcomers_and_their_first_messages(history: History) -> None:
    history.join(N, "2026-02-28 12:00")
    history.join(D, "2026-03-02 08:00")  # joins today, does not post
    history.post(A, "2026-02-01 10:00", "an old regular")
    history.post(B, "2026-02-01 10:00", "another one")
    newcomer = history.post(N, "2026-03-02 09:00", "Hi, I'm new")
    history.post(B, "2026-03-02 09:30", "Welcome!", reply_to=newcomer)
    history.post(C, "2026-03-02 10:00", "first message in the store, no join seen")
    history.post(A, "2026-03-02 11:00", "regular again")

    summary = await history.summary("2026-03-02")

    assert summary.new_members == 1
    # N (joined 2 days ago) and C (imported-style, no join: its first message counts).
    assert summary.newcomer_first_messages == 2
    assert summary.newcomers_answered == 1


async def test_top_connectors_and_broadcasters(history: History) -> None:
    for minute, member in enumerate((B, C, D)):
        history.post(A, f"2026-03-02 09:0{minute}", f"<@{member}>", mentions=(member,))
    history.post(B, "2026-03-02 10:00", f"<@{C}>", mentions=(C,))
    for minute in range(6):
        history.post(D, f"2026-03-01 12:0{minute}", "my announcement")
    for minute in range(4):
        history.post(N, f"2026-03-01 13:0{minute}", "too few to be a broadcaster")

    summary = await history.summary("2026-03-02")

    assert summary.top_connectors == (
        TopConnector(user_id=A, name=f"member {A}", connections=3),
        TopConnector(user_id=B, name=f"member {B}", connections=2),
        TopConnector(user_id=C, name=None, connections=2),  # never posted: no name known
        TopConnector(user_id=D, name=f"member {D}", connections=1),
    )
    assert summary.broadcasters == (
        Broadcaster(user_id=D, name=f"member {D}", messages=6, listening_ratio=0.0),
    )


async def test_top_conversations_are_reply_trees_and_threads(history: History) -> None:
    root = history.post(A, "2026-03-02 09:00", "Topic one")
    reply = history.post(B, "2026-03-02 09:01", "re", reply_to=root)
    history.post(C, "2026-03-02 09:02", "re re", reply_to=reply)
    thread = history.thread_id("2026-03-02 10:00")
    first_in_thread = history.post(D, "2026-03-02 10:00", "thread start", thread=thread)
    for minute in range(1, 4):
        history.post(A, f"2026-03-02 10:0{minute}", "more", thread=thread)
    history.post(N, "2026-03-02 11:00", "alone")

    summary = await history.summary("2026-03-02")

    assert summary.top_conversations == (
        TopConversation(channel_id=thread, message_id=first_in_thread, messages=4, participants=2),
        TopConversation(channel_id=2000, message_id=root, messages=3, participants=3),
    )


async def test_stored_summaries_round_trip_and_recomputing_replaces(history: History) -> None:
    history.post(A, "2026-03-02 09:00", "Hello?")
    first = await history.summary("2026-03-02", computed_at="2026-03-03T00:00:00.000Z")
    await history.store.summaries.save(first)
    history.post(B, "2026-03-02 09:30", f"<@{A}> hi", mentions=(A,))
    second = await history.summary("2026-03-02", computed_at="2026-03-03T01:00:00.000Z")
    await history.store.summaries.save(second)

    stored = await history.store.summaries.stored(GUILD, date(2026, 3, 1), date(2026, 3, 3))

    assert stored == [second]
    assert stored[0].to_json()["questions_answered"] == 1


async def test_opting_out_removes_the_member_from_stored_per_person_lists(
    history: History,
) -> None:
    history.post(A, "2026-03-02 09:00", f"<@{B}> <@{C}>", mentions=(B, C))
    await history.store.summaries.save(await history.summary("2026-03-02"))

    await history.policy.opt_out(GUILD, A)

    [kept] = await history.store.summaries.stored(GUILD, date(2026, 3, 2), date(2026, 3, 2))
    assert [c.user_id for c in kept.top_connectors] == [B, C]
    assert kept.messages == 1  # counts name no one and stay as they were


async def test_a_reply_edited_into_nothing_no_longer_listens(history: History) -> None:
    question = history.post(A, "2026-03-02 09:00", "Ideas?")
    reply = history.post(B, "2026-03-02 09:05", "yes", reply_to=question)
    history.edit(reply, "2026-03-02 09:06", "", kind=MessageKind.EMPTY)

    summary = await history.summary("2026-03-02")

    assert (summary.messages, summary.replies, summary.questions_answered) == (1, 0, 0)
    assert summary.active_connections == 0


async def test_a_reply_tree_whose_root_is_unknown_starts_at_its_first_known_reply(
    history: History,
) -> None:
    before_the_bot = 4242  # a message the store never saw
    first = history.post(A, "2026-03-02 09:00", "re", reply_to=before_the_bot)
    history.post(B, "2026-03-02 09:01", "re re", reply_to=first)
    history.post(C, "2026-03-02 09:02", "re re re", reply_to=first)
    history.post(D, "2026-03-02 09:03", "a thought of my own")

    summary = await history.summary("2026-03-02")

    assert summary.top_conversations == (
        TopConversation(channel_id=GENERAL, message_id=first, messages=3, participants=3),
    )


async def _remind(
    history: History,
    kind: str,
    sent_at: str,
    answered_at: str | None = None,
    *,
    guild: int = GUILD,
    message_id: int | None = None,
    user_id: int | None = None,
) -> None:
    """A ``reminders`` row, as the reminder cogs write them."""
    await history.store.flush()
    async with history.store.transaction() as db:
        await db.execute(
            """INSERT INTO reminders (guild_id, kind, user_id, message_id, sent_at, answered_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (guild, kind, user_id, message_id, sent_at, answered_at),
        )


async def test_reminders_sent_are_the_days_rows_of_the_guild(history: History) -> None:
    question = history.post(A, "2026-03-02 08:00", "Anyone?")
    first = history.post(N, "2026-03-02 08:30", "hi all")
    await _remind(history, "question", "2026-03-02T09:00:00.000Z", message_id=question)
    await _remind(history, "newcomer", "2026-03-02T09:00:00.000Z", message_id=first)
    await _remind(history, "inbox", "2026-03-02T00:00:00.000Z", message_id=question, user_id=B)
    await _remind(history, "listening", "2026-03-02T23:59:59.999Z", user_id=C)
    # Not that day, or not that guild.
    await _remind(history, "listening", "2026-03-01T23:59:59.999Z", user_id=C)
    await _remind(history, "listening", "2026-03-03T00:00:00.000Z", user_id=C)
    await _remind(history, "listening", "2026-03-02T12:00:00.000Z", guild=GUILD + 1, user_id=C)

    summary = await history.summary("2026-03-02")

    assert (summary.reminders_sent, summary.reminders_followed) == (4, 0)


async def test_reminders_sent_follow_the_guilds_time_zone(history: History) -> None:
    # 2026-03-02 in Rome (UTC+1) is [03-01 23:00, 03-02 23:00) UTC.
    await _remind(history, "listening", "2026-03-01T23:00:00.000Z", user_id=C)
    await _remind(history, "listening", "2026-03-02T23:00:00.000Z", user_id=C)

    summary = await history.summary("2026-03-02", timezone="Europe/Rome")

    assert summary.reminders_sent == 1


async def test_reminders_followed_are_answered_within_24_hours(history: History) -> None:
    sent = "2026-03-02T10:00:00.000Z"
    await _remind(history, "listening", sent, "2026-03-02T10:05:00.000Z", user_id=A)
    await _remind(history, "listening", sent, "2026-03-03T10:00:00.000Z", user_id=B)  # 24 h
    await _remind(history, "listening", sent, "2026-03-03T10:00:00.001Z", user_id=C)  # later
    await _remind(history, "listening", sent, "2026-03-03T11:00:00.000Z", user_id=D)  # 25 h
    await _remind(history, "listening", sent, None, user_id=N)  # never

    summary = await history.summary("2026-03-02")

    assert (summary.reminders_sent, summary.reminders_followed) == (5, 2)


async def test_reminders_answered_after_computing_are_not_followed_yet(
    history: History,
) -> None:
    sent = "2026-03-02T20:00:00.000Z"
    await _remind(history, "listening", sent, "2026-03-02T21:00:00.000Z", user_id=A)
    await _remind(history, "listening", sent, "2026-03-03T01:00:00.000Z", user_id=B)

    early = await history.summary("2026-03-02", computed_at="2026-03-03T00:05:00.000Z")
    at_the_answer = await history.summary("2026-03-02", computed_at="2026-03-03T01:00:00.000Z")

    assert (early.reminders_sent, early.reminders_followed) == (2, 1)
    assert at_the_answer.reminders_followed == 2


async def test_stored_summaries_keep_the_reminders(history: History) -> None:
    await _remind(history, "listening", "2026-03-02T10:00:00.000Z", user_id=A)
    await _remind(
        history, "listening", "2026-03-02T11:00:00.000Z", "2026-03-02T12:00:00.000Z", user_id=B
    )
    summary = await history.summary("2026-03-02", computed_at="2026-03-03T00:00:00.000Z")
    await history.store.summaries.save(summary)

    [stored] = await history.store.summaries.stored(GUILD, date(2026, 3, 2), date(2026, 3, 2))

    assert stored == summary
    assert (stored.reminders_sent, stored.reminders_followed) == (2, 1)
    assert (stored.to_json()["reminders_sent"], stored.to_json()["reminders_followed"]) == (2, 1)


# Rounding: the broadcaster test compares exact ratios; every ratio rounds one way


async def test_a_ratio_just_below_the_limit_makes_a_broadcaster_though_it_shows_as_the_limit(
    history: History,
) -> None:
    announcement = history.post(B, "2026-02-28 08:00", "New rules")
    for i in range(401):  # 80 replies in 401 messages: a listening ratio of 0.1995
        when = f"2026-03-02 {10 + i // 60:02d}:{i % 60:02d}"
        history.post(D, when, "noted", reply_to=announcement if i < 80 else None)

    summary = await history.summary("2026-03-02")

    # Rounded before the test (to 0.2, not below 0.2), D was not on the list.
    assert summary.broadcasters == (
        Broadcaster(user_id=D, name=f"member {D}", messages=401, listening_ratio=0.2),
    )


async def test_a_members_week_and_the_day_round_a_half_the_same_way(history: History) -> None:
    announcement = history.post(B, "2026-02-20 08:00", "New rules")
    for minute in range(16):  # 1 reply in 16 messages: 0.0625
        history.post(
            D,
            f"2026-03-02 10:{minute:02d}",
            "noted",
            reply_to=announcement if minute == 0 else None,
        )

    summary = await history.summary("2026-03-02")

    # SQLite rounded D's half up to 0.063 while Python took the day's to even, 0.062.
    assert summary.listening_ratio == 0.063
    assert summary.broadcasters[0].listening_ratio == 0.063
