"""Logging conversations: every gateway event worth keeping goes to the recorder.

Handlers only translate and queue; they never wait on the disk.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.events import ReactionChange
from cogs._records import channel_info, edited, guild_info, is_member, place_of, posted


class Conversations(commands.Cog):
    """Records messages, replies, threads, mentions, reactions, joins and leaves."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot
        self.recorder = bot.recorder

    # Guilds and channels

    @commands.Cog.listener("on_guild_available")
    @commands.Cog.listener("on_guild_join")
    async def on_guild(self, guild: discord.Guild) -> None:
        # Available: seen again at start-up or after an outage; join: invited to it.
        self.recorder.guild_available(guild_info(guild), utcnow())

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        self.recorder.channel_seen(channel_info(channel))

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, _before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        self.recorder.channel_seen(channel_info(after))

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.recorder.channel_seen(channel_info(thread))

    @commands.Cog.listener()
    async def on_thread_update(self, _before: discord.Thread, after: discord.Thread) -> None:
        self.recorder.channel_seen(channel_info(after))

    # Messages

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.webhook_id is not None or not is_member(message.author):
            return
        self.recorder.message_posted(posted(message, message.guild.id))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        if (
            message.guild is None
            or message.webhook_id is not None
            or message.edited_at is None  # an embed unfurled, not an edit by the author
            or not is_member(message.author)
        ):
            return
        self.recorder.message_edited(edited(message, message.guild.id))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            self.recorder.messages_deleted([payload.message_id], utcnow())

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            self.recorder.messages_deleted(sorted(payload.message_ids), utcnow())

    # Reactions

    def _reaction(self, payload: discord.RawReactionActionEvent) -> ReactionChange | None:
        if payload.guild_id is None:
            return None
        channel = self.bot.get_channel(payload.channel_id)
        return ReactionChange(
            message_id=payload.message_id,
            place=place_of(payload.guild_id, channel, payload.channel_id),
            user_id=payload.user_id,
            emoji=str(payload.emoji),
            at=utcnow(),
            # In a thread the cache has forgotten, the parent (and whether it is
            # excluded) is unknown: count the reaction only if its message is stored.
            message_author_id=payload.message_author_id if channel is not None else None,
        )

    def _is_bot(self, guild_id: int, user_id: int | None) -> bool:
        if user_id is None:
            return False
        guild = self.bot.get_guild(guild_id)
        user = (guild.get_member(user_id) if guild else None) or self.bot.get_user(user_id)
        return user is not None and not is_member(user)

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        change = self._reaction(payload)
        if change is None or (payload.member is not None and not is_member(payload.member)):
            return
        if self._is_bot(change.place.guild_id, change.message_author_id):
            return  # reactions to bots are no interaction, and bots are never stored
        self.recorder.reaction_added(change)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        change = self._reaction(payload)
        if change is not None:
            self.recorder.reaction_removed(change)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        if payload.guild_id is not None:
            self.recorder.reactions_cleared(payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        if payload.guild_id is not None:
            self.recorder.reactions_cleared(payload.message_id, str(payload.emoji))

    # Members

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if is_member(member):
            at = member.joined_at or utcnow()
            self.recorder.member_joined(member.guild.id, member.id, member.display_name, at)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if is_member(payload.user):
            self.recorder.member_left(payload.guild_id, payload.user.id, utcnow())

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if is_member(after) and before.display_name != after.display_name:
            self.recorder.member_renamed(after.guild.id, after.id, after.display_name)

    @commands.Cog.listener()
    async def on_user_update(self, before: discord.User, after: discord.User) -> None:
        if not is_member(after) or before.display_name == after.display_name:
            return
        for guild in after.mutual_guilds:
            member = guild.get_member(after.id)
            if member is not None:
                self.recorder.member_renamed(guild.id, member.id, member.display_name)


async def setup(bot: AscoltoBot) -> None:
    """Load the conversation-logging cog."""
    await bot.add_cog(Conversations(bot))
