"""The rows an export's messages give, by the live recorder's rules (bot/recorder.py):
bots are never stored, members who opted out are left out (their messages, reactions and
mentions, and their mentions in the text of others), and message text follows
``store_content`` and the retention period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analysis.questions import is_question
from bot.clock import to_db_time, utcnow
from bot.dce.format import Header, Message, Person
from bot.events import MessageKind
from bot.policy import redact_mentions
from bot.settings import PrivacySettings
from bot.store.imports import Batch


def _name(batch: Batch, guild_id: int, person: Person, message_id: int) -> None:
    """Name a member who reacted or was mentioned, unless the batch already has a name
    for them (an author's own, from their message, comes first)."""
    if person.name:
        row = {"guild_id": guild_id, "user_id": person.user_id, "name": person.name}
        batch.name(row, message_id, own=False)


def _db_time(moment: datetime) -> str:
    """``to_db_time(moment)``, the usual case (a time in UTC, as bot/dce/format.py gives
    every message's) formatted directly: a million messages call it."""
    if moment.tzinfo is UTC:
        return moment.isoformat(timespec="milliseconds")[:-6] + "Z"  # less "+00:00"
    return to_db_time(moment)


class RowRules:
    """Which of an export's messages are logged and the rows each gives, for the consent
    last read (``opted_out``, kept up to date by the importer) and the bots seen so far
    in the files read (``bots``: a bot is never counted as mentioned)."""

    def __init__(self, privacy: PrivacySettings) -> None:
        self._privacy = privacy
        self._retained_since = utcnow() - timedelta(days=privacy.content_retention_days)
        self.opted_out: set[tuple[int, int]] = set()
        self.bots: set[int] = set()

    def logged(self, header: Header, message: Message) -> bool:
        author = message.author
        return not author.is_bot and (header.guild_id, author.user_id) not in self.opted_out

    def add(self, batch: Batch, header: Header, message: Message) -> None:
        guild_id, author_id = header.guild_id, message.author.user_id
        at = _db_time(message.created_at)
        kind = message.kind
        counts = kind is MessageKind.MESSAGE
        opens_forum_post = header.thread_id is not None and message.message_id == header.thread_id
        mentions = self._mentionable(guild_id, author_id, message) if counts else ()
        row: dict[str, Any] = {
            "message_id": message.message_id,
            "guild_id": guild_id,
            "channel_id": header.channel_id,
            "thread_id": header.thread_id,
            "where_id": header.where_id,
            "author_id": author_id,
            "created_at": at,
            "kind": kind.value,
            "reply_to_message_id": message.reply_to,
            "reply_to_author_id": None,  # looked up among stored messages
            "is_question": int(
                counts and is_question(message.content, opens_forum_post=opens_forum_post)
            ),
            "length": len(message.content),
            "attachments": message.attachments,
            "content": self._content(message, guild_id),
        }
        batch.messages.append(row)
        if counts and message.reply_to is not None:
            batch.replies.append(row)
        elif counts and header.thread_id is not None and not opens_forum_post:
            batch.thread_replies.append(row)
        batch.mentions.extend({"message_id": message.message_id, "user_id": u} for u in mentions)
        batch.name(
            {"guild_id": guild_id, "user_id": author_id, "name": message.author.name},
            message.message_id,
            own=True,
        )
        # The mentioned may never post: their name is the one the mention list gives.
        for person in message.mentions or ():
            if person.user_id in mentions:
                _name(batch, guild_id, person, message.message_id)
        if message.type == "GuildMemberJoin":
            batch.joins.append(
                {
                    "guild_id": guild_id,
                    "user_id": author_id,
                    "name": message.author.name,
                    "at": at,
                    "message_id": message.message_id,  # for Batch.drop
                }
            )
        for reaction in message.reactions:
            for user in reaction.users:
                if user.is_bot or (guild_id, user.user_id) in self.opted_out:
                    continue
                # Exports have no reaction times: the message's time (docs/metrics.md).
                batch.reactions.append(
                    {
                        "guild_id": guild_id,
                        "message_id": message.message_id,
                        "where_id": header.where_id,
                        "user_id": user.user_id,
                        "emoji": reaction.emoji,
                        "at": at,
                        "author_hint": author_id,
                    }
                )
                _name(batch, guild_id, user, message.message_id)

    def _mentionable(self, guild_id: int, author_id: int, message: Message) -> tuple[int, ...]:
        return tuple(
            dict.fromkeys(
                user_id
                for user_id in message.mentioned_ids()
                if user_id != author_id
                and user_id not in self.bots
                and (guild_id, user_id) not in self.opted_out
            )
        )

    def _content(self, message: Message, guild_id: int) -> str | None:
        if not (self._privacy.store_content and message.content):
            return None
        if message.created_at < self._retained_since:
            return None  # already past the retention period
        text = message.content
        for user_id in message.mentioned_ids():
            if (guild_id, user_id) in self.opted_out:
                text = redact_mentions(text, user_id)
        return text
