"""The /member and /me embed's words: ages, join dates, standing, plurals."""

from __future__ import annotations

from datetime import date

from bot.render.profile import (
    days_ago,
    first_message_text,
    joined_text,
    own_week_line,
    profile_embed,
    standing_lines,
)
from bot.store.profiles import Profile
from bot.summaries import MemberProfile

TODAY = date(2026, 3, 10)


def found(
    *,
    messages: int = 3,
    replies: int = 1,
    reactions: int = 0,
    joined: date | None = date(2026, 1, 5),
    first: date | None = date(2026, 1, 6),
    newcomer: bool = False,
    broadcaster: bool = False,
) -> MemberProfile:
    return MemberProfile(
        profile=Profile(messages, replies, reactions, 2, 1, 0, 0),
        timezone="Europe/Rome",
        today=TODAY,
        joined=joined,
        first_message=first,
        newcomer=newcomer,
        broadcaster=broadcaster,
    )


def test_days_ago_reads_as_people_say_it():
    assert days_ago(TODAY, TODAY) == "today"
    assert days_ago(date(2026, 3, 9), TODAY) == "yesterday"
    assert days_ago(date(2026, 3, 8), TODAY) == "2 days ago"
    assert days_ago(date(2025, 3, 10), TODAY) == "365 days ago"


def test_join_and_first_message_say_why_they_are_missing():
    assert joined_text(found()) == "2026-01-05 (64 days ago)"
    assert first_message_text(found()) == "2026-01-06 (63 days ago)"
    imported = found(joined=None)
    assert joined_text(imported) == "Unknown: the imported history shows no join"
    silent = found(joined=None, first=None)
    assert joined_text(silent) == "Unknown: before Ascolto arrived"
    assert first_message_text(silent) == "None yet"


def test_standing_names_a_newcomer_and_a_broadcaster_and_says_when_neither():
    new = found(joined=date(2026, 3, 8), first=None, newcomer=True)
    both = found(messages=1, replies=0, joined=TODAY, first=TODAY, newcomer=True, broadcaster=True)
    imported_newcomer = found(joined=None, first=date(2026, 3, 9), newcomer=True)

    assert standing_lines(new) == (
        "🌱 **Newcomer** (joined 2 days ago, no message yet): "
        "a welcome or a reply now matters most."
    )
    assert standing_lines(both).splitlines() == [
        "🌱 **Newcomer** (joined today): a welcome or a reply now matters most.",
        "📣 **Broadcaster this week**: 1 message, listening ratio 0%. "
        "An invitation into a conversation may help.",
    ]
    assert standing_lines(imported_newcomer).startswith(
        "🌱 **Newcomer** (first message yesterday, join unknown)"
    )
    assert standing_lines(found()) == "Not a newcomer, and not a broadcaster this week."


def test_the_members_own_line_is_gentle_and_counts_right():
    one = found(messages=1, replies=0, reactions=1, broadcaster=True)
    many = found(messages=12, replies=1, reactions=2, broadcaster=True)

    assert own_week_line(found()) == ""
    assert own_week_line(one) == (
        "You posted 1 message and replied or reacted 1 time this week: "
        "others' questions are waiting, see /inbox."
    )
    assert own_week_line(many).startswith("You posted 12 messages and replied or reacted 3 times")


def test_the_member_sees_no_label_and_the_manager_sees_the_standing():
    newcomer = found(newcomer=True, joined=TODAY, first=TODAY)

    own = profile_embed("alice", newcomer, own=True)
    managers = profile_embed("alice", newcomer, own=False)

    assert own.description is None
    assert managers.description is not None and "Newcomer" in managers.description
    assert "Dates in Europe/Rome time." in str(own.footer.text)
    assert "Only you see this" in str(own.footer.text)
    assert str(managers.footer.text) == "Dates in Europe/Rome time."
