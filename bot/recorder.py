"""Conversation logging: decides what of each gateway event is stored, then queues it.

Every method returns without waiting on the disk: the store's batcher writes later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from bot.analysis.questions import is_question
from bot.clock import to_db_time
from bot.events import (
    ChannelInfo,
    EditedMessage,
    GuildInfo,
    MessageKind,
    Place,
    PostedMessage,
    ReactionChange,
)
from bot.policy import LoggingPolicy, redact_mentions
from bot.settings import PrivacySettings
from bot.store import Store


class ConversationRecorder:
    """Applies consent, exclusions and docs/metrics.md's rules to conversation events."""

    def __init__(self, store: Store, policy: LoggingPolicy, privacy: PrivacySettings) -> None:
        self._writes = store.conversations
        self._policy = policy
        self._store_content = privacy.store_content
        # Display names already written, so that a message does not rewrite its author.
        self._names: dict[tuple[int, int], str] = {}

    def _logged(self, place: Place, user_id: int) -> bool:
        return self._policy.member_logged(place.guild_id, user_id) and self._policy.channel_logged(
            place.guild_id, place.where_id, place.channel_id if place.thread_id else None
        )

    def _content(self, text: str, guild_id: int, mention_ids: Iterable[int]) -> str | None:
        """The text to store, if any: members who opted out are not named in it."""
        if not (self._store_content and text):
            return None
        for user_id in mention_ids:
            if not self._policy.member_logged(guild_id, user_id):
                text = redact_mentions(text, user_id)
        return text

    def guild_available(self, guild: GuildInfo, at: datetime) -> None:
        """The bot sees a guild (at start-up or on joining it): remember it and its channels."""
        self._writes.guild_seen(guild.guild_id, guild.name, to_db_time(at))
        for channel in guild.channels:
            self.channel_seen(channel)

    def channel_seen(self, channel: ChannelInfo) -> None:
        """A channel or thread was created or renamed."""
        parent = channel.parent_id if channel.kind.endswith("thread") else None
        if self._policy.channel_logged(channel.guild_id, channel.channel_id, parent):
            self._writes.channel_seen(channel)

    def message_posted(self, message: PostedMessage) -> None:
        """A member posted a message (system messages included, as interaction targets)."""
        place = message.place
        if not self._logged(place, message.author_id):
            return
        self._remember_name(
            place.guild_id, message.author_id, message.author_name, message.author_joined_at
        )
        counts = message.kind is MessageKind.MESSAGE
        listening: Literal["reply", "thread_reply"] | None = None
        if counts and message.reply_to_message_id is not None:
            target = message.reply_to_author_id
            if target is None or self._policy.member_logged(place.guild_id, target):
                listening = "reply"
        elif counts and place.thread_id is not None and not message.opens_forum_post:
            listening = "thread_reply"
        mentions = self._mentionable(place.guild_id, message.author_id, message.mention_ids)
        self._writes.message_posted(
            message,
            is_question=counts
            and is_question(message.content, opens_forum_post=message.opens_forum_post),
            content=self._content(message.content, place.guild_id, message.mention_ids),
            mentions=mentions if counts else (),
            listening=listening,
        )

    def message_edited(self, edit: EditedMessage) -> None:
        """A member changed a message's text: new question flag and mentions."""
        if not self._logged(edit.place, edit.author_id):
            return
        counts = edit.kind is MessageKind.MESSAGE
        mentions = self._mentionable(edit.place.guild_id, edit.author_id, edit.mention_ids)
        self._writes.message_edited(
            edit,
            is_question=counts
            and is_question(edit.content, opens_forum_post=edit.opens_forum_post),
            content=self._content(edit.content, edit.place.guild_id, edit.mention_ids),
            mentions=mentions if counts else (),
        )

    def messages_deleted(self, message_ids: Iterable[int], at: datetime) -> None:
        """Messages were deleted (one, or a moderator's bulk delete)."""
        stamp = to_db_time(at)
        for message_id in message_ids:
            self._writes.message_deleted(message_id, stamp)

    def reaction_added(self, change: ReactionChange) -> None:
        """A member reacted to a message."""
        if not self._logged(change.place, change.user_id):
            return
        author = change.message_author_id
        if author is not None and not self._policy.member_logged(change.place.guild_id, author):
            return
        self._writes.reaction_added(change)

    def reaction_removed(self, change: ReactionChange) -> None:
        """A member took a reaction back."""
        # Removal is applied even in excluded places: it only ever deletes rows.
        self._writes.reaction_removed(change)

    def reactions_cleared(self, message_id: int, emoji: str | None = None) -> None:
        """A moderator removed all reactions (or all of one emoji) from a message."""
        self._writes.reactions_cleared(message_id, emoji)

    def member_joined(self, guild_id: int, user_id: int, name: str, at: datetime) -> None:
        """A member joined the guild."""
        if self._policy.member_logged(guild_id, user_id):
            self._names[(guild_id, user_id)] = name
            self._writes.member_joined(guild_id, user_id, name, to_db_time(at))

    def member_left(self, guild_id: int, user_id: int, at: datetime) -> None:
        """A member left (or was removed from) the guild."""
        if self._policy.member_logged(guild_id, user_id):
            self._writes.member_left(guild_id, user_id, to_db_time(at))

    def member_renamed(self, guild_id: int, user_id: int, name: str) -> None:
        """A member's display name changed."""
        if self._policy.member_logged(guild_id, user_id):
            self._remember_name(guild_id, user_id, name)

    def forget_member(self, guild_id: int, user_id: int) -> None:
        """Drop what is cached about a member who opted out."""
        self._names.pop((guild_id, user_id), None)

    def _remember_name(
        self, guild_id: int, user_id: int, name: str, joined_at: datetime | None = None
    ) -> None:
        if self._names.get((guild_id, user_id)) != name:
            self._names[(guild_id, user_id)] = name
            joined = to_db_time(joined_at) if joined_at is not None else None
            self._writes.member_named(guild_id, user_id, name, joined)

    def _mentionable(self, guild_id: int, author_id: int, ids: Iterable[int]) -> tuple[int, ...]:
        """Mentioned members who are not the author and allow logging, each once."""
        return tuple(
            dict.fromkeys(
                user_id
                for user_id in ids
                if user_id != author_id and self._policy.member_logged(guild_id, user_id)
            )
        )
