"""Queued writes for conversations: messages, mentions, interactions, reactions, members.

Interaction targets that the gateway did not tell us (the author of a replied-to
message, a thread's owner, a reacted-to message's author) are looked up by the SQL
itself at flush time, from the messages the store already holds. Bots and opted-out
members are never stored, so such a look-up can never find them.
"""

from __future__ import annotations

from typing import Any, Literal

from bot.clock import to_db_time
from bot.events import ChannelInfo, EditedMessage, PostedMessage, ReactionChange
from bot.store import answers_checked, dirty_days
from bot.store.batcher import Write, WriteBatcher

GUILD_SEEN = Write(
    "guild_seen",
    (
        """INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (:guild_id, :name, :at)
           ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name""",
    ),
    rank=0,
)

CHANNEL_SEEN = Write(
    "channel_seen",
    (
        """INSERT INTO channels (channel_id, guild_id, name, kind, parent_id, owner_id, created_at)
           VALUES (:channel_id, :guild_id, :name, :kind, :parent_id, :owner_id, :created_at)
           ON CONFLICT (channel_id) DO UPDATE SET
               name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
               owner_id = COALESCE(excluded.owner_id, channels.owner_id),
               created_at = COALESCE(channels.created_at, excluded.created_at)""",
    ),
    rank=0,
)

MEMBER_NAMED = Write(
    "member_named",
    (
        """INSERT INTO members (guild_id, user_id, display_name, joined_at)
           VALUES (:guild_id, :user_id, :name, :joined_at)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET
               display_name = excluded.display_name,
               joined_at = COALESCE(members.joined_at, excluded.joined_at)
           WHERE members.opted_out = 0""",
    ),
    # Ordered, like joins, so that the newest name wins whatever else is queued.
    lane="members",
)

MESSAGE_POSTED = Write(
    "message_posted",
    (
        """INSERT OR IGNORE INTO messages
               (message_id, guild_id, channel_id, thread_id, author_id, created_at, kind,
                reply_to_message_id, is_question, length, attachments, content)
           VALUES (:message_id, :guild_id, :channel_id, :thread_id, :author_id, :created_at, :kind,
                   :reply_to_message_id, :is_question, :length, :attachments, :content)""",
    ),
    rank=1,
    reported=True,  # for reply inference, after the flush
    answers_at="created_at",  # its reply, thread reply and mentions may answer a question
    new_messages=True,  # a late-dated one makes cached days stale
)

_MENTION_STATEMENTS = (
    """INSERT OR IGNORE INTO message_mentions (message_id, user_id)
       SELECT :message_id, :user_id WHERE EXISTS
           (SELECT 1 FROM messages WHERE message_id = :message_id AND deleted = 0)""",
    """INSERT OR IGNORE INTO interactions
           (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
       SELECT guild_id, author_id, :user_id, 'mention', message_id,
               COALESCE(thread_id, channel_id), created_at
         FROM messages
         WHERE message_id = :message_id AND deleted = 0 AND kind = 'message'
           AND author_id != :user_id""",
)

# Replies and thread replies go in before mentions, so that a reply that also
# mentions its target stays one 'reply' interaction (the unique key drops the rest).
REPLY = Write(
    "reply",
    (
        """INSERT OR IGNORE INTO interactions
               (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
           SELECT :guild_id, :author_id, target.author_id, 'reply', :message_id, :where_id,
                    :created_at
             FROM (SELECT COALESCE(:reply_to_author_id,
                       (SELECT author_id FROM messages WHERE message_id = :reply_to_message_id))
                   AS author_id) AS target
             WHERE target.author_id IS NOT NULL AND target.author_id != :author_id""",
    ),
    rank=2,
)

# The owner is the author of the thread's starter message (whose id is the thread's),
# else of the thread's first message, as for a forum post whose starter is unknown.
THREAD_REPLY = Write(
    "thread_reply",
    (
        """INSERT OR IGNORE INTO interactions
               (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
           SELECT :guild_id, :author_id, owner.author_id, 'thread_reply', :message_id, :thread_id,
                    :created_at
             FROM (SELECT COALESCE(
                       (SELECT author_id FROM messages WHERE message_id = :thread_id),
                       (SELECT author_id FROM messages
                        WHERE thread_id = :thread_id AND kind != 'system'
                        ORDER BY created_at, message_id LIMIT 1)) AS author_id) AS owner
             WHERE owner.author_id IS NOT NULL AND owner.author_id != :author_id""",
    ),
    rank=2,
)

MENTION = Write("mention", _MENTION_STATEMENTS, rank=3)

# Ordered writes: they change or remove what appends wrote.

