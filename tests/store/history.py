"""Hand-built conversation histories, written through the real recorder and store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from bot.analysis.summary import DailySummary
from bot.dce.importer import Importer
from bot.dce.reader import find_exports
from bot.events import EditedMessage, MessageKind, Place, PostedMessage, ReactionChange
from bot.policy import LoggingPolicy
from bot.recorder import ConversationRecorder
from bot.settings import PrivacySettings
from bot.store import Store, answers_checked

GUILD = 1000
GENERAL = 2000
RANDOM = 2001
DISCORD_EPOCH_MS = 1_420_070_400_000


def at(text: str) -> datetime:
    """A UTC time from ``YYYY-MM-DD HH:MM``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class History:
    """Posts, reactions and joins at chosen times, with snowflake ids in time order."""

    @classmethod
    @asynccontextmanager
    async def opened(cls, path: Path) -> AsyncIterator[History]:
        """A store in the file at ``path`` with a recorder that writes into it; the store
        is flushed and closed at the end of the block."""
        store = Store(path)
        await store.open()
        try:
            built = cls(store)
            await built.policy.load()
            yield built
        finally:
            await store.close()

    def __init__(self, store: Store) -> None:
        self.store = store
        self.policy = LoggingPolicy(store)
        self.recorder = ConversationRecorder(store, self.policy, PrivacySettings())
        self.authors: dict[int, int] = {}
        self._sequence = 0

    def _snowflake(self, when: datetime) -> int:
        self._sequence += 1
        return (int(when.timestamp() * 1000) - DISCORD_EPOCH_MS) << 22 | self._sequence

    def post(
        self,
        author: int,
        when: str,
        text: str = "hello",
        *,
        channel: int = GENERAL,
        thread: int | None = None,
        reply_to: int | None = None,
        mentions: tuple[int, ...] = (),
        forum_post: bool = False,
        kind: MessageKind = MessageKind.MESSAGE,
    ) -> int:
        """Post a message; returns its id. A forum post's first message takes the post's id."""
        moment = at(when)
        message_id = thread if forum_post and thread is not None else self._snowflake(moment)
        self.recorder.message_posted(
            PostedMessage(
                message_id=message_id,
                place=Place(GUILD, channel, thread),
                author_id=author,
                author_name=f"member {author}",
                created_at=moment,
                content=text,
                kind=kind,
                reply_to_message_id=reply_to,
                reply_to_author_id=self.authors.get(reply_to) if reply_to else None,
                mention_ids=mentions,
                opens_forum_post=forum_post,
            )
        )
        self.authors[message_id] = author
        return message_id

    def thread_id(self, when: str) -> int:
        """An id for a thread (or forum post) created at ``when`` with no starter message."""
        return self._snowflake(at(when))

    def react(self, user: int, message_id: int, when: str, emoji: str = "👍") -> None:
        """A member reacts to a message."""
        self.recorder.reaction_added(
            ReactionChange(
                message_id=message_id,
                place=Place(GUILD, GENERAL),
                user_id=user,
                emoji=emoji,
                at=at(when),
            )
        )

    def join(self, user: int, when: str) -> None:
        """A member joins the guild."""
        self.recorder.member_joined(GUILD, user, f"member {user}", at(when))

    def edit(
        self,
        message_id: int,
        when: str,
        text: str,
        *,
        kind: MessageKind = MessageKind.MESSAGE,
        mentions: tuple[int, ...] = (),
    ) -> None:
        """The author edits a message (in the general channel)."""
        self.recorder.message_edited(
            EditedMessage(
                message_id=message_id,
                place=Place(GUILD, GENERAL),
                author_id=self.authors[message_id],
                edited_at=at(when),
                content=text,
                kind=kind,
                mention_ids=mentions,
            )
        )

    def delete(self, message_id: int, when: str) -> None:
        """A message is deleted."""
        self.recorder.messages_deleted([message_id], at(when))

    async def infer(self, message_id: int, target_id: int, score: float = 0.9) -> None:
        """An inferred reply from one stored message to another, as bot/inference would
        write it (the queued posts are flushed first)."""
        await infer(self.store, message_id, target_id, score)

    async def inference(self, enabled: bool) -> None:
        """Turn the guild's inference on or off, as ``/config inference`` does."""
        await set_inference(self.store, GUILD, enabled)

    async def summary(
        self, day: str, *, computed_at: str = "2026-12-31T00:00:00.000Z", timezone: str = "UTC"
    ) -> DailySummary:
        """The computed summary of a day (responses counted until ``computed_at``)."""
        return await self.store.summaries.compute(
            GUILD, date.fromisoformat(day), timezone, computed_at
        )


async def infer(store: Store, message_id: int, target_id: int, score: float = 0.9) -> None:
    """Write an inferred reply row for two stored messages (the live writer is bot/inference's)."""
    async with store.writing() as db:
        await db.execute(
            """INSERT INTO inferred_replies (guild_id, message_id, target_message_id, target_id,
                   score, model_version, source_id, channel_id, created_at)
               SELECT m.guild_id, m.message_id, t.message_id, t.author_id, ?, 'test',
                      m.author_id, coalesce(m.thread_id, m.channel_id), m.created_at
               FROM messages m, messages t WHERE m.message_id = ? AND t.message_id = ?""",
            (score, message_id, target_id),
        )
        # As every writer of a possible answer does (bot/store/answers_checked.py).
        async with db.execute(
            "SELECT created_at FROM messages WHERE message_id = ?", (message_id,)
        ) as cursor:
            (created_at,) = await cursor.fetchone() or (None,)
        await db.execute(answers_checked.WRITTEN_AT, {"at": created_at})


async def set_inference(store: Store, guild_id: int, enabled: bool) -> None:
    """Write a guild's inference switch, as ``/config inference on|off`` does."""
    await store.inferred.set_enabled(guild_id, enabled, "2026-01-01T00:00:00.000Z")


def import_files(history: History, *paths: Path) -> None:
    """Import DiscordChatExporter files into the history's store, as ``ascolto import``
    does (each must import without failure)."""
    exports, _ = find_exports(list(paths))
    importer = Importer(history.store.path, PrivacySettings())
    try:
        assert not importer.run(exports).failed
    finally:
        importer.close()
