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
    figures), a field shown with inferred replies is unknown when its inferred figure is,
    so that a channel whose export recorded no replies shows the listening inferred."""
    if not inferred or summary.inferred_replies is None:
        return unknown
    kept = {name for name in unknown if name not in INFERRED_FIGURES}
    swapped = {name for name, field in INFERRED_FIGURES.items() if field in unknown}
    if "questions_answered" in swapped:
        swapped.add("unanswered_questions")
    elif "unanswered_questions" in kept:
        kept.discard("unanswered_questions")
    return frozenset(kept | swapped)


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
