"""What the logging cog hands to the core: plain records, free of discord.py objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MessageKind(StrEnum):
    """Whether a stored message counts as a message for the numbers (docs/metrics.md)."""

    MESSAGE = "message"  # has text or an attachment
    SYSTEM = "system"  # joins, pins, thread created, boosts: only ever a target
    EMPTY = "empty"  # no text and no attachment (a sticker alone, say)


@dataclass(frozen=True, slots=True)
class Place:
    """Where something happened: a channel, or a thread and its parent channel."""

    guild_id: int
    channel_id: int
    thread_id: int | None = None

    @property
    def where_id(self) -> int:
        """The thread if there is one, else the channel: what a jump link points into."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A new message by a member."""

    message_id: int
    place: Place
    author_id: int
    author_name: str
    created_at: datetime
    content: str
    kind: MessageKind
    attachments: int = 0
    reply_to_message_id: int | None = None
    # The replied-to author when the gateway told us (None: look it up in the store).
    reply_to_author_id: int | None = None
    mention_ids: tuple[int, ...] = ()
    opens_forum_post: bool = False
    # When the author joined the guild, as Discord tells (None: unknown).
    author_joined_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EditedMessage:
    """New text for a message already posted."""

    message_id: int
    place: Place
    author_id: int
    edited_at: datetime
    content: str
    kind: MessageKind
    attachments: int = 0
    mention_ids: tuple[int, ...] = ()
    opens_forum_post: bool = False


@dataclass(frozen=True, slots=True)
class ReactionChange:
    """A member added or removed one emoji on a message."""

    message_id: int
    place: Place
    user_id: int
    emoji: str
    at: datetime
    # The message's author when the gateway told us (None: look it up in the store).
    message_author_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """A channel or thread as the guild shows it."""

    channel_id: int
    guild_id: int
    name: str
    kind: str
    parent_id: int | None = None
    owner_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GuildInfo:
    """A guild the bot is in, with its channels."""

    guild_id: int
    name: str
    channels: tuple[ChannelInfo, ...] = field(default_factory=tuple)
