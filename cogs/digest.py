"""The automated daily digest: posted in the managers' chosen channel when its timer fires."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.digests import DIGEST_TIMER, DigestJob
from bot.render.digest import digest_embed, quiet_day_text
from bot.render.digest_waiting import waiting_embed
from bot.render.inferred import shown_summary
from bot.render.legend import installed_metrics_url
from bot.store.timers import Timer
from cogs._summary_views import (
    chart_file,
    jump_url_for,
    newcomers_named,
    openers_named,
    with_names,
)
from cogs._visibility import audience_quotable

log = logging.getLogger(__name__)


class Digest(commands.Cog):
    """Posts each guild's digest once a day, and catches up after downtime."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_digest_timer_complete(self, timer: Timer) -> None:
        if timer.kind != DIGEST_TIMER or timer.guild_id is None:
            return
        job = await self.bot.digests.prepare(timer.guild_id, utcnow())
        if job is not None:
            await self._post(job)

    async def _post(self, job: DigestJob) -> None:
        guild = self.bot.get_guild(job.guild_id)
        channel = guild.get_channel(job.channel_id) if guild else None
        if guild is None or not isinstance(channel, discord.TextChannel):
            log.warning(
                "digest of guild %d for %s: its channel is gone", job.guild_id, job.summary.day
            )
            return
        try:
            if job.summary.is_quiet:
                # What expired on a quiet day is still listed once.
                went = waiting_embed(job, jump_url_for(guild.id), utcnow())
                message = await channel.send(
                    quiet_day_text(job.summary.day, guild.name), embeds=[went] if went else []
                )
            else:
                # A first line is quoted only if every reader of the digest can open it.
                quotable = await audience_quotable(self.bot, channel, list(job.openers.values()))
                inferred = await self.bot.summaries.inference_shown(job.guild_id)
                trend = [shown_summary(day, inferred) for day in job.trend]
                message = await channel.send(
                    embed=digest_embed(
                        with_names(job.summary, guild),
                        guild_name=guild.name,
                        show_people=job.show_people,
                        jump_url=jump_url_for(guild.id),
                        usual=job.usual,
                        partial_since=job.partial_since,
                        week=job.week,
                        newcomers=newcomers_named(job.newcomers, guild),
                        openers=openers_named(job.openers, guild),
                        quotable=quotable,
                        metrics_url=installed_metrics_url(),
                        waiting=job.waiting,
                        went_unanswered=job.went_unanswered,
                        now=utcnow(),
                        guild=guild,
                        inferred=inferred,
                    ),
                    file=await chart_file(trend, job.span, guild.name),
                )
        except discord.HTTPException:
            log.exception(
                "digest of guild %d for %s could not be posted", job.guild_id, job.summary.day
            )
            return
        await self.bot.digests.posted(job, message.id)
        log.info("digest of guild %d for %s posted", job.guild_id, job.summary.day)


async def setup(bot: AscoltoBot) -> None:
    """Load the digest poster."""
    await bot.add_cog(Digest(bot))
