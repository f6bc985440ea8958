"""The reminder pass: alerts to the team, marks on answered alerts, members' daily DMs.

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
from bot.reminders import REMINDER_TIMER, NudgePlan, Place
from bot.render.nudges import nudge_embed
from bot.render.reminders import alert_embed
from bot.store.alerts import AlertClaim
from bot.store.inbox import InboxItem, NudgeSettings, Suggestion
from bot.store.timers import Timer
from cogs._visibility import Sight, audience_quotable, member_sights, places

log = logging.getLogger(__name__)

# Where alerts can be posted (``/config alerts set`` takes a text channel).
AlertRoom = discord.TextChannel | discord.VoiceChannel | discord.Thread


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
        for step in (self._announce, self._mark_answered, self._send_nudges):
            try:
                await step(now)
            except Exception:
                log.exception("reminder pass: %s failed", step.__name__.strip("_"))

    async def _announce(self, now: datetime) -> None:
        async for claim in self.bot.reminders.due_alerts(now):
            await self._post_alert(claim)

    async def _post_alert(self, claim: AlertClaim) -> None:
        channel = self.bot.get_channel(claim.channel_id)
        if not isinstance(channel, AlertRoom):
            log.warning("alerts of guild %d: the alerts channel is gone", claim.guild_id)
            return
        # Text is quoted only where everyone who reads the alerts can read the question
        # too; the other items say who, where and when.
        quotable = await audience_quotable(self.bot, channel, claim.items)
        embed = alert_embed(claim.guild_id, [(item, None) for item in claim.items], quotable)
        try:
            message = await channel.send(embed=embed)
        except discord.HTTPException:
            # Claimed first, so never posted twice; these items are not retried.
            log.exception("alerts of guild %d could not be posted", claim.guild_id)
            return
        await self.bot.reminders.alert_posted(claim, message.id)
        log.info("alerts of guild %d: %d items announced", claim.guild_id, len(claim.items))

    async def _mark_answered(self, now: datetime) -> None:
        for post in await self.bot.reminders.answered_alerts(now):
            channel = self.bot.get_channel(post.channel_id)
            if not isinstance(channel, AlertRoom):
                continue
            quotable = await audience_quotable(self.bot, channel, [item for item, _ in post.items])
            try:
                await channel.get_partial_message(post.message_id).edit(
                    embed=alert_embed(post.guild_id, post.items, quotable)
                )
            except discord.HTTPException:
                log.warning("alert %d of guild %d could not be marked", post.post_id, post.guild_id)

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