MESSAGE_EDITED = Write(
    "message_edited",
    (
        """UPDATE messages SET content = :content, length = :length, kind = :kind,
               attachments = :attachments, is_question = :is_question, edited_at = :edited_at
           WHERE message_id = :message_id AND deleted = 0""",
        "DELETE FROM message_mentions WHERE message_id = :message_id",
        "DELETE FROM interactions WHERE message_id = :message_id AND kind = 'mention'",
        # Edited into a message that does not count (no text, no attachment): it no
        # longer listens to anyone either.
        "DELETE FROM interactions WHERE message_id = :message_id AND :kind != 'message'",
    ),
    reported=True,
    removes_interactions=True,
)

# A mention added by an edit has its message's time, maybe older than the reminder
# pass's last check: the mark moves back to it; and older than stored summaries: they
# are marked dirty where it may change them (bot/store/dirty_days.py).
MENTION_AFTER_EDIT = Write(
    "mention_after_edit",
    (
        *_MENTION_STATEMENTS,
        answers_checked.MENTION_ADDED,
        dirty_days.BUMP,
        dirty_days.MENTION_ADDED,
    ),
)

MESSAGE_DELETED = Write(
    "message_deleted",
    (
        """UPDATE messages SET deleted = 1, deleted_at = :at, content = NULL
           WHERE message_id = :message_id AND deleted = 0""",
        "DELETE FROM interactions WHERE message_id = :message_id",
        "DELETE FROM reactions WHERE message_id = :message_id",
    ),
    reported=True,
    removes_interactions=True,
)

REACTION_ADDED = Write(
    "reaction_added",
    (
        # Kept only for messages whose author is known: a member's, never a bot's.
        """INSERT OR IGNORE INTO reactions (guild_id, message_id, user_id, emoji, created_at)
           SELECT :guild_id, :message_id, :user_id, :emoji, :at
           WHERE :author_hint IS NOT NULL
              OR EXISTS (SELECT 1 FROM messages WHERE message_id = :message_id AND deleted = 0)""",
        """INSERT OR IGNORE INTO interactions
               (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
           SELECT :guild_id, :user_id, target.author_id, 'reaction', :message_id, :where_id, :at
             FROM (SELECT COALESCE(:author_hint,
                       (SELECT author_id FROM messages
                        WHERE message_id = :message_id AND deleted = 0)) AS author_id) AS target
             WHERE target.author_id IS NOT NULL AND target.author_id != :user_id""",
    ),
)

_DROP_REACTION_INTERACTION_IF_NONE_LEFT = """
DELETE FROM interactions
WHERE kind = 'reaction' AND message_id = :message_id AND source_id = :user_id
  AND NOT EXISTS (SELECT 1 FROM reactions WHERE message_id = :message_id AND user_id = :user_id)
"""

REACTION_REMOVED = Write(
    "reaction_removed",
    (
        """DELETE FROM reactions
           WHERE message_id = :message_id AND user_id = :user_id AND emoji = :emoji""",
        _DROP_REACTION_INTERACTION_IF_NONE_LEFT,
    ),
    removes_interactions=True,
)

REACTIONS_CLEARED = Write(
    "reactions_cleared",
    (
        "DELETE FROM reactions WHERE message_id = :message_id",
        "DELETE FROM interactions WHERE message_id = :message_id AND kind = 'reaction'",
    ),
    removes_interactions=True,
)

EMOJI_CLEARED = Write(
    "emoji_cleared",
    (
        "DELETE FROM reactions WHERE message_id = :message_id AND emoji = :emoji",
        """DELETE FROM interactions
           WHERE message_id = :message_id AND kind = 'reaction' AND source_id NOT IN
               (SELECT user_id FROM reactions WHERE message_id = :message_id)""",
    ),
    removes_interactions=True,
)

MEMBER_JOINED = Write(
    "member_joined",
    (
        """INSERT INTO members (guild_id, user_id, display_name, joined_at)
           VALUES (:guild_id, :user_id, :name, :at)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET
               display_name = excluded.display_name, joined_at = excluded.joined_at,
               left_at = NULL
           WHERE members.opted_out = 0""",
        """INSERT INTO member_events (guild_id, user_id, kind, at)
           VALUES (:guild_id, :user_id, 'join', :at)""",
    ),
    lane="members",
)

MEMBER_LEFT = Write(
    "member_left",
    (
        """UPDATE members SET left_at = :at
           WHERE guild_id = :guild_id AND user_id = :user_id AND opted_out = 0""",
        """INSERT INTO member_events (guild_id, user_id, kind, at)
           VALUES (:guild_id, :user_id, 'leave', :at)""",
    ),
    lane="members",
)


