"""The daily retention job: message text older than the retention period is erased."""

from __future__ import annotations

import logging
from datetime import timedelta

from discord.ext import commands, tasks

from bot.app import AscoltoBot
from bot.clock import to_db_time, utcnow

log = logging.getLogger(__name__)


class Retention(commands.Cog):
    """Erases old message text once a day (and once at start-up); metadata stays."""

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot
        self.days = bot.settings.privacy.content_retention_days

    async def cog_load(self) -> None:
        self.erase_old_content.start()

    async def cog_unload(self) -> None:
        self.erase_old_content.cancel()

    @tasks.loop(hours=24)
    async def erase_old_content(self) -> None:
        """Erase the text of messages older than ``content_retention_days``."""
        cutoff = to_db_time(utcnow() - timedelta(days=self.days))
        try:
            erased = await self.bot.store.retention.erase_content_before(cutoff)
        except Exception:
            # A failed run must not stop the loop: tomorrow's run erases the backlog too.
            log.exception("retention job failed; it runs again in 24 hours")
            return
        if erased:
            log.info("retention: erased the text of %d messages (%d days old)", erased, self.days)


async def setup(bot: AscoltoBot) -> None:
    """Load the retention job."""
    await bot.add_cog(Retention(bot))
