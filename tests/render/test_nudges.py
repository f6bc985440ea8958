"""What the daily DM looks like, and what /nudges says about when it comes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from types import SimpleNamespace
from typing import Any

from bot.analysis.nudge_plan import QuietHours
from bot.render.nudges import delivery, nudge_embed
from bot.store.inbox import InboxItem, Suggestion

GUILD = 1000
ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZWSP = "\u200b"


def lab() -> Any:
    """The guild as the DM asks it: its id, name, members' and roles' names."""
    members = {20: SimpleNamespace(display_name="Bob"), 21: SimpleNamespace(display_name="Ann")}
    return SimpleNamespace(id=GUILD, name="Ascolto Lab", get_member=members.get, get_role={}.get)


def item(message_id: int, text: str | None = None, kind: str = "reply") -> InboxItem:
    return InboxItem(message_id, 20, 2000, None, ASKED, kind, text)


def question(text: str | None = "Where are the slides?", newcomer: bool = False) -> Suggestion:
    return Suggestion(700, 21, 2000, 3000, ASKED, text, newcomer)


def test_the_daily_dm_lists_items_and_one_question_to_answer() -> None:
    embed = nudge_embed(lab(), [item(600)], 3, question())

    text = embed.description or ""
    assert embed.title == "Ascolto · Ascolto Lab"
    assert "**Waiting for your reply**" in text and "/2000/600)" in text
    assert "…and 3 more: `/inbox` in Ascolto Lab lists them." in text
    assert "**A question you could answer**" in text and "/3000/700)" in text
    assert "/nudges off" in (embed.footer.text or "")


def test_each_item_says_who_where_when_and_quotes_its_start() -> None:
    items = [
        item(600, "Can you *check* the <@21> poster?\nThanks @everyone"),
        item(601, "See you there", kind="mention"),
    ]

    embed = nudge_embed(lab(), items, 0, None, frozenset({600, 601}))

    lines = (embed.description or "").splitlines()
    assert lines[1].startswith("• <@20> replied to you in <#2000>, <t:")
    assert lines[1].endswith(":R> · [Jump](https://discord.com/channels/1000/2000/600)")
    assert lines[2] == f"> Can you \\*check\\* the @Ann poster? Thanks @{ZWSP}everyone"
    assert lines[3].startswith("• <@20> mentioned you in <#2000>, <t:")
    assert lines[4] == "> See you there"
    assert "question" not in (embed.description or "")


def test_no_quote_where_the_text_is_not_stored_or_not_quotable() -> None:
    items = [item(600, None), item(601, "private plans")]

    text = nudge_embed(lab(), items, 0, question(), frozenset({600})).description or ""

    assert "\n>" not in text and "private plans" not in text and "slides" not in text
    assert "/2000/600)" in text and "/2000/601)" in text and "/3000/700)" in text


def test_the_question_to_answer_names_who_asked_where_and_when() -> None:
    embed = nudge_embed(lab(), [], 0, question(newcomer=True), frozenset({700}))

    text = embed.description or ""
    assert "Waiting for your reply" not in text
    assert text.splitlines()[1:] == [
        f"<@21>, new here, asked in <#3000>, <t:{int(ASKED.timestamp())}:R>, and nobody has "
        "answered yet · [Jump](https://discord.com/channels/1000/3000/700)",
        "> Where are the slides?",
    ]


def test_an_hour_in_the_quiet_hours_says_when_the_dm_really_comes() -> None:
    night = QuietHours(time(21), time(8))

    assert delivery(22, "Europe/Rome", night) == (
        "22:00 falls in this server's quiet hours (21:00 to 08:00), so your DM will come "
        "at 08:00 (Europe/Rome)."
    )
    assert delivery(7, "UTC", night).endswith("so your DM will come at 08:00 (UTC).")
    assert delivery(8, "UTC", night) == ""  # the quiet hours end at 08:00
    assert delivery(20, "UTC", night) == ""
    assert delivery(22, "UTC", None) == ""
    assert "(12:30 to 14:15)" in delivery(13, "UTC", QuietHours(time(12, 30), time(14, 15)))
