"""What reminders look like: grouped alerts, marks and the inbox (the daily DM: test_nudges)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.render.reminders import (
    alert_embed,
    excerpt,
    inbox_embed,
    unanswered_embed,
)
from bot.store.alerts import AlertItem
from bot.store.inbox import InboxItem

GUILD = 1000
ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def question(n: int, kind: str = "question", text: str | None = "Anyone?") -> AlertItem:
    return AlertItem(kind, 500 + n, 10 + n, 2000, None, ASKED + timedelta(minutes=n), text)


def test_an_alert_lists_ten_items_then_counts_the_rest() -> None:
    items = [(question(n), None) for n in range(12)]

    embed = alert_embed(GUILD, items)

    lines = [line for line in (embed.description or "").splitlines() if not line.startswith(">")]
    assert embed.title == "12 waiting for an answer"
    assert len(lines) == 11
    assert lines[-1] == "…and 2 more. `/unanswered` lists every open question."
    assert "/2000/500)" in lines[0] and "/2000/509)" in lines[9]


def test_answered_items_are_struck_through_and_the_title_counts_what_is_open() -> None:
    answered = ASKED + timedelta(hours=3)
    items = [(question(0), answered), (question(1, "newcomer"), None)]

    embed = alert_embed(GUILD, items)
    done = alert_embed(GUILD, [(question(0), answered)])

    text = embed.description or ""
    assert embed.title == "1 waiting for an answer"
    assert "✅ ~~Question by <@10>" in text and "answered <t:" in text
    assert "🌱 First message from newcomer by <@11>" in text
    assert done.title == "All answered, thank you"


def test_text_is_quoted_only_for_the_items_named_quotable() -> None:
    secret, public = question(0, text="Is he on the ban list?"), question(1, text="Any slides?")
    mine = [
        InboxItem(600 + n, 20, 2000, None, ASKED, "mention", text)
        for n, text in enumerate(("ban list", "slides"))
    ]

    texts = [
        alert_embed(GUILD, [(secret, None), (public, None)], frozenset({501})).description,
        unanswered_embed(GUILD, [secret, public], 0, 1, 2, frozenset({501})).description,
        inbox_embed(GUILD, mine, 2, frozenset({601})).description,
    ]
    unnamed = alert_embed(GUILD, [(secret, None), (public, None)]).description or ""

    for text in texts:
        assert text is not None and "slides" in text.lower() and "ban list" not in text
        assert "/2000/500)" in text or "/2000/600)" in text  # still listed: who, where, when
    assert "/2000/500)" in unnamed and "\n> " not in unnamed  # nothing named: nothing quoted


def test_an_excerpt_is_one_quoted_line_escaped_and_cut() -> None:
    assert excerpt(None) == "" and excerpt("") == ""
    assert excerpt("how do I *join*\nthe call?") == "\n> how do I \\*join\\* the call?"
    long = excerpt("word " * 100)
    assert len(long) <= 3 + 120 and long.endswith("…")


def test_an_empty_inbox_says_so_and_a_full_one_numbers_its_items() -> None:
    items = [
        InboxItem(600 + n, 20, 2000, 3000 if n else None, ASKED, kind, None)
        for n, kind in enumerate(("reply", "mention"))
    ]

    assert inbox_embed(GUILD, [], 0).title == "Your inbox is empty"
    embed = inbox_embed(GUILD, items, 12)

    text = embed.description or ""
    assert embed.title == "12 waiting for your reply"
    assert text.startswith("**1.** <@20> replied to you in <#2000>")
    assert "**2.** <@20> mentioned you in <#3000>" in text
    assert text.endswith("…and 10 older.")
