"""Who counts as a broadcaster (docs/metrics.md): a domain rule, shared by every front end."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import DefaultsSettings


@dataclass(frozen=True, slots=True)
class BroadcasterRule:
    """Who counts as a broadcaster (docs/metrics.md): many messages, little listening."""

    min_messages: int = 5
    max_ratio: float = 0.2

    @classmethod
    def from_defaults(cls, defaults: DefaultsSettings) -> BroadcasterRule:
        """The rule as ``[defaults]`` configures it."""
        return cls(defaults.broadcaster_min_messages, defaults.broadcaster_max_ratio)

    def applies(self, messages: int, replies: int, reactions: int) -> bool:
        """Whether a member with these counts over 7 days is a broadcaster. The listening
        ratio is compared exact, never rounded: 80 replies in 401 messages (0.1995,
        shown as 0.2) is below 0.2."""
        listening, activity = replies + reactions, messages + reactions
        return (
            messages >= self.min_messages
            and activity > 0
            and (listening / activity < self.max_ratio)
        )
