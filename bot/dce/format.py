"""DiscordChatExporter JSON: what a file and a message hold, read defensively.

Every field after the basics may be missing (older exporter versions), ids are
strings of digits, and timestamps carry any number of fractional digits and the
exporting machine's UTC offset. Each rule below says which trap it handles; the traps
are tested one by one in tests/dce/test_import.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.events import MessageKind

THREAD_TYPES = {"GuildPublicThread", "GuildPrivateThread", "GuildNewsThread"}
CHANNEL_KINDS = {
    "GuildTextChat": "text",
    "GuildNews": "news",
    "GuildForum": "forum",
    "GuildVoiceChat": "voice",
    "GuildStageVoice": "stage_voice",
    "GuildCategory": "category",
    "GuildDirectory": "directory",
    "GuildPublicThread": "public_thread",
    "GuildPrivateThread": "private_thread",
    "GuildNewsThread": "news_thread",
}
_TALK_TYPES = {"Default", "Reply"}
# References that are not replies: the new thread, the pinned message.
_NOT_REPLY_TYPES = {"ThreadCreated", "ChannelPinnedMessage"}
_MENTION = re.compile(r"<@!?(\d+)>")


class FormatError(ValueError):
    """A value is missing or not what the format says."""


@dataclass(frozen=True, slots=True)
class Header:
    """Which guild and channel (or thread) a file holds."""

    guild_id: int
    guild_name: str
    channel_id: int  # the channel, or for a thread its parent (when the file says)
    thread_id: int | None
    channel_name: str
    channel_kind: str
    parent_id: int | None  # a thread's channel, or a channel's category

    @property
    def where_id(self) -> int:
        """The channel or thread the messages are in."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class Person:
    """A message's author or a mentioned or reacting user."""

    user_id: int
    name: str
    is_bot: bool


@dataclass(frozen=True, slots=True)
class Reaction:
    """One emoji on a message, and who added it (absent in older exports)."""

    emoji: str
    users: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """One exported message, normalised."""

    message_id: int
    type: str
    created_at: datetime
    edited_at: datetime | None
    content: str
    author: Person
    attachments: int
    reply_to: int | None
    mentions: tuple[Person, ...] | None  # None: the export has no mention list
    reactions: tuple[Reaction, ...]

    @property
    def kind(self) -> MessageKind:
        """A message that counts, an empty one, or a system notice."""
        if self.type not in _TALK_TYPES:
            return MessageKind.SYSTEM
        if self.content or self.attachments:
            return MessageKind.MESSAGE
        return MessageKind.EMPTY

    def mentioned_ids(self) -> list[int]:
        """Users mentioned: from the list, or for older exports from the text."""
        if self.mentions is not None:
            return [p.user_id for p in self.mentions if not p.is_bot]
        return [int(found) for found in _MENTION.findall(self.content)]


def parse_header(guild: Any, channel: Any) -> Header:
    """The file's guild and channel objects."""
    if not isinstance(guild, dict) or not isinstance(channel, dict):
        raise FormatError("no 'guild' and 'channel' objects: not a DiscordChatExporter export")
    channel_type = str(channel.get("type") or "GuildTextChat")
    if channel_type not in CHANNEL_KINDS:
        raise FormatError(f"channel type {channel_type!r} is not a server channel")
    own_id = _id(channel, "id")
    parent = _optional_id(channel.get("categoryId"))
    if channel_type in THREAD_TYPES:
        # In a thread's file, categoryId is the parent channel or forum.
        channel_id, thread_id = (parent if parent is not None else own_id), own_id
    else:
        channel_id, thread_id = own_id, None
    return Header(
        guild_id=_id(guild, "id"),
        guild_name=str(guild.get("name") or ""),
        channel_id=channel_id,
        thread_id=thread_id,
        channel_name=str(channel.get("name") or ""),
        channel_kind=CHANNEL_KINDS[channel_type],
        parent_id=parent,
    )


def parse_message(raw: Any, header: Header) -> Message:
    """One element of ``messages``."""
    if not isinstance(raw, dict):
        raise FormatError("a message is not an object")
    message_type = str(raw.get("type") or "Default")
    return Message(
        message_id=_id(raw, "id"),
        type=message_type,
        created_at=parse_time(raw.get("timestamp"), "timestamp"),
        edited_at=(
            parse_time(raw["timestampEdited"], "timestampEdited")
            if raw.get("timestampEdited")
            else None
        ),
        content=str(raw.get("content") or ""),
        author=_person(raw.get("author"), "author"),
        attachments=len(raw.get("attachments") or ()),
        reply_to=_reply_target(raw, message_type, header),
        mentions=(
            tuple(_person(p, "mentions") for p in raw["mentions"])
            if isinstance(raw.get("mentions"), list)
            else None
        ),
        reactions=tuple(_reaction(r) for r in raw.get("reactions") or ()),
    )


def parse_time(value: Any, field: str) -> datetime:
    """An exported timestamp as an aware UTC datetime (any fractional digits, any offset)."""
    # Python 3.11 reads DCE's forms as they come: 1 to 7+ fractional digits (cut to
    # microseconds), "Z", "+02:00" and "+0200". No offset at all is taken as UTC.
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise FormatError(f"{field} {value!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _reply_target(raw: dict[str, Any], message_type: str, header: Header) -> int | None:
    """A reply: a reference with a message id, in the same channel and guild, that is
    neither a forward, a thread creation nor a pin (whatever the message's type)."""
    reference = raw.get("reference")
    if not isinstance(reference, dict) or message_type in _NOT_REPLY_TYPES:
        return None
    target = _optional_id(reference.get("messageId"))
    if target is None or reference.get("type") == "Forward":
        return None
    channel = _optional_id(reference.get("channelId"))
    guild = _optional_id(reference.get("guildId"))
    if channel not in (None, header.where_id) or guild not in (None, header.guild_id):
        return None
    return target


def _person(raw: Any, field: str) -> Person:
    if not isinstance(raw, dict):
        raise FormatError(f"{field} is not a user object")
    return Person(
        user_id=_id(raw, "id"),
        name=str(raw.get("nickname") or raw.get("name") or ""),
        is_bot=bool(raw.get("isBot")),
    )


def _reaction(raw: Any) -> Reaction:
    if not isinstance(raw, dict):
        raise FormatError("a reaction is not an object")
    emoji = raw.get("emoji") or {}
    name = str(emoji.get("name") or "")
    emoji_id = _optional_id(emoji.get("id"))
    text = f"<:{name}:{emoji_id}>" if emoji_id is not None else name
    # The count can differ from the users listed: only listed users are interactions.
    users = tuple(_person(u, "reaction users") for u in raw.get("users") or ())
    return Reaction(emoji=text, users=users)


def _id(raw: dict[str, Any], key: str) -> int:
    value = _optional_id(raw.get(key))
    if value is None:
        raise FormatError(f"missing {key!r}")
    return value


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    text = str(value)
    if not text.isdigit():
        raise FormatError(f"id {value!r} is not a number")
    return int(text)
