"""What reminders look like: the board, /unanswered and the inbox (the daily DM: test_nudges)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import discord

from bot.render.reminders import (
    board_embed,
    board_signature,
    inbox_embed,
    moved_embed,
    quote,
    unanswered_embed,
    waiting_title,
)
from bot.store.alerts import AlertItem, Board
from bot.store.inbox import InboxItem

GUILD = 1000
ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def question(n: int, kind: str = "question", text: str | None = "Anyone?") -> AlertItem:
    return AlertItem(kind, 500 + n, 10 + n, 2000, None, ASKED + timedelta(minutes=n), text)


def board(*items: AlertItem, questions: int | None = None, newcomers: int = 0) -> Board:
    counted = sum(1 for i in items if i.kind == "question") if questions is None else questions
    return Board(counted, newcomers or sum(1 for i in items if i.kind == "newcomer"), items)


def test_a_board_lists_ten_items_then_counts_the_rest_under_the_guilds_total() -> None:
    items = [question(n) for n in range(10)]

    embed = board_embed(GUILD, board(*items, questions=11, newcomers=1))

    lines = [line for line in (embed.description or "").splitlines() if not line.startswith(">")]
    assert embed.title == "12 waiting: 11 questions, 1 newcomer"
    assert len(lines) == 11
    assert lines[-1] == "…and 2 more: `/unanswered` lists them all."
    assert "/2000/500)" in lines[0] and "/2000/509)" in lines[9]
    assert "after 7 days without one" in (embed.footer.text or "")


def test_a_boards_title_counts_each_kind_in_the_singular_or_plural() -> None:
    assert waiting_title(1, 0) == "1 question waiting"
    assert waiting_title(0, 2) == "2 newcomers waiting"
    assert waiting_title(2, 1) == "3 waiting: 2 questions, 1 newcomer"
    assert waiting_title(1, 1) == "2 waiting: 1 question, 1 newcomer"


def test_each_line_says_what_who_where_whom_it_was_asked_of_and_if_it_was_seen() -> None:
    asked = replace(question(0), addressed_to=(31, 32), reactions=2)
    seen = replace(question(1, "newcomer"), reactions=1)

    text = board_embed(GUILD, board(asked, seen)).description or ""

    first, second = text.splitlines()
    assert first.startswith("❓ Question by <@10> in <#2000>, <t:")
    assert ", asked of <@31> and <@32> · 2 reactions, no reply yet · [Jump](" in first
    assert second.startswith("🌱 Newcomer's first message by <@11> in <#2000>")
    assert "1 reaction, no reply yet" in second


def test_an_empty_board_says_nothing_waits_in_green_and_old_boards_claim_nothing() -> None:
    empty = board_embed(GUILD, board())
    moved = moved_embed(GUILD, (3000, 900), 3000)
    nothing_left = moved_embed(GUILD, None, 3000)
    off = moved_embed(GUILD, None, None)

    assert empty.title == "Nothing waiting · all answered, thank you"
    assert empty.colour == discord.Colour.green()
    assert "(https://discord.com/channels/1000/3000/900)" in (moved.description or "")
    assert "<#3000>" in (nothing_left.description or "")
    assert off.title == "Alerts are off"
    for retired in (moved, nothing_left, off):
        assert "waiting" not in (retired.title or "").lower()


def test_the_boards_signature_changes_only_with_what_it_shows() -> None:
    one = board_embed(GUILD, board(question(0)))
    same = board_embed(GUILD, board(question(0)))
    seen = board_embed(GUILD, board(replace(question(0), reactions=1)))

    assert board_signature(one) == board_signature(same) != board_signature(seen)


def test_text_is_quoted_only_for_the_items_named_quotable() -> None:
    secret, public = question(0, text="Is he on the ban list?"), question(1, text="Any slides?")
    mine = [
        InboxItem(600 + n, 20, 2000, None, ASKED, "mention", text)
        for n, text in enumerate(("ban list", "slides"))
    ]

    texts = [
        board_embed(GUILD, board(secret, public), frozenset({501})).description,
        unanswered_embed(GUILD, [secret, public], 0, 1, frozenset({501})).description,
        inbox_embed(GUILD, mine, 2, frozenset({601})).description,
    ]
    unnamed = board_embed(GUILD, board(secret, public)).description or ""

    for text in texts:
        assert text is not None and "slides" in text.lower() and "ban list" not in text
        assert "/2000/500)" in text or "/2000/600)" in text  # still listed: who, where, when
    assert "/2000/500)" in unnamed and "\n> " not in unnamed  # nothing named: nothing quoted


def test_a_quote_is_one_line_escaped_cut_and_harmless() -> None:
    assert quote(None) == "" and quote("") == ""
    assert quote("how do I *join*\nthe call?") == "\n> how do I \\*join\\* the call?"
    assert quote("ask <@20> or @everyone") == "\n> ask @someone or @\u200beveryone"
    long = quote("word " * 100)
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
