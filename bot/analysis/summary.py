"""The daily summary of docs/metrics.md: one record per guild per day, and its JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class TopConnector:
    """A member with many distinct connections on the day."""

    user_id: int
    name: str | None
    connections: int


@dataclass(frozen=True, slots=True)
class Broadcaster:
    """A member who talks much and listens little over the trailing 7 days."""

    user_id: int
    name: str | None
    messages: int
    listening_ratio: float


@dataclass(frozen=True, slots=True)
class TopConversation:
    """A reply tree or thread with many messages on the day."""

    channel_id: int
    message_id: int
    messages: int
    participants: int


@dataclass(frozen=True, slots=True)
class DailySummary:
    """Every field of docs/metrics.md's daily summary, with exactly its names."""

    guild_id: int
    day: str
    timezone: str
    computed_at: str
    messages: int = 0
    active_members: int = 0
    new_members: int = 0
    conversation_starters: int = 0
    replies: int = 0
    reactions: int = 0
    listening_ratio: float | None = None
    questions: int = 0
    questions_answered: int = 0
    unanswered_questions: int = 0
    response_rate: float | None = None
    median_first_response_seconds: float | None = None
    active_connections: int = 0
    new_connections: int = 0
    reciprocal_connections: int = 0
    network_size: int = 0
    network_growth_7d: int = 0
    newcomer_first_messages: int = 0
    newcomers_answered: int = 0
    reminders_sent: int = 0
    reminders_followed: int = 0
    # The same figures with every inferred reply counted as a reply (docs/metrics.md,
    # "Inferred replies"); None on a summary stored before they existed: unknown.
    inferred_replies: int | None = None
    listening_ratio_inferred: float | None = None
    questions_answered_inferred: int | None = None
    response_rate_inferred: float | None = None
    new_connections_inferred: int | None = None
    top_connectors: tuple[TopConnector, ...] = field(default_factory=tuple)
    broadcasters: tuple[Broadcaster, ...] = field(default_factory=tuple)
    top_conversations: tuple[TopConversation, ...] = field(default_factory=tuple)

    @property
    def is_quiet(self) -> bool:
        """No message, reaction or join at all."""
        return self.messages == 0 and self.reactions == 0 and self.new_members == 0

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``report --json`` and exports: docs/metrics.md's field names."""
        data = asdict(self)
        for key in ("top_connectors", "broadcasters", "top_conversations"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DailySummary:
        """Read back what :meth:`to_json` wrote."""
        return cls(
            **{
                **data,
                "top_connectors": tuple(TopConnector(**i) for i in data["top_connectors"]),
                "broadcasters": tuple(Broadcaster(**i) for i in data["broadcasters"]),
                "top_conversations": tuple(TopConversation(**i) for i in data["top_conversations"]),
            }
        )


# The summary's fields that count inferred replies as replies, in its order.
INFERRED_FIELDS = (
    "inferred_replies",
    "listening_ratio_inferred",
    "questions_answered_inferred",
    "response_rate_inferred",
    "new_connections_inferred",
)

# Each explicit field that a guild with inference on sees with inferred replies
# counted, and the field that holds that figure.
INFERRED_FIGURES = {
    "listening_ratio": "listening_ratio_inferred",
    "questions_answered": "questions_answered_inferred",
    "response_rate": "response_rate_inferred",
    "new_connections": "new_connections_inferred",
}


def with_inferred(summary: DailySummary) -> DailySummary:
    """The summary as a guild with inference on sees it: inferred replies counted as
    replies in listening, answers and new connections. Unchanged when its inferred
    figures are unknown (stored before they existed): the explicit ones stand."""
    inferred = summary.inferred_replies
    answered = summary.questions_answered_inferred
    if inferred is None or answered is None or summary.new_connections_inferred is None:
        return summary
    return replace(
        summary,
        replies=summary.replies + inferred,
        conversation_starters=summary.conversation_starters - inferred,
        listening_ratio=summary.listening_ratio_inferred,
        questions_answered=answered,
        unanswered_questions=summary.questions - answered,
        response_rate=summary.response_rate_inferred,
        new_connections=summary.new_connections_inferred,
    )


def ratio(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` rounded to 3 decimals, halves up (1/16 is 0.063), or
    None when the denominator is 0.

    The one rounding of every ratio, for the summary and what shows it: a rule that
    compares a ratio (who is a broadcaster) compares the exact value instead.
    """
    if not denominator:
        return None
    # In whole thousandths, so that a half is exactly a half: the float 1/16 * 1000 is,
    # but Python's round() takes halves to even and SQLite's away from zero.
    thousandths = (2000 * numerator + denominator) // (2 * denominator)
    return thousandths / 1000
