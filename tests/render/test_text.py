"""Counts and their nouns agree wherever a person reads them; excerpts are short and harmless."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.render.text import excerpt, plural, quoted


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        (1, "day", None, "1 day"),
        (0, "day", None, "0 days"),
        (2, "reaction", None, "2 reactions"),
        (1, "reply", "replies", "1 reply"),
        (1204, "reply", "replies", "1,204 replies"),
    ],
)
def test_the_noun_agrees_with_the_count(
    count: int, word: str, many: str | None, expected: str
) -> None:
    assert plural(count, word, many) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mars/Base", "'Mars/Base'"),
        ("x" * 5000, "'" + "x" * 40 + "…' (5,000 characters)"),
        ("it's", '"it\'s"'),
        ("a\udc00b", "'a\\udc00b'"),  # a lone surrogate, escaped
        ("\x00" * 100, "'" + "\\x00" * 10 + "…' (100 characters)"),  # escapes count too
        (5, "5"),
        (10**100, "1" + "0" * 39 + "… (int)"),
        ({"a": 1}, "{'a': 1}"),
    ],
)
def test_a_bad_value_is_quoted_short_and_escaped(value: object, expected: str) -> None:
    assert quoted(value) == expected


def test_an_integer_too_long_to_print_is_named_not_shown() -> None:
    assert quoted(10**5000) == "a number too long to show"


class Guild:
    """What an excerpt asks of a guild: its members' and roles' names."""

    def __init__(self, members: dict[int, str], roles: dict[int, str]) -> None:
        self.members = {i: SimpleNamespace(display_name=name) for i, name in members.items()}
        self.roles = {i: SimpleNamespace(name=name) for i, name in roles.items()}

    def get_member(self, user_id: int, /) -> SimpleNamespace | None:
        return self.members.get(user_id)

    def get_role(self, role_id: int, /) -> SimpleNamespace | None:
        return self.roles.get(role_id)


LAB = Guild({10: "Alice", 11: "bob_the *builder*"}, {20: "Mentors", 1: "@everyone"})
ZWSP = "\u200b"


def test_no_text_no_excerpt() -> None:
    assert excerpt(None, LAB) is None
    assert excerpt("", LAB) is None and excerpt(" \n ", LAB) is None


def test_an_excerpt_is_one_line_with_markdown_escaped() -> None:
    assert excerpt("how do I *join*\n\nthe `call`?") == "how do I \\*join\\* the \\`call\\`?"
    assert excerpt("> not a quote\n# nor a heading") == "\\> not a quote # nor a heading"
    assert excerpt("[free nitro](https://evil.example)") == "\\[free nitro](https://evil.example)"
    # A link keeps its underscores, so it still opens.
    assert excerpt("see https://x.example/a_b_c") == "see https://x.example/a_b_c"


def test_mentions_are_made_harmless() -> None:
    text = (
        "<@10> and <@!11>, ask <@99> or <@&20> (<@&21>) in <#30>, @everyone @here <:party_cat:42>"
    )

    assert excerpt(text, LAB) == (
        "@Alice and @bob\\_the \\*builder\\*, ask @someone or @Mentors (@deleted role) in "
        f"<#30>, @{ZWSP}everyone @{ZWSP}here :party\\_cat:"
    )
    # Without a guild to ask, every member is "someone".
    assert excerpt("thanks <@10>!") == "thanks @someone!"


def test_a_name_cannot_smuggle_a_mention_in() -> None:
    sneaky = Guild({10: "@everyone"}, {})

    assert excerpt("<@10> hi", sneaky) == f"@{ZWSP}everyone hi"
    assert excerpt("<@&1> hi", LAB) == f"@{ZWSP}everyone hi"  # the @everyone role


@pytest.mark.parametrize("size", [119, 120, 121, 500])
def test_an_excerpt_is_at_most_120_characters(size: int) -> None:
    text = ("word " * 200)[:size]
    shown = excerpt(text)

    assert shown is not None
    assert len(shown) <= 120
    assert shown.endswith("…") == (len(text.strip()) > 120)


def test_a_cut_never_leaves_half_a_mention() -> None:
    text = "x" * 110 + " <#123456789012345678> and more"

    assert excerpt(text) == "x" * 110 + "…"
    assert excerpt("<@10> " + "y" * 200, LAB) == "@Alice " + "y" * 112 + "…"
