"""The digest's "Waiting now" and "Went unanswered" fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord

from bot.render.digest_waiting import add_waiting_fields, waiting_embed, waiting_now_text
from bot.store.alerts import AlertItem, WaitingNow

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


def link(where: int, message: int) -> str:
    return f"https://discord.com/channels/1000/{where}/{message}"


def item(n: int, kind: str = "question") -> AlertItem:
    return AlertItem(kind, 500 + n, 10 + n, 2000, None, NOW - timedelta(days=8), "secret text")


def fields(waiting: WaitingNow | None, went: list[AlertItem], *, show_people: bool) -> dict:
    embed = discord.Embed()
    add_waiting_fields(embed, waiting, went, now=NOW, show_people=show_people, jump_url=link)
    return {field.name: field.value for field in embed.fields}


def test_waiting_now_counts_each_kind_and_the_oldests_age_in_words() -> None:
    three_days = NOW - timedelta(days=3, hours=2)

    assert waiting_now_text(WaitingNow(2, 1, three_days), NOW) == (
        "2 questions and 1 newcomer wait for a response, the oldest for 3 days: see `/unanswered`."
    )
    assert waiting_now_text(WaitingNow(1, 0, NOW - timedelta(hours=5)), NOW) == (
        "1 question waits for a response, for 5 hours: see `/unanswered`."
    )
    assert waiting_now_text(WaitingNow(0, 0, None), NOW) == "Nothing is waiting."


def test_went_unanswered_lists_what_where_and_when_and_names_only_with_show_people() -> None:
    went = [item(0), item(1, "newcomer")]

    anonymous = fields(WaitingNow(0, 0, None), went, show_people=False)
    named = fields(None, went, show_people=True)

    lines = anonymous["Went unanswered"].splitlines()
    assert lines[0].startswith("• Question in <#2000>, asked <t:")
    assert lines[1].startswith("• Newcomer's first message in <#2000>")
    assert "(https://discord.com/channels/1000/2000/500)" in lines[0]
    assert "<@" not in anonymous["Went unanswered"] and "secret" not in anonymous["Went unanswered"]
    assert anonymous["Waiting now"] == "Nothing is waiting."
    assert "• Question by <@10> in <#2000>" in named["Went unanswered"]
    assert "Waiting now" not in named


def test_nothing_went_unanswered_adds_no_field_and_a_long_list_fits_and_counts_the_rest() -> None:
    many = [item(n) for n in range(25)]

    assert "Went unanswered" not in fields(WaitingNow(1, 0, NOW), [], show_people=False)
    text = fields(None, many, show_people=True)["Went unanswered"]

    assert len(text) <= 1024
    shown = sum(1 for line in text.splitlines() if line.startswith("•"))
    assert text.splitlines()[-1] == (
        f"…and {25 - shown} more: `/unanswered expired:true` lists them."
    )


def test_a_quiet_days_digest_carries_what_went_unanswered_and_nothing_else() -> None:
    quiet = SimpleNamespace(waiting=WaitingNow(0, 0, None), went_unanswered=(), show_people=False)
    went = SimpleNamespace(
        waiting=WaitingNow(0, 0, None), went_unanswered=(item(0),), show_people=False
    )

    assert waiting_embed(quiet, link, NOW) is None
    embed = waiting_embed(went, link, NOW)
    assert embed is not None
    assert [f.name for f in embed.fields] == ["Waiting now", "Went unanswered"]
