"""Translating discord.py objects into the core's plain records."""

from __future__ import annotations

import discord

from bot.events import ChannelInfo, EditedMessage, GuildInfo, MessageKind, Place, PostedMessage

_CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def is_member(user: discord.abc.User) -> bool:
    """A person: not a bot, webhook or Discord system account (docs/metrics.md)."""
    return not (user.bot or user.system)


def place_of(guild_id: int, channel: object, channel_id: int) -> Place:
    """Where a message lives: a thread is recorded with its parent channel."""
    if isinstance(channel, discord.Thread):
        return Place(guild_id, channel.parent_id, channel.id)
    return Place(guild_id, channel_id)


def message_kind(message: discord.Message) -> MessageKind:
    """System message, empty message, or a message that counts."""
    if message.type not in _CHAT_TYPES:
        return MessageKind.SYSTEM
    if message.content or message.attachments:
        return MessageKind.MESSAGE
    return MessageKind.EMPTY


def opens_forum_post(message: discord.Message) -> bool:
    """A forum post's starter message has the post's (thread's) id."""
    channel = message.channel
    return (
        isinstance(channel, discord.Thread)
        and message.id == channel.id
        and isinstance(channel.parent, discord.ForumChannel)
    )


def reply_target(message: discord.Message) -> tuple[int | None, int | None]:
    """(replied-to message id, its author if known) for a reply in the same place.

    Forwards, cross-posts, pins and replies into another channel are not replies.
    """
    ref = message.reference
    if (
        message.type is not discord.MessageType.reply
        or ref is None
        or ref.message_id is None
        or ref.type is discord.MessageReferenceType.forward
        or (ref.guild_id is not None and ref.guild_id != getattr(message.guild, "id", None))
        or ref.channel_id != message.channel.id
    ):
        return None, None
    resolved = ref.resolved if ref.resolved is not None else ref.cached_message
    if isinstance(resolved, discord.Message) and is_member(resolved.author):
        return ref.message_id, resolved.author.id
    # Unknown here, or a bot: the store looks the author up, and never holds bots.
    return ref.message_id, None


def mention_ids(message: discord.Message) -> tuple[int, ...]:
    """Members mentioned as users (roles, @everyone and @here are not interactions)."""
    return tuple(user.id for user in message.mentions if is_member(user))


def posted(message: discord.Message, guild_id: int) -> PostedMessage:
    """A new message as the recorder wants it."""
    reply_to, reply_author = reply_target(message)
    return PostedMessage(
        message_id=message.id,
        place=place_of(guild_id, message.channel, message.channel.id),
        author_id=message.author.id,
        author_name=message.author.display_name,
        author_joined_at=getattr(message.author, "joined_at", None),
        created_at=message.created_at,
        content=message.content,
        kind=message_kind(message),
        attachments=len(message.attachments),
        reply_to_message_id=reply_to,
        reply_to_author_id=reply_author,
        mention_ids=mention_ids(message),
        opens_forum_post=opens_forum_post(message),
    )


def edited(message: discord.Message, guild_id: int) -> EditedMessage:
    """An edited message as the recorder wants it."""
    return EditedMessage(
        message_id=message.id,
        place=place_of(guild_id, message.channel, message.channel.id),
        author_id=message.author.id,
        edited_at=message.edited_at or message.created_at,
        content=message.content,
        kind=message_kind(message),
        attachments=len(message.attachments),
        mention_ids=mention_ids(message),
        opens_forum_post=opens_forum_post(message),
    )


def channel_info(channel: discord.abc.GuildChannel | discord.Thread) -> ChannelInfo:
    """A channel or thread's name, kind and parent."""
    if isinstance(channel, discord.Thread):
        parent_id: int | None = channel.parent_id
        owner_id: int | None = channel.owner_id
    else:
        parent_id, owner_id = channel.category_id, None
    return ChannelInfo(
        channel_id=channel.id,
        guild_id=channel.guild.id,
        name=channel.name,
        kind=str(channel.type),
        parent_id=parent_id,
        owner_id=owner_id,
        created_at=channel.created_at,
    )


def guild_info(guild: discord.Guild) -> GuildInfo:
    """A guild with its channels and active threads."""
    channels = [channel_info(c) for c in guild.channels]
    channels += [channel_info(t) for t in guild.threads]
    return GuildInfo(guild_id=guild.id, name=guild.name, channels=tuple(channels))