class ConversationWriter:
    """Turns conversation records into queued writes. Every method returns at once."""

    def __init__(self, batcher: WriteBatcher) -> None:
        self._batcher = batcher

    def guild_seen(self, guild_id: int, name: str, at: str) -> None:
        """Remember a guild (its first sighting is when the bot's observations begin)."""
        self._batcher.add(GUILD_SEEN, {"guild_id": guild_id, "name": name, "at": at})

    def channel_seen(self, channel: ChannelInfo) -> None:
        """Remember a channel's or thread's name, kind and parent."""
        created = to_db_time(channel.created_at) if channel.created_at else None
        self._batcher.add(
            CHANNEL_SEEN,
            {
                "channel_id": channel.channel_id,
                "guild_id": channel.guild_id,
                "name": channel.name,
                "kind": channel.kind,
                "parent_id": channel.parent_id,
                "owner_id": channel.owner_id,
                "created_at": created,
            },
        )

    def member_named(
        self, guild_id: int, user_id: int, name: str, joined_at: str | None = None
    ) -> None:
        """Record a member's current display name (and join time, if not known yet)."""
        row = {"guild_id": guild_id, "user_id": user_id, "name": name, "joined_at": joined_at}
        self._batcher.add(MEMBER_NAMED, row)

    def message_posted(
        self,
        message: PostedMessage,
        *,
        is_question: bool,
        content: str | None,
        mentions: tuple[int, ...],
        listening: Literal["reply", "thread_reply"] | None,
    ) -> None:
        """Queue a message, its mentions and the interactions it produces.

        ``listening`` says which listening interaction to derive, if any; its target
        is the replied-to author or the thread's owner, looked up at flush time.
        """
        place = message.place
        row: dict[str, Any] = {
            "message_id": message.message_id,
            "guild_id": place.guild_id,
            "channel_id": place.channel_id,
            "thread_id": place.thread_id,
            "where_id": place.where_id,
            "author_id": message.author_id,
            "created_at": to_db_time(message.created_at),
            "kind": message.kind.value,
            "reply_to_message_id": message.reply_to_message_id,
            "reply_to_author_id": message.reply_to_author_id,
            "is_question": int(is_question),
            "length": len(message.content),
            "attachments": message.attachments,
            "content": content,
        }
        self._batcher.add(MESSAGE_POSTED, row)
        if listening == "reply":
            self._batcher.add(REPLY, row)
        elif listening == "thread_reply":
            self._batcher.add(THREAD_REPLY, row)
        for user_id in mentions:
            self._batcher.add(MENTION, {"message_id": message.message_id, "user_id": user_id})

    def message_edited(
        self,
        edit: EditedMessage,
        *,
        is_question: bool,
        content: str | None,
        mentions: tuple[int, ...],
    ) -> None:
        """Queue new text for a message, and its mentions afresh."""
        self._batcher.add(
            MESSAGE_EDITED,
            {
                "message_id": edit.message_id,
                "content": content,
                "length": len(edit.content),
                "kind": edit.kind.value,
                "attachments": edit.attachments,
                "is_question": int(is_question),
                "edited_at": to_db_time(edit.edited_at),
            },
        )
        for user_id in mentions:
            self._batcher.add(
                MENTION_AFTER_EDIT, {"message_id": edit.message_id, "user_id": user_id}
            )

    def message_deleted(self, message_id: int, at: str) -> None:
        """Mark a message deleted; its interactions and reactions go with it."""
        self._batcher.add(MESSAGE_DELETED, {"message_id": message_id, "at": at})

    def reaction_added(self, change: ReactionChange) -> None:
        """Queue a reaction and, once per member and message, its interaction."""
        self._batcher.add(REACTION_ADDED, _reaction_row(change))

    def reaction_removed(self, change: ReactionChange) -> None:
        """Remove a reaction; the interaction goes when none of that member's remain."""
        self._batcher.add(REACTION_REMOVED, _reaction_row(change))

    def reactions_cleared(self, message_id: int, emoji: str | None) -> None:
        """A moderator removed all reactions, or all of one emoji, from a message."""
        if emoji is None:
            self._batcher.add(REACTIONS_CLEARED, {"message_id": message_id})
        else:
            self._batcher.add(EMOJI_CLEARED, {"message_id": message_id, "emoji": emoji})

    def member_joined(self, guild_id: int, user_id: int, name: str, at: str) -> None:
        """Record a join event and the member's join time."""
        row = {"guild_id": guild_id, "user_id": user_id, "name": name, "at": at}
        self._batcher.add(MEMBER_JOINED, row)

    def member_left(self, guild_id: int, user_id: int, at: str) -> None:
        """Record a leave event."""
        self._batcher.add(MEMBER_LEFT, {"guild_id": guild_id, "user_id": user_id, "at": at})


def _reaction_row(change: ReactionChange) -> dict[str, Any]:
    return {
        "guild_id": change.place.guild_id,
        "message_id": change.message_id,
        "where_id": change.place.where_id,
        "user_id": change.user_id,
        "emoji": change.emoji,
        "at": to_db_time(change.at),
        "author_hint": change.message_author_id,
    }
