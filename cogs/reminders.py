"""The reminder pass: the team's board of what waits, members' daily DMs.

Runs when the ``reminders`` timer fires (every ``[reminders] check_interval_seconds``).
The decisions are ReminderService's (bot/reminders.py); this cog only talks to Discord
and reports back what it did.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import discord
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.reminders import REMINDER_TIMER, BoardWork, NudgePlan, Place
from bot.render.nudges import nudge_embed
from bot.render.reminders import board_embed, board_signature, moved_embed
from bot.store.alerts import BoardPost
from bot.store.inbox import InboxItem, NudgeSettings, Suggestion
from bot.store.timers import Timer
from cogs._visibility import Sight, audience_quotable, member_sights, places

log = logging.getLogger(__name__)

# Where alerts can be posted (``/config alerts set`` takes a text channel).
AlertRoom = discord.TextChannel | discord.VoiceChannel | discord.Thread

FAR_UP_MESSAGES = 5  # messages after the board before new items post a fresh one


class Reminders(commands.Cog):
    """Announces unanswered questions and silent newcomers, and sends opted-in DMs."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_reminders_timer_complete(self, timer: Timer) -> None:
        if timer.kind != REMINDER_TIMER:
            return
        now = utcnow()
        await self.bot.reminders.schedule_next(now)
        if not self.bot.is_ready():
            # At start-up, before the guilds are known: the next pass does the work,
            # so nothing is decided against an empty cache.
            return
        # Each step stands alone: a failure is logged and the next pass tries again.
        for step in (self._announce, self._send_nudges):
            try:
                await step(now)
            except Exception:
                log.exception("reminder pass: %s failed", step.__name__.strip("_"))

    async def _announce(self, now: datetime) -> None:
        for work in await self.bot.reminders.alert_boards(now):
            try:
                await self._keep_board(work, now)
            except Exception:
                log.exception("alerts of guild %d: the board could not be kept", work.guild_id)

    async def _keep_board(self, work: BoardWork, now: datetime) -> None:
        """Make the guild's one board show what waits: edit it when what it shows
        changed, post a fresh one when needed, and retire every other message that
        claims something waits (see ``_post_fresh_board``)."""
        posted: tuple[int, int] | None = None
        stale = list(work.stale)
        if work.channel_id is not None:
            channel = self.bot.get_channel(work.channel_id)
            if not isinstance(channel, AlertRoom):
                log.warning("alerts of guild %d: the alerts channel is gone", work.guild_id)
                return
            # Text is quoted only where everyone who reads the alerts can read the item
            # too; the other items say who, where and when.
            quotable = await audience_quotable(self.bot, channel, work.board.items)
            embed = board_embed(
                work.guild_id,
                work.board,
                quotable,
                expire_days=self.bot.reminders.expire_days,
                names=channel.guild,
            )
            shown = board_signature(embed)
            current = work.current
            if current is None:
                fresh = bool(work.board.total)  # a first board only when something waits
            elif work.arrived and await _far_up(channel, current.message_id):
                fresh = True
                stale.append(current)
            else:
                fresh = False
                if shown != current.shown:
                    try:
                        await channel.get_partial_message(current.message_id).edit(embed=embed)
                        await self.bot.reminders.board_shown(current, shown)
                    except discord.NotFound:
                        # Deleted by someone: nothing left to retire, post a new one.
                        await self.bot.reminders.boards_retired([current], now)
                        fresh = True
            if fresh:
                try:
                    message = await channel.send(embed=embed)
                except discord.HTTPException:
                    # The claims stay; the next pass tries again.
                    log.exception(
                        "alerts of guild %d: the board could not be posted", work.guild_id
                    )
                    return
                await self.bot.reminders.board_posted(work, message.id, shown, now)
                posted = (channel.id, message.id)
                log.info(
                    "alerts of guild %d: board posted (%d waiting)", work.guild_id, work.board.total
                )
        await self._retire(work, stale, posted, now)

    async def _retire(
        self,
        work: BoardWork,
        stale: list[BoardPost],
        posted: tuple[int, int] | None,
        now: datetime,
    ) -> None:
        """Edit each older message to say where the board is (or that alerts are off),
        then stop following it; one Discord could not edit is tried again next pass."""
        done = []
        for post in stale:
            channel = self.bot.get_channel(post.channel_id)
            if isinstance(channel, AlertRoom):
                try:
                    await channel.get_partial_message(post.message_id).edit(
                        content=None, embed=moved_embed(work.guild_id, posted, work.channel_id)
                    )
                except discord.NotFound:
                    pass  # gone: it claims nothing any more
                except discord.HTTPException:
                    log.warning(
                        "alerts of guild %d: an old board could not be edited", work.guild_id
                    )
                    continue
            done.append(post)
        if done:
            await self.bot.reminders.boards_retired(done, now)

    async def _send_nudges(self, now: datetime) -> None:
        for plan in await self.bot.reminders.prepare_nudges(now, self._readable):
            await self._dm(plan, now)

    async def _readable(self, nudge: NudgeSettings, where: Sequence[Place]) -> list[bool]:
        """Which places the nudge's member can open: a DM leaves out what they cannot, as
        /inbox does. A member who cannot be found gets nothing listed (and no DM)."""
        guild = self.bot.get_guild(nudge.guild_id)
        member = await _member(guild, nudge.user_id) if guild is not None else None
        if guild is None or member is None:
            return [False] * len(where)
        known = await places(self.bot, guild, (thread_id for _, thread_id in where))
        return [
            known.sight(member, channel_id, thread_id) is not Sight.CLOSED
            for channel_id, thread_id in where
        ]

    async def _dm(self, plan: NudgePlan, now: datetime) -> None:
        guild_id, user_id = plan.nudge.guild_id, plan.nudge.user_id
        guild = self.bot.get_guild(guild_id)
        member = await _member(guild, user_id) if guild else None
        if guild is None or member is None:
            # Not in the guild any more (or the guild is gone): nothing to say.
            await self.bot.reminders.nudge_not_sent(plan)
            return
        # Everything listed is in a place the member can open (_readable); the text is
        # quoted where that is certain, as /inbox does.
        shown: list[InboxItem | Suggestion] = [*plan.items]
        if plan.suggestion is not None:
            shown.append(plan.suggestion)
        _, quotable = await member_sights(self.bot, guild, member, shown)
        embed = nudge_embed(guild, plan.items, plan.more_items, plan.suggestion, quotable)
        try:
            await member.send(embed=embed)
        except discord.Forbidden:
            await self.bot.reminders.nudge_refused(plan, now)
            log.warning(
                "nudges of member %d in guild %d turned off: Discord refused the DM",
                user_id,
                guild_id,
            )
            return
        except discord.HTTPException:
            log.exception("nudge of member %d in guild %d failed", user_id, guild_id)
            await self.bot.reminders.nudge_not_sent(plan)
            return
        await self.bot.reminders.nudge_sent(plan, now)


async def _far_up(channel: AlertRoom, message_id: int) -> bool:
    """Whether a board is far enough up its channel to post a fresh one: at least
    FAR_UP_MESSAGES messages came after it, so it is likely off the first screen. A
    count of messages, not an age: in a quiet channel an old board is still in view."""
    try:
        after = [
            m
            async for m in channel.history(limit=FAR_UP_MESSAGES, after=discord.Object(message_id))
        ]
    except discord.HTTPException:
        return False
    return len(after) >= FAR_UP_MESSAGES


async def _member(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """The member, from the cache or else from Discord; None if not in the guild."""
    member = guild.get_member(user_id)
    if member is not None:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None


async def setup(bot: AscoltoBot) -> None:
    """Load the reminder pass."""
    await bot.add_cog(Reminders(bot))
