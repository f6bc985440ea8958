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
