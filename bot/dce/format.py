"""DiscordChatExporter JSON: what a file and a message hold, read defensively.

Every field after the basics may be missing (older exporter versions), ids are
strings of digits, and timestamps carry any number of fractional digits and the
exporting machine's UTC offset. Each rule below says which trap it handles; the traps
are tested one by one in tests/dce/test_import.py.

A field that is there must have the type the exporter writes: text for names and
content, a list for attachments, mentions and reactions, an object for the author and
a reference, true or false for ``isBot``. Anything else (a hand-edited or damaged
file) is a :class:`FormatError` that names the field and quotes a short prefix of the
value, and the importer refuses the whole file rather than store half of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.analysis.days import FIRST_DAY, LAST_DAY
from bot.events import MessageKind
from bot.render.text import quoted
from bot.settings import MAX_ID

_T = TypeVar("_T")

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
# A mention in the text of an old export: ASCII digits, no longer than an id can be.
_MENTION = re.compile(r"<@!?([0-9]{1,19})>")
# A lone half of a UTF-16 surrogate pair: Python holds it, but it is not text that
# UTF-8 (or SQLite) can store.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Messages are stored between Discord's epoch and the last day Ascolto handles.
_EARLIEST = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=UTC)
_LATEST = datetime.combine(LAST_DAY, datetime.max.time(), tzinfo=UTC)
_MAX_ID_DIGITS = len(str(MAX_ID))
# Longer than any ISO-8601 time, with 7+ fractional digits and an offset.
_MAX_TIME_LENGTH = 40


class FormatError(ValueError):
    """A value is missing or not what the format says: the problem, and the path of the
    field it is in (``reactions[0].users[2].id``), which grows as the error goes up."""

    def __init__(self, problem: str, *path: str | int) -> None:
        self.problem = problem
        self.path = path
        super().__init__(f"{_field(path)} {problem}" if path else problem)

    def within(self, *outer: str | int) -> FormatError:
        """The same problem, seen from the object that holds the field."""
        return type(self)(self.problem, *outer, *self.path)


class NotAnExport(FormatError):
    """The file is no export of a server channel at all (another JSON file)."""


def _field(path: tuple[str | int, ...]) -> str:
    """A field's path as people write it: ``reactions[0].emoji.name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


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
        found = (int(digits) for digits in _MENTION.findall(self.content))
        return [user_id for user_id in found if user_id <= MAX_ID]


def parse_header(guild: Any, channel: Any) -> Header:
    """The file's guild and channel objects."""
    if not isinstance(guild, dict) or not isinstance(channel, dict):
        raise NotAnExport("no 'guild' and 'channel' objects: not a DiscordChatExporter export")
    try:
        channel_type = _text(channel, "type") or "GuildTextChat"
        if channel_type not in CHANNEL_KINDS:
            raise NotAnExport(f"{quoted(channel_type)} is not a server channel", "type")
        own_id = _id(channel, "id")
        parent = _optional_id(channel.get("categoryId"), "categoryId")
        channel_name = _text(channel, "name")
    except FormatError as exc:
        raise exc.within("channel") from None
    try:
        guild_id, guild_name = _id(guild, "id"), _text(guild, "name")
    except FormatError as exc:
        raise exc.within("guild") from None
    if channel_type in THREAD_TYPES:
        # In a thread's file, categoryId is the parent channel or forum.
        channel_id, thread_id = (parent if parent is not None else own_id), own_id
    else:
        channel_id, thread_id = own_id, None
    return Header(
        guild_id=guild_id,
        guild_name=guild_name,
        channel_id=channel_id,
        thread_id=thread_id,
        channel_name=channel_name,
        channel_kind=CHANNEL_KINDS[channel_type],
        parent_id=parent,
    )


def parse_message(raw: Any, header: Header) -> Message:
    """One element of ``messages``."""
    if not isinstance(raw, dict):
        raise FormatError(f"a message is {_kind(raw)}, not an object")
    message_type = _text(raw, "type") or "Default"
    edited = raw.get("timestampEdited")
    mentions = raw.get("mentions")
    return Message(
        message_id=_id(raw, "id"),
        type=message_type,
        created_at=parse_time(raw.get("timestamp"), "timestamp"),
        edited_at=parse_time(edited, "timestampEdited") if edited else None,
        content=_text(raw, "content"),
        author=_person(raw.get("author"), "author"),
        attachments=len(_list(raw, "attachments")),
        reply_to=_reply_target(raw, message_type, header),
        # None (no list at all): an old export, whose mentions are in the text only.
        mentions=None if mentions is None else _items(mentions, "mentions", _person),
        reactions=_items(raw.get("reactions"), "reactions", _reaction),
    )


def parse_time(value: Any, field: str) -> datetime:
    """An exported timestamp as an aware UTC datetime (any fractional digits, any offset),
    within the days Ascolto handles (from Discord's epoch)."""
    # Python 3.11 reads DCE's forms as they come: 1 to 7+ fractional digits (cut to
    # microseconds), "Z", "+02:00" and "+0200". No offset at all is taken as UTC.
    try:
        if not isinstance(value, str) or len(value) > _MAX_TIME_LENGTH:
            raise TypeError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (TypeError, ValueError):
        raise FormatError(f"{quoted(value)} is not an ISO-8601 time", field) from None
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the end of the calendar
        moment = _LATEST + timedelta(days=1)
    if not _EARLIEST <= moment <= _LATEST:
        raise FormatError(
            f"{quoted(value)} is not a time Discord can have written "
            f"(from {FIRST_DAY} to {LAST_DAY})",
            field,
        )
    return moment


