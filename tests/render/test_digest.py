"""The digest and /summary embeds: exact text for a known day, privacy, limits."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot.analysis.summary import Broadcaster, DailySummary, TopConnector, TopConversation
from bot.analysis.usual import usual_values
from bot.render.digest import (
    arrow,
    digest_embed,
    human_duration,
    quiet_day_text,
    summary_embed,
)
from bot.render.legend import LEGEND, METRICS_PATH, installed_metrics_url, metrics_url_from
from bot.store.digest_context import Opener
from bot.store.newcomers import Newcomer, NewcomerDay, NewcomerFirst

TODAY = DailySummary(
    guild_id=1,
    day="2026-03-05",
    timezone="Europe/Rome",
    computed_at="2026-03-06T00:05:00+00:00",
    messages=1200,
    active_members=34,
    listening_ratio=0.42,
    questions=9,
    questions_answered=7,
    response_rate=0.778,
    median_first_response_seconds=720,
    new_connections=5,
    reciprocal_connections=3,
    network_size=118,
    network_growth_7d=6,
    new_members=2,
    newcomer_first_messages=3,
    newcomers_answered=2,
    top_connectors=(TopConnector(11, "Alice", 12), TopConnector(12, None, 1)),
    broadcasters=(Broadcaster(13, "Bob_the *builder*", 40, 0.1),),
    top_conversations=(TopConversation(100, 200, 14, 5), TopConversation(101, 201, 1, 1)),
)
YESTERDAY = DailySummary(
    guild_id=1,
    day="2026-03-04",
    timezone="Europe/Rome",
    computed_at="2026-03-05T00:05:00+00:00",
    messages=1000,
    active_members=34,
    listening_ratio=0.5,
    questions=4,
    questions_answered=2,
    response_rate=0.5,
    new_connections=2,
    reciprocal_connections=3,
    network_size=113,
)


# The three days before TODAY: their medians are its usual values.
BEFORE = [
    dataclasses.replace(
        YESTERDAY,
        day="2026-03-02",
        messages=900,
        listening_ratio=0.45,
        response_rate=None,
        questions=0,
        questions_answered=0,
    ),
    dataclasses.replace(
        YESTERDAY,
        day="2026-03-03",
        messages=1400,
        listening_ratio=0.3,
        response_rate=0.7,
        network_growth_7d=8,
    ),
    YESTERDAY,
]
USUAL = usual_values(BEFORE)
NOTE = "Arrows compare with the usual value: the median of the 3 days before."


def link(channel_id: int, message_id: int) -> str:
    """A message link as the cog would build it."""
    return f"https://discord.com/channels/1/{channel_id}/{message_id}"


def digest(
    summary: DailySummary = TODAY,
    *,
    show_people: bool = True,
    guild_name: str = "Ascolto Lab",
    partial_since: str | None = None,
    week: tuple[DailySummary, DailySummary] | None = None,
) -> discord.Embed:
    """The digest of ``summary`` against the usual values of the days BEFORE."""
    return digest_embed(
        summary,
        usual=USUAL,
        guild_name=guild_name,
        show_people=show_people,
        partial_since=partial_since,
        week=week,
        jump_url=link,
    )


def fields(embed: discord.Embed) -> dict[str, str]:
    """Field name -> value."""
    return {str(f.name): str(f.value) for f in embed.fields}


def all_text(embed: discord.Embed) -> str:
    """Every piece of text a reader could see in the embed."""
    parts = [embed.title, embed.description, embed.author.name, embed.footer.text]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(str(p) for p in parts if p)


@pytest.mark.parametrize(
    ("today", "before", "expected"),
    [
        (2, 1, "▲"),
        (1, 2, "▼"),
        (3, 3, "▶"),
        (0.5, 0.25, "▲"),
        (0, 0.0, "▶"),
        (None, 1, ""),
        (1, None, ""),
        (None, None, ""),
    ],
)
def test_arrow(today: float | None, before: float | None, expected: str) -> None:
    assert arrow(today, before) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "—"),
        (0, "0 s"),
        (45, "45 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (720, "12 min"),
        (3599, "1 h"),
        (3900, "1 h 5 min"),
        (7200, "2 h"),
        (86400, "1 d"),
        (90000, "1 d 1 h"),
    ],
)
def test_human_duration(seconds: float | None, expected: str) -> None:
    assert human_duration(seconds) == expected


def test_quiet_day_text() -> None:
    assert quiet_day_text("2026-03-05", "Ascolto Lab") == (
        "No activity in Ascolto Lab on 2026-03-05: a quiet day. Ascolto is still listening."
    )
    long_name = "The International Society of Very Patient Listeners"
    assert long_name in quiet_day_text("2026-03-05", long_name)


def test_digest_headline_fields_have_values_and_arrows() -> None:
    embed = digest()
    assert embed.title == "Daily digest — 2026-03-05"
    assert embed.author.name == "Ascolto Lab"
    assert embed.description == f"{NOTE}\n{LEGEND}"
    # In the guild's zone: computed at 00:05 UTC is 01:05 in Rome.
    assert embed.footer.text == "Ascolto · computed Mar 6, 01:05 (Europe/Rome)"
    assert embed.image.url == "attachment://trend.png"
    headline = [(f.name, f.value) for f in embed.fields if f.inline]
    assert headline == [
        ("Messages", "1,200 ▲\nusually 1,000"),
        ("Active members", "34 ▶\nusually 34"),
        ("Listening ratio", "42% ▼\nusually 45%"),
        ("Questions answered", "7 of 9 ▲\nusually 60% answered\nmedian wait 12 min"),
        ("New connections", "5 ▲\nusually 2"),
        ("Reciprocal connections", "3 ▶\nusually 3"),
        ("Network size", "118 (+6 this week) ▲\nusually +0 a week"),
    ]


def test_arrows_compare_with_the_median_not_the_day_before() -> None:
    # Yesterday had 1,000 messages and today 950: down on the day, up on the usual 900.
    lower = [
        dataclasses.replace(day, messages=m)
        for day, m in zip(BEFORE, (800, 900, 1000), strict=True)
    ]
    embed = digest_embed(
        dataclasses.replace(TODAY, messages=950),
        usual=usual_values(lower),
        guild_name="G",
        show_people=False,
        jump_url=link,
    )

    assert fields(embed)["Messages"] == "950 ▲\nusually 900"


def test_one_day_before_is_named_as_such() -> None:
    embed = digest_embed(
        TODAY, usual=usual_values([YESTERDAY]), guild_name="G", show_people=False, jump_url=link
    )

    assert str(embed.description).startswith(
        "Arrows compare with the day before, the only one observed so far."
    )


def test_the_usual_value_leaves_out_what_imported_days_could_not_know() -> None:
    imported = dataclasses.replace(YESTERDAY, listening_ratio=0.0)
    usual = usual_values([imported, YESTERDAY], [frozenset({"listening_ratio"}), frozenset()])

    assert usual is not None and usual.get("listening_ratio") == 0.5
    assert usual_values([]) is None


def test_digest_without_previous_day_has_no_arrows() -> None:
    embed = digest_embed(YESTERDAY, guild_name="G", show_people=False, jump_url=link)
    assert embed.description == LEGEND
    assert "usually" not in all_text(embed)
    assert fields(embed)["Messages"] == "1,000"
    assert fields(embed)["Questions answered"] == "2 of 4\nmedian wait —"
    assert fields(embed)["Listening ratio"] == "50%"
    assert "▲" not in all_text(embed) and "▼" not in all_text(embed)


def test_unknown_ratios_and_no_questions_read_as_such() -> None:
    empty = dataclasses.replace(YESTERDAY, listening_ratio=None, questions=0, response_rate=None)
    values = fields(digest(empty))
    # No value, no arrow; the usual value still says what a day is like.
    assert values["Listening ratio"] == "—\nusually 45%"
    assert values["Questions answered"] == "no questions\nusually 60% answered"


def test_top_conversations_are_jump_links_and_omitted_when_none() -> None:
    assert fields(digest())["Top conversations"] == (
        "<#100> · [14 messages, 5 participants](https://discord.com/channels/1/100/200)\n"
        "<#101> · [1 message, 1 participant](https://discord.com/channels/1/101/201)"
    )
    quiet = dataclasses.replace(TODAY, top_conversations=())
    assert "Top conversations" not in fields(digest(quiet))


def test_people_lists_only_when_shown() -> None:
    hidden = digest(show_people=False)
    assert "Top connectors" not in fields(hidden)
    assert "Broadcasters (7 days)" not in fields(hidden)
    assert "Alice" not in all_text(hidden) and "Bob" not in all_text(hidden)
    shown = fields(digest(show_people=True))
    assert shown["Top connectors"] == "Alice · 12 connections\na member · 1 connection"
    assert shown["Broadcasters (7 days)"] == r"Bob\_the \*builder\* · 40 messages, 10% listening"


def test_names_never_ping() -> None:
    pingers = (TopConnector(1, "<@123456789012345678>", 3), TopConnector(2, "@everyone", 2))
    embed = digest(dataclasses.replace(TODAY, top_connectors=pingers), show_people=True)
    text = all_text(embed)
    assert "<@" not in text
    assert "@everyone" not in text and "@here" not in text
    assert "<@" not in quiet_day_text("2026-03-05", "<@123456789012345678>")


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("14:30", "14:30 (Europe/Rome)"),
        ("2026-03-05T13:30:00+00:00", "14:30 (Europe/Rome)"),
        ("2026-03-05T14:30:00", "14:30 (Europe/Rome)"),
    ],
)
def test_partial_day_line(since: str, expected: str) -> None:
    embed = digest(partial_since=since)
    assert embed.description == (
        f"{NOTE}\n⚠️ Ascolto only saw part of this day, since {expected}.\n{LEGEND}"
    )


def test_weekly_comparison_field() -> None:
    this_week = dataclasses.replace(TODAY, messages=8000, network_growth_7d=21)
    embed = digest(week=(this_week, TODAY))
    assert fields(embed)["This week vs last week"] == (
        "**Messages** 8,000, last week 1,200 ▲\n"
        "**Active members** 34, last week 34 ▶\n"
        "**Listening ratio** 42%, last week 42% ▶\n"
        "**Questions answered** 7 of 9, last week 7 of 9 ▶ · median wait 12 min\n"
        "**New connections** 5, last week 5 ▶\n"
        "**Reciprocal connections** 3, last week 3 ▶\n"
        "**Network size** 118 (+21 this week), last week 118 (+6 this week) ▲"
    )
    assert "This week vs last week" not in fields(digest())


def test_limits_hold_for_very_long_names_and_links() -> None:
    long = "W" * 300
    crowded = dataclasses.replace(
        TODAY,
        top_connectors=tuple(TopConnector(i, long, 9) for i in range(5)),
        broadcasters=tuple(Broadcaster(i, long, 99, 0.05) for i in range(5)),
    )
    embed = digest(crowded, guild_name=long, week=(crowded, TODAY), partial_since=long)
    assert f"{'W' * 31}… · 9 connections" in fields(embed)["Top connectors"]
    assert "W" * 33 not in fields(embed)["Broadcasters (7 days)"]
    assert len(embed.author.name or "") <= 256
    huge_links = digest_embed(
        crowded, guild_name=long, show_people=True, jump_url=lambda c, m: "x" * 3000
    )
    for built in (embed, huge_links, summary_embed(crowded, jump_url=lambda c, m: "x" * 3000)):
        assert len(built) <= 6000
        assert len(built.fields) <= 25
        assert all(len(str(f.value)) <= 1024 and len(str(f.name)) <= 256 for f in built.fields)
        assert len(built.description or "") <= 4096


def test_summary_shows_every_number_and_people() -> None:
    embed = summary_embed(TODAY, jump_url=link)
    values = fields(embed)
    assert embed.title == "Summary — 2026-03-05"
    assert values["Messages"] == "1,200"
    assert values["Network size"] == "118 (+6 this week)"
    assert values["Newcomers"] == "2 joined\n2 of 3 first messages answered"
    assert values["Top connectors"] == "Alice · 12 connections\na member · 1 connection"
    assert values["Broadcasters (7 days)"] == r"Bob\_the \*builder\* · 40 messages, 10% listening"
    assert values["Top conversations"].startswith("<#100> · [14 messages, 5 participants](")


def test_summary_of_an_empty_day_says_so() -> None:
    values = fields(summary_embed(YESTERDAY, jump_url=link))
    assert values["Top conversations"] == "None on this day."
    assert values["Top connectors"] == "None on this day."
    assert values["Broadcasters (7 days)"] == "Nobody in the last 7 days."
    assert values["Newcomers"] == "0 joined"


def test_summary_shows_reminders_only_when_some_were_sent() -> None:
    reminded = dataclasses.replace(TODAY, reminders_sent=5, reminders_followed=3)

    values = fields(summary_embed(reminded, jump_url=link))

    assert values["Reminders"] == "5 sent, 3 followed within 24 h"
    assert "Reminders" not in fields(summary_embed(TODAY, jump_url=link))
    # The channel digest does not show them.
    assert "Reminders" not in all_text(digest(reminded))


# imported history: numbers its export could not know

OLD_DAY = dataclasses.replace(
    TODAY,
    listening_ratio=0.0,
    questions_answered=0,
    response_rate=0.0,
    median_first_response_seconds=None,
    reminders_sent=2,
)
NOT_KNOWN = frozenset(
    {
        "listening_ratio",
        "questions_answered",
        "unanswered_questions",
        "response_rate",
        "median_first_response_seconds",
        "new_connections",
        "reciprocal_connections",
        "network_size",
        "network_growth_7d",
        "newcomers_answered",
        "reminders_followed",
        "top_connectors",
        "broadcasters",
        "top_conversations",
    }
)
WHY = "—: unknown, because the export these messages were imported from did not record replies."


def test_summary_shows_a_dash_for_unknown_numbers_and_says_why_once() -> None:
    embed = summary_embed(OLD_DAY, jump_url=link, unknown=NOT_KNOWN, why=WHY)
    values = fields(embed)

    assert values["Messages"] == "1,200"  # known whatever the export recorded
    assert values["Active members"] == "34"
    assert values["Listening ratio"] == "—"
    assert values["Questions answered"] == "— of 9\nmedian wait —"
    assert values["New connections"] == values["Reciprocal connections"] == "—"
    assert values["Network size"] == "—"
    assert values["Newcomers"] == "2 joined\n— of 3 first messages answered"
    assert values["Reminders"] == "2 sent, — followed within 24 h"
    for people in ("Top conversations", "Top connectors", "Broadcasters (7 days)"):
        assert values[people] == "—"
    assert str(embed.footer.text).splitlines()[0] == WHY
    assert all_text(embed).count("unknown, because") == 1
    assert "0%" not in all_text(embed) and "0 of 9" not in all_text(embed)


def test_a_summary_with_nothing_unknown_has_no_footnote() -> None:
    embed = summary_embed(TODAY, jump_url=link)

    assert embed.footer.text == "Ascolto · computed Mar 6, 01:05 (Europe/Rome)"
    assert "—" not in fields(embed)["Listening ratio"]


def test_a_public_summary_shows_the_same_dashes_and_footnote() -> None:
    embed = digest_embed(
        OLD_DAY,
        guild_name="Old course",
        show_people=True,
        jump_url=link,
        unknown=NOT_KNOWN,
        why=WHY,
    )
    values = fields(embed)

    assert values["Listening ratio"] == "—"
    assert values["Questions answered"].startswith("— of 9")
    assert not {"Top conversations", "Top connectors", "Broadcasters (7 days)"} & set(values)
    assert WHY in str(embed.footer.text)


# the legend


def test_the_legend_links_to_the_metrics_page_only_when_a_repository_is_known() -> None:
    url = f"https://github.com/example/ascolto/blob/HEAD/{METRICS_PATH}"
    linked = digest_embed(TODAY, guild_name="G", show_people=False, jump_url=link, metrics_url=url)
    plain = digest_embed(TODAY, guild_name="G", show_people=False, jump_url=link)

    assert "**Listening**: replies and reactions" in str(plain.description)
    assert "**Questions answered**: questions that got a reply" in str(plain.description)
    assert f"[What every number means]({url})" in str(linked.description)
    assert "](" not in str(plain.description)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            ["Repository, https://github.com/example/ascolto"],
            f"https://github.com/example/ascolto/blob/HEAD/{METRICS_PATH}",
        ),
        (
            ["Source, https://gitlab.com/team/ascolto.git/"],
            f"https://gitlab.com/team/ascolto/-/blob/HEAD/{METRICS_PATH}",
        ),
        (
            ["Homepage, https://codeberg.org/team/ascolto"],
            f"https://codeberg.org/team/ascolto/src/branch/HEAD/{METRICS_PATH}",
        ),
        (["Homepage, https://ascolto.example.org"], None),  # not a git host
        (["Documentation, README.md"], None),  # what the package says today
        (["Repository, https://github.com/example"], None),  # no repository named
        ([], None),
    ],
)
def test_the_metrics_page_address_comes_from_the_repository_url(
    entries: list[str], expected: str | None
) -> None:
    assert metrics_url_from(entries) == expected


def test_the_installed_package_names_no_repository_today() -> None:
    assert installed_metrics_url() is None


# newcomers yesterday

NEWCOMERS = NewcomerDay(
    joined=(Newcomer(21, "dana"), Newcomer(22, "<@123> *eve*")),
    first_messages=(
        NewcomerFirst(21, "dana", 100, None, 301, answered=True),
        NewcomerFirst(23, "fay", 100, 150, 302, answered=False),
    ),
)
WITH_NEWCOMERS = dataclasses.replace(
    TODAY, new_members=2, newcomer_first_messages=2, newcomers_answered=1
)


def newcomers_field(*, show_people: bool, summary: DailySummary = WITH_NEWCOMERS) -> str:
    embed = digest_embed(
        summary, guild_name="G", show_people=show_people, jump_url=link, newcomers=NEWCOMERS
    )
    return fields(embed)["Newcomers yesterday"]


def test_newcomers_yesterday_are_counted_without_show_people() -> None:
    assert newcomers_field(show_people=False) == (
        "2 members joined\n1 of 2 first messages answered"
    )
    assert "dana" not in newcomers_field(show_people=False)


def test_newcomers_yesterday_are_named_with_show_people() -> None:
    assert newcomers_field(show_people=True) == (
        "2 members joined: dana, <\u200b@\u200b123> \\*eve\\*\n"
        "1 of 2 first messages answered: "
        "[dana](https://discord.com/channels/1/100/301) answered, "
        "[fay](https://discord.com/channels/1/150/302) no response yet"
    )


def test_newcomers_yesterday_agree_in_number_and_say_so_when_none() -> None:
    one = dataclasses.replace(TODAY, new_members=1, newcomer_first_messages=1, newcomers_answered=1)
    assert newcomers_field(show_people=False, summary=one) == (
        "1 member joined\n1 of 1 first message answered"
    )
    none = dataclasses.replace(TODAY, new_members=0, newcomer_first_messages=0)
    assert newcomers_field(show_people=True, summary=none) == (
        "Nobody joined, and no newcomer posted a first message."
    )


def test_many_newcomers_are_counted_after_ten_names() -> None:
    crowd = NewcomerDay(joined=tuple(Newcomer(i, f"n{i}") for i in range(13)))
    summary = dataclasses.replace(TODAY, new_members=13, newcomer_first_messages=0)
    embed = digest_embed(summary, guild_name="G", show_people=True, jump_url=link, newcomers=crowd)
    assert fields(embed)["Newcomers yesterday"].endswith("n8, n9 and 3 more")


def test_the_private_summary_names_newcomers() -> None:
    values = fields(summary_embed(WITH_NEWCOMERS, jump_url=link, newcomers=NEWCOMERS))

    assert values["Newcomers"].startswith("2 members joined: dana, ")
    assert "[fay](https://discord.com/channels/1/150/302) no response yet" in values["Newcomers"]


def test_newcomers_are_not_marked_when_responses_could_not_be_known() -> None:
    embed = summary_embed(
        WITH_NEWCOMERS,
        jump_url=link,
        newcomers=NEWCOMERS,
        unknown=frozenset({"newcomers_answered"}),
        why=WHY,
    )
    value = fields(embed)["Newcomers"]

    assert "— of 2 first messages answered: [dana](" in value
    assert "answered," not in value and "no response" not in value


# top conversations' first lines

POSTED = "2026-03-01T10:00:00.000000Z"
OPENERS = {
    200: Opener(
        200, 100, None, 11, "alice", "How do I **flash** the board? <@42> @everyone\nmore", POSTED
    ),
    201: Opener(201, 101, None, 12, "bob", "x" * 200, POSTED),
}


def conversations(*, quotable: frozenset[int], show_people: bool) -> str:
    embed = digest_embed(
        TODAY,
        guild_name="G",
        show_people=show_people,
        jump_url=link,
        openers=OPENERS,
        quotable=quotable,
    )
    return fields(embed)["Top conversations"]


def test_a_top_conversation_shows_its_first_line_escaped_and_harmless() -> None:
    lines = conversations(quotable=frozenset({200, 201}), show_people=False).splitlines()

    assert lines[0] == (
        "<#100> · [14 messages, 5 participants](https://discord.com/channels/1/100/200): "
        "“How do I \\*\\*flash\\*\\* the board? @someone @\u200beveryone”"
    )
    assert lines[1].endswith(f": “{'x' * 79}…”")  # 80 characters at most
    assert "alice" not in lines[0]


def test_a_top_conversation_names_its_starter_only_with_show_people() -> None:
    shown = conversations(quotable=frozenset({200}), show_people=True)

    assert "the board? @someone @\u200beveryone” (alice)" in shown


def test_a_first_line_not_quotable_for_the_channel_is_left_out() -> None:
    lines = conversations(quotable=frozenset({201}), show_people=True).splitlines()

    assert lines[0] == (
        "<#100> · [14 messages, 5 participants](https://discord.com/channels/1/100/200)"
    )
    assert "flash" not in lines[0]


def test_plurals_are_right_in_every_line() -> None:
    single = dataclasses.replace(
        TODAY,
        top_conversations=(TopConversation(100, 200, 1, 1),),
        top_connectors=(TopConnector(11, "Alice", 1),),
        broadcasters=(Broadcaster(13, "Bob", 1, 0.1),),
        new_members=1,
        newcomer_first_messages=1,
        newcomers_answered=0,
    )
    text = all_text(
        digest_embed(
            single, guild_name="G", show_people=True, jump_url=link, newcomers=NewcomerDay()
        )
    )

    assert "1 message, 1 participant" in text
    assert "1 connection" in text and "1 connections" not in text
    assert "1 member joined" in text and "0 of 1 first message answered" in text
