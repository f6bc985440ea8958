"""Which fields of a daily summary its sources could not know.

Old DiscordChatExporter files record no replies, no mention lists or no reaction
users (bot/dce/reader.py). A day whose messages all come from such files has zero
replies because nobody recorded them, not because nobody replied: those fields are
unknown. Which field needs what is the table of docs/metrics.md, "Imported history".
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.analysis.summary import DailySummary


@dataclass(frozen=True, slots=True)
class MissingData:
    """What the sources of every one of a day's messages lacked. False when at least
    one message came from a source that had it (the live bot has everything)."""

    replies: bool = False
    mentions: bool = False
    reactions: bool = False

    @property
    def anything(self) -> bool:
        """Whether some data is missing."""
        return self.replies or self.mentions or self.reactions


_REPLIES, _MENTIONS, _REACTIONS = "replies", "mentions", "reactions"
_ALL = frozenset({_REPLIES, _MENTIONS, _REACTIONS})

# Each field that needs some data: the data, and the count that must be above zero
# for the field to depend on it at all ("0 of 0 questions answered" is true whatever
# the source recorded). Fields not listed (messages, questions, joins, ...) never
# depend on what an export left out.
NEEDS: dict[str, tuple[frozenset[str], str | None]] = {
    "active_members": (frozenset({_REACTIONS}), None),
    "conversation_starters": (frozenset({_REPLIES}), None),
    "replies": (frozenset({_REPLIES}), None),
    "reactions": (frozenset({_REACTIONS}), None),
    "listening_ratio": (frozenset({_REPLIES, _REACTIONS}), None),
    "questions_answered": (frozenset({_REPLIES, _MENTIONS}), "questions"),
    "unanswered_questions": (frozenset({_REPLIES, _MENTIONS}), "questions"),
    "response_rate": (frozenset({_REPLIES, _MENTIONS}), "questions"),
    "median_first_response_seconds": (frozenset({_REPLIES, _MENTIONS}), "questions"),
    "active_connections": (_ALL, None),
    "new_connections": (_ALL, None),
    "reciprocal_connections": (_ALL, None),
    "network_size": (_ALL, None),
    "network_growth_7d": (_ALL, None),
    "newcomers_answered": (frozenset({_REPLIES, _MENTIONS}), "newcomer_first_messages"),
    "reminders_followed": (_ALL, "reminders_sent"),
    # Inferred replies stand in for the replies an export did not record, not for its
    # mentions: an answer by mention (rule c) or a first contact by mention stays unseen.
    "listening_ratio_inferred": (frozenset({_REACTIONS}), None),
    "questions_answered_inferred": (frozenset({_MENTIONS}), "questions"),
    "response_rate_inferred": (frozenset({_MENTIONS}), "questions"),
    "new_connections_inferred": (frozenset({_MENTIONS, _REACTIONS}), None),
    "top_connectors": (_ALL, None),
    "broadcasters": (frozenset({_REPLIES, _REACTIONS}), None),
    "top_conversations": (frozenset({_REPLIES}), None),
}

_ORDER = tuple(f.name for f in fields(DailySummary))


def unknown_fields(summary: DailySummary, missing: MissingData) -> tuple[str, ...]:
    """The fields of ``summary`` (docs/metrics.md names, in its order) that ``missing``
    leaves unknown: to be shown as "—" and written as null, not as zero."""
    lacking = set()
    # Replies and mentions are messages: on a day without any, none were missed.
    if missing.replies and summary.messages > 0:
        lacking.add(_REPLIES)
    if missing.mentions and summary.messages > 0:
        lacking.add(_MENTIONS)
    if missing.reactions:
        lacking.add(_REACTIONS)
    unknown = []
    for name in _ORDER:
        needs, count = NEEDS.get(name, (frozenset(), None))
        if needs & lacking and (count is None or getattr(summary, count) > 0):
            unknown.append(name)
    return tuple(unknown)


def why_unknown(missing: MissingData, *, shown_as: str = "—") -> str:
    """One line saying why some numbers are "—" (or ``shown_as``: "null" in JSON): what
    the day's export did not record."""
    lacking = [
        what
        for what, gone in (
            ("replies", missing.replies),
            ("mentions", missing.mentions),
            ("who reacted", missing.reactions),
        )
        if gone
    ]
    if not lacking:
        return ""
    *rest, last = lacking
    listed = f"{', '.join(rest)} or {last}" if rest else last
    return (
        f"{shown_as}: unknown, because the export these messages were imported from (an older "
        f"DiscordChatExporter) did not record {listed}."
    )
