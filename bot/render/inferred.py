"""What a guild with inference on sees: figures with inferred replies, and the note
that says so (docs/metrics.md, "Inferred replies")."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from bot.analysis.summary import INFERRED_FIGURES, DailySummary, with_inferred
from bot.analysis.usual import Usual
from bot.render.text import plural


def inferred_note(count: int | None) -> str:
    """The line that marks figures including inferred replies; "" when none were counted."""
    if not count:
        return ""
    return (
        f"Listening, answers and new connections include "
        f"{plural(count, 'reply', 'replies')} inferred from the flow of conversation."
    )


def shown_summary(summary: DailySummary, inferred: bool) -> DailySummary:
    """The summary with its inferred figures in place of the explicit ones when ``inferred``."""
    return with_inferred(summary) if inferred else summary


def shown_unknown(
    summary: DailySummary, unknown: AbstractSet[str], inferred: bool
) -> AbstractSet[str]:
    """The fields shown as "—": with ``inferred`` (and the summary knowing its inferred
    figures), a field shown with inferred replies is unknown when its explicit figure or
    its inferred one is. A day without reply data keeps its "—": nothing there tells
    whether inference ran on it, and a zero that only means "not looked at" is the
    mistake unknown fields exist to avoid; ``ascolto report`` shows its inferred figures."""
    if not inferred or summary.inferred_replies is None:
        return unknown
    swapped = {name for name, field in INFERRED_FIGURES.items() if field in unknown}
    if "questions_answered" in swapped:
        swapped.add("unanswered_questions")
    return frozenset(unknown) | swapped


def shown_usual(usual: Usual | None, inferred: bool) -> Usual | None:
    """The usual values the arrows compare with, of the same figures as the day shows: with
    ``inferred``, the medians of the inferred figures (absent when no day before had them)."""
    if usual is None or not inferred:
        return usual
    values = {k: v for k, v in usual.values.items() if k not in INFERRED_FIGURES}
    for explicit, field in INFERRED_FIGURES.items():
        if field in usual.values:
            values[explicit] = usual.values[field]
    return Usual(days=usual.days, values=values)
