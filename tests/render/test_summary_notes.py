"""/summary's note about members who opted out: a count, singular and plural right."""

from __future__ import annotations

from bot.render.digest import opted_out_note


def test_no_note_when_nobody_opted_out():
    assert opted_out_note(0) == ""


def test_the_note_agrees_with_its_count():
    assert opted_out_note(1) == "1 member has opted out of logging; they appear in no number."
    assert opted_out_note(3) == "3 members have opted out of logging; they appear in no number."
    assert opted_out_note(1200).startswith("1,200 members have")
