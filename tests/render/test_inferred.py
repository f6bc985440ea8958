"""What the digest, /summary, /member and /me show with the guild's inference on or off."""

from __future__ import annotations

import dataclasses
from datetime import date

from bot.analysis.digest_plan import week_totals
from bot.analysis.usual import usual_values
from bot.render.digest import digest_embed, summary_embed
from bot.render.inferred import inferred_note
from bot.render.profile import profile_embed
from bot.store.profiles import Profile
from bot.summaries import MemberProfile
from tests.render.test_digest import TODAY, YESTERDAY, fields, link

INFERRED = dataclasses.replace(
    TODAY,
    replies=300,
    reactions=200,
    inferred_replies=140,
    listening_ratio_inferred=0.52,
    questions_answered_inferred=8,
    response_rate_inferred=0.889,
    new_connections_inferred=7,
)
BEFORE = dataclasses.replace(
    YESTERDAY,
    inferred_replies=90,
    listening_ratio_inferred=0.6,
    questions_answered_inferred=3,
    response_rate_inferred=0.75,
    new_connections_inferred=4,
)


def headline(embed_fields: dict[str, str]) -> tuple[str, str, str]:
    return (
        embed_fields["Listening ratio"],
        embed_fields["Questions answered"],
        embed_fields["New connections"],
    )


def test_the_note_says_how_many_replies_were_inferred_in_words_that_agree() -> None:
    assert inferred_note(1) == (
        "Listening, answers and new connections include 1 reply inferred from the flow "
        "of conversation."
    )
    assert "include 1,240 replies inferred" in inferred_note(1240)
    assert inferred_note(0) == inferred_note(None) == ""


def test_the_digest_shows_inferred_figures_and_their_usual_values_when_on() -> None:
    def embed(inferred: bool) -> dict[str, str]:
        shown = digest_embed(
            INFERRED,
            usual=usual_values([BEFORE]),
            guild_name="G",
            show_people=False,
            jump_url=link,
            inferred=inferred,
        )
        return {"description": str(shown.description), **fields(shown)}

    on, off = embed(True), embed(False)

    assert headline(on) == (
        "52% ▼\nusually 60%",
        "8 of 9 ▲\nusually 75% answered\nmedian wait 12 min",
        "7 ▲\nusually 4",
    )
    assert "include 140 replies inferred from the flow of conversation" in on["description"]
    assert headline(off) == (
        "42% ▼\nusually 50%",
        "7 of 9 ▲\nusually 50% answered\nmedian wait 12 min",
        "5 ▲\nusually 2",
    )
    assert "inferred" not in off["description"]


def test_a_day_stored_before_inferred_figures_shows_the_explicit_ones_unmarked() -> None:
    shown = summary_embed(TODAY, jump_url=link, inferred=True)

    assert headline(fields(shown))[0] == "42%"
    assert shown.description is None


def test_the_private_summary_says_when_it_counts_inferred_replies() -> None:
    on = summary_embed(INFERRED, jump_url=link, inferred=True)
    off = summary_embed(INFERRED, jump_url=link, inferred=False)

    assert headline(fields(on)) == ("52%", "8 of 9\nmedian wait 12 min", "7")
    assert "140 replies inferred" in str(on.description)
    assert headline(fields(off)) == ("42%", "7 of 9\nmedian wait 12 min", "5")
    assert off.description is None


def test_the_weekly_comparison_counts_inferred_replies_when_every_day_knows_them() -> None:
    days = [dataclasses.replace(BEFORE, day=f"2026-03-0{d}") for d in range(1, 8)]
    week = week_totals(days)
    unknown_week = week_totals([*days[:6], dataclasses.replace(days[6], inferred_replies=None)])

    assert week.inferred_replies == 630
    assert week.questions_answered_inferred == 21
    assert week.new_connections_inferred == 28
    # (replies 0 + inferred 630 + reactions 0) / (messages 7,000 + reactions 0)
    assert week.listening_ratio_inferred == 0.09
    assert unknown_week.inferred_replies is None
    assert unknown_week.listening_ratio_inferred is None


def member(inferred: bool, inferred_replies: int = 3) -> MemberProfile:
    profile = Profile(
        messages=10,
        replies=1,
        reactions_given=0,
        connections=2,
        new_connections=1,
        questions_asked=0,
        questions_answered=0,
        inferred_replies=inferred_replies,
    )
    return MemberProfile(
        profile=profile,
        timezone="UTC",
        today=date(2026, 3, 5),
        joined=None,
        first_message=date(2026, 1, 2),
        newcomer=False,
        broadcaster=False,
        inferred=inferred,
    )


def test_member_profiles_count_inferred_replies_as_listening_when_on() -> None:
    on = profile_embed("Bob", member(True), own=False)
    off = profile_embed("Bob", member(False), own=False)
    mine = profile_embed("Bob", member(True, inferred_replies=1), own=True)

    assert (fields(on)["Replies"], fields(on)["Listening ratio"]) == ("4", "40%")
    assert "include 3 replies inferred from the flow of conversation" in str(on.description)
    assert (fields(off)["Replies"], fields(off)["Listening ratio"]) == ("1", "10%")
    assert "inferred" not in str(off.description)
    assert "include 1 reply inferred from the flow of conversation" in str(mine.description)


def test_a_figure_is_unknown_when_its_explicit_or_its_inferred_value_is() -> None:
    # A day imported from an export without mention lists, then (say) a newer export of
    # the same day with replies: the answers stay unknown with inference on, as without.
    unknown = frozenset(
        {
            "questions_answered",
            "unanswered_questions",
            "response_rate",
            "median_first_response_seconds",
            "questions_answered_inferred",
            "response_rate_inferred",
            "new_connections_inferred",
        }
    )
    only_inferred = frozenset({"new_connections_inferred"})

    on = fields(summary_embed(INFERRED, jump_url=link, unknown=unknown, inferred=True))
    off = fields(summary_embed(INFERRED, jump_url=link, unknown=unknown))
    partly = fields(summary_embed(INFERRED, jump_url=link, unknown=only_inferred, inferred=True))

    assert headline(on) == ("52%", "— of 9\nmedian wait —", "—")
    assert headline(off) == ("42%", "— of 9\nmedian wait —", "5")
    assert headline(partly) == ("52%", "8 of 9\nmedian wait 12 min", "—")
