"""The transcript page from small hand-built posts: escaping, Discord markdown, counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.cli.demo import summary
from bot.demo.capture import Image, Post
from bot.demo.page import Counts, render
from bot.demo.run import Outcome

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Rome


def outcome(*posts: Post) -> Outcome:
    return Outcome(
        days=1,
        messages=1,
        members=1,
        posts=list(posts),
        files={},
        names={7: "<img src=x onerror=alert(1)>"},
        places={9: "#help"},
    )


def post(content: str = "", **fields: object) -> Post:
    values: dict[str, object] = {
        "at": AT,
        "place": "#community-team",
        "content": content,
        "embeds": (),
        "files": (),
        "kind": "post",
        "message_id": 1,
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


def test_what_members_wrote_is_escaped_and_markdown_becomes_html() -> None:
    html = render(
        outcome(post("<b>hi</b> **bold** by <@7> in <#9> at <t:1772438400:F> `code`")),
        seed=1,
    )

    assert "&lt;b&gt;hi&lt;/b&gt; <strong>bold</strong>" in html
    assert '<span class="mention">@&lt;img src=x onerror=alert(1)&gt;</span>' in html
    assert '<span class="mention">#help</span>' in html
    assert '<time class="stamp">Mon 2 Mar 2026, 09:00</time>' in html
    assert "<code>code</code>" in html
    assert "<img src=x" not in html


def test_a_link_into_discord_is_shown_not_followed() -> None:
    html = render(outcome(post("[Jump](https://discord.com/channels/1/2/3)")), seed=1)

    assert '<span class="link" title="https://discord.com/channels/1/2/3">Jump</span>' in html
    assert "href=" not in html.split("<main>")[1]


def test_an_embed_shows_its_chart_from_the_assets_folder() -> None:
    embed = {
        "title": "Daily digest — 2026-03-01",
        "color": 0x2ECC71,
        "fields": [{"name": "Messages", "value": "26", "inline": True}],
        "image": {"url": "attachment://trend.png"},
    }
    chart = Image("trend.png", "assets/001-trend.png")

    html = render(outcome(post(embeds=(embed,), files=(chart,))), seed=1)

    assert 'style="border-left-color: #2ecc71"' in html
    assert '<img src="assets/001-trend.png" alt="Chart attached to the post: Daily' in html
    assert html.count("assets/001-trend.png") == 1  # in the embed, not again below it
    assert '<div class="name">Messages</div><div class="content">26</div>' in html


def test_a_private_answer_says_who_alone_sees_it() -> None:
    answer = post(
        "Done.", kind="answer", ephemeral=True, invoker="frank", command="/privacy optout"
    )

    html = render(outcome(answer), seed=1)

    assert "<b>frank</b> used <code>/privacy optout</code>" in html
    assert "Only frank can see this" in html


def test_the_closing_summary_counts_in_words() -> None:
    one = Counts(days=3, messages=1, members=1, digests=1, board_versions=1, dms=1, answers=1)
    many = Counts(
        days=21, messages=1234, members=14, digests=21, board_versions=9, dms=5, answers=17
    )
    out = Path("ascolto-demo")

    assert summary(one, out, out / "index.html").splitlines()[0] == (
        "3 days simulated: 1 message by 1 member; 1 digest, 1 version of the alert board, "
        "1 DM, 1 command answer."
    )
    assert summary(many, out, out / "index.html").splitlines()[0] == (
        "21 days simulated: 1,234 messages by 14 members; 21 digests, 9 versions of the "
        "alert board, 5 DMs, 17 command answers."
    )


def test_a_message_shown_twice_in_a_minute_has_two_anchors() -> None:
    asked = post("", kind="answer", invoker="alice", command="/inbox", message_id=5)
    after = post(
        "", kind="answer", invoker="alice", command="/inbox", message_id=5, pressed="Done 1"
    )

    html = render(outcome(asked, after), seed=1)

    assert 'id="m5-0900"' in html and 'id="m5-0900-2"' in html
    assert "<b>alice</b> used <code>/inbox</code>" in html
    assert "<b>alice</b> pressed <b>Done 1</b> on the answer to <code>/inbox</code>" in html
