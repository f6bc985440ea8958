"""The reminder pass: alerts to the team, marks on answered alerts, members' daily DMs.

Runs when the ``reminders`` timer fires (every ``[reminders] check_interval_seconds``).
The decisions are the store's and the service's; this cog only talks to Discord.
"""

from __future__ import annotations

import logging
from datetime import datetime

import discord
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.reminders import REMINDER_TIMER, NudgePlan
from bot.render.reminders import alert_embed, nudge_embed
from bot.store.alerts import AlertClaim
from bot.store.inbox import DM_CLOSED
from bot.store.timers import Timer

log = logging.getLogger(__name__)


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
        for settings in await self.bot.store.alerts.enabled():
            claim = await self.bot.store.alerts.claim_due(settings, now)
            if claim is not None:
                await self._post_alert(claim)

    async def _post_alert(self, claim: AlertClaim) -> None:
        channel = self.bot.get_channel(claim.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("alerts of guild %d: the alerts channel is gone", claim.guild_id)
            return
        embed = alert_embed(claim.guild_id, [(item, None) for item in claim.items])
        try:
            message = await channel.send(embed=embed)
        except discord.HTTPException:
            # Claimed first, so never posted twice; these items are not retried.
            log.exception("alerts of guild %d could not be posted", claim.guild_id)
            return
        await self.bot.store.alerts.posted(claim.post_id, message.id)
        log.info("alerts of guild %d: %d items announced", claim.guild_id, len(claim.items))

    async def _mark_answered(self, now: datetime) -> None:
        await self.bot.store.inbox.record_answers(now)
        for post_id in await self.bot.store.alerts.record_answers(now):
            post = await self.bot.store.alerts.post(post_id)
            channel = self.bot.get_channel(post.channel_id) if post else None
            if post is None or not isinstance(channel, discord.abc.Messageable):
                continue
            try:
                await channel.get_partial_message(post.message_id).edit(
                    embed=alert_embed(post.guild_id, post.items)
                )
            except discord.HTTPException:
                log.warning("alert %d of guild %d could not be marked", post_id, post.guild_id)

    async def _send_nudges(self, now: datetime) -> None:
        due = await self.bot.store.inbox.due_nudges(now)
        for plan in await self.bot.reminders.plan_nudges(due, now):
            nudge = plan.nudge
            if plan.send:
                await self._dm(plan, now)
            else:
                await self.bot.store.inbox.reschedule(nudge.guild_id, nudge.user_id, plan.next_due)

    async def _dm(self, plan: NudgePlan, now: datetime) -> None:
        guild_id, user_id = plan.nudge.guild_id, plan.nudge.user_id
        guild = self.bot.get_guild(guild_id)
        member = await _member(guild, user_id) if guild else None
        if guild is None or member is None:
            # Not in the guild any more (or the guild is gone): nothing to say.
            await self.bot.store.inbox.reschedule(guild_id, user_id, plan.next_due)
            return
        try:
            await member.send(
                embed=nudge_embed(guild, plan.items, plan.more_items, plan.suggestion)
            )
        except discord.Forbidden:
            # Closed DMs: stop asking Discord, and tell the member in /nudges status.
            await self.bot.store.inbox.nudges_off(guild_id, user_id, now, reason=DM_CLOSED)
            log.warning(
                "nudges of member %d in guild %d turned off: Discord refused the DM",
                user_id,
                guild_id,
            )
            return
        except discord.HTTPException:
            log.exception("nudge of member %d in guild %d failed", user_id, guild_id)
            await self.bot.store.inbox.reschedule(guild_id, user_id, plan.next_due)
            return
        await self.bot.store.inbox.sent(
            guild_id,
            user_id,
            now,
            plan.next_due,
            list(plan.items),
            listening=plan.suggestion is not None,
        )


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