def _reply_target(raw: dict[str, Any], message_type: str, header: Header) -> int | None:
    """A reply: a reference with a message id, in the same channel and guild, that is
    neither a forward, a thread creation nor a pin (whatever the message's type)."""
    reference = raw.get("reference")
    if reference is None:
        return None
    if not isinstance(reference, dict):
        raise FormatError(f"is {_kind(reference)}, not an object", "reference")
    try:
        target = _optional_id(reference.get("messageId"), "messageId")
        channel = _optional_id(reference.get("channelId"), "channelId")
        guild = _optional_id(reference.get("guildId"), "guildId")
        kind = _text(reference, "type")
    except FormatError as exc:
        raise exc.within("reference") from None
    if message_type in _NOT_REPLY_TYPES or target is None or kind == "Forward":
        return None
    if channel not in (None, header.where_id) or guild not in (None, header.guild_id):
        return None
    return target


# The people already read, by the fields that make them: a file names the same members
# over and over (authors, mentions, reactions). Only plain values are keys (an id in a
# string, text or null, true, false or null): no two of them are equal unless the same.
_PEOPLE: dict[tuple[Any, ...], Person] = {}
_PEOPLE_KEPT = 100_000
_TEXT_OR_NULL = (str, type(None))
_FLAG_OR_NULL = (bool, type(None))


def _person(raw: Any, field: str | int) -> Person:
    if type(raw) is dict:
        key = (raw.get("id"), raw.get("nickname"), raw.get("name"), raw.get("isBot"))
        if (
            type(key[0]) is str
            and type(key[1]) in _TEXT_OR_NULL
            and type(key[2]) in _TEXT_OR_NULL
            and type(key[3]) in _FLAG_OR_NULL
        ):
            found = _PEOPLE.get(key)
            if found is None:
                found = _read_person(raw, field)
                if len(_PEOPLE) >= _PEOPLE_KEPT:
                    _PEOPLE.clear()
                _PEOPLE[key] = found
            return found
    return _read_person(raw, field)


def _read_person(raw: Any, field: str | int) -> Person:
    if not isinstance(raw, dict):
        raise FormatError(f"is {_kind(raw)}, not a user object", field)
    try:
        is_bot = raw.get("isBot")
        if is_bot is not None and not isinstance(is_bot, bool):
            raise FormatError(f"is {_kind(is_bot)}, not true or false", "isBot")
        name = _text(raw, "nickname") or _text(raw, "name")
        return Person(user_id=_id(raw, "id"), name=name, is_bot=bool(is_bot))
    except FormatError as exc:
        raise exc.within(field) from None


def _reaction(raw: Any, index: int) -> Reaction:
    if not isinstance(raw, dict):
        raise FormatError(f"is {_kind(raw)}, not an object", index)
    try:
        emoji = raw.get("emoji")
        if emoji is None:
            emoji = {}
        elif not isinstance(emoji, dict):
            raise FormatError(f"is {_kind(emoji)}, not an object", "emoji")
        try:
            name = _text(emoji, "name")
            emoji_id = _optional_id(emoji.get("id"), "id")
        except FormatError as exc:
            raise exc.within("emoji") from None
        text = f"<:{name}:{emoji_id}>" if emoji_id is not None else name
        # The count can differ from the users listed: only listed users are interactions.
        return Reaction(emoji=text, users=_items(raw.get("users"), "users", _person))
    except FormatError as exc:
        raise exc.within(index) from None


def _items(value: Any, key: str, parse: Callable[[Any, int], _T]) -> tuple[_T, ...]:
    """A list field's elements, each parsed; missing or null is empty."""
    if value is None or (type(value) is list and not value):  # most messages: cheaply
        return ()
    if type(value) is not list:
        raise FormatError(f"is {_kind(value)}, not a list", key)
    try:
        return tuple([parse(item, n) for n, item in enumerate(value)])
    except FormatError as exc:
        raise exc.within(key) from None


def _text(raw: dict[str, Any], key: str) -> str:
    """A text field; missing or null is empty."""
    value = raw.get(key)
    if value is None:
        return ""
    if type(value) is not str:
        raise FormatError(f"is {_kind(value)}, not text", key)
    # isascii() is a flag lookup: only other text is searched.
    if not value.isascii() and _SURROGATE.search(value):
        raise FormatError(
            f"{quoted(value)} holds a lone surrogate (half of a UTF-16 pair), which is not text",
            key,
        )
    return value


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    """A list field; missing or null is empty."""
    value = raw.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise FormatError(f"is {_kind(value)}, not a list", key)
    return value


def _id(raw: dict[str, Any], key: str) -> int:
    value = _optional_id(raw.get(key), key)
    if value is None:
        raise FormatError("is missing", key)
    return value


def _optional_id(value: Any, key: str) -> int | None:
    """An id: digits (in a string, as exporters write them, or a whole number)."""
    # The usual case first, as cheaply as it can be checked: a string of ASCII digits.
    if type(value) is str and len(value) <= _MAX_ID_DIGITS and value.isascii() and value.isdigit():
        number = int(value)
        if number <= MAX_ID:
            return number
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise FormatError(f"{quoted(value)} is not an id", key)
    text = str(value)
    if not (text.isascii() and text.isdigit()):
        raise FormatError(f"{quoted(value)} is not an id (digits only)", key)
    # Before int(): 5,000 digits would be slow to convert, and cannot be an id anyway.
    if len(text.lstrip("0")) > _MAX_ID_DIGITS or int(text) > MAX_ID:
        raise FormatError(f"{quoted(value)} is larger than any Discord id (2^63 - 1)", key)
    return int(text)


def _kind(value: Any) -> str:
    """What a JSON value is, for a message saying it is not what was expected."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"a number ({quoted(value)})"
    if isinstance(value, str):
        return f"text ({quoted(value)})"
    if isinstance(value, list):
        return "a list"
    return "an object"
