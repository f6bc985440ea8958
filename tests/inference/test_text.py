"""Names typed without @: whole names anywhere, a clear prefix only when opening."""

from __future__ import annotations

from bot.inference.text import NameIndex, words

PEOPLE = NameIndex([(1, ["ActionParsnip"]), (2, ["Bob Stone", "bobby_"]), (3, ["theodore"])])


def test_an_opening_name_or_a_clear_prefix_addresses_someone() -> None:
    assert PEOPLE.opening("ActionParsnip: try this") == {1}
    assert PEOPLE.opening("actionp, try this") == {1}
    assert PEOPLE.opening("@bobby_ look") == {2}
    assert PEOPLE.opening("bob: look") == {2}


def test_an_ordinary_first_word_is_no_address() -> None:
    # "the" is a prefix of theodore, but without ":" or "," it is just a word.
    assert PEOPLE.opening("the disk is full") == set()
    assert PEOPLE.opening("act now") == set()
    assert PEOPLE.opening("") == set()


def test_a_whole_name_anywhere_names_someone() -> None:
    assert PEOPLE.named(set(words("thanks bob, that worked"))) == {2}
    assert PEOPLE.named(set(words("ask Bobby or actionparsnip"))) == {1, 2}
    assert PEOPLE.named(set(words("nobody here"))) == set()
