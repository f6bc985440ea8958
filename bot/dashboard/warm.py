"""The default week of each server's Members and Network, computed before anyone asks.

Their first request reads every interaction of the week (half a second or more on a
large server); once computed, they are kept while the week is unchanged
(bot/dashboard/cache.py), which for a week that has ended is until a write marks it.
So the dashboard computes them when it starts, and looks again every ``every`` seconds
(a new day moves the default week; an import or a deletion may have changed it):
a pass over results still kept costs a few small reads.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.dashboard.config import DATA, PEOPLE
from bot.dashboard.pages.people import MEMBER_DAYS, NETWORK_DAYS
from bot.dashboard.params import AskedDays, PageError

log = logging.getLogger(__name__)

# Set after each pass (tests wait for it).
WARMED = web.AppKey("warmed", asyncio.Event)

_DEFAULT = AskedDays(None, None)


async def keep_warm(app: web.Application, every: float) -> None:
    """Compute the default pages now, then every ``every`` seconds, until cancelled."""
    while True:
        await warm(app)
        app[WARMED].set()
        await asyncio.sleep(every)


async def warm(app: web.Application) -> None:
    """Compute (or find kept) each server's default Members and Network."""
    data, people = app[DATA], app[PEOPLE]
    for listing in await data.guilds():
        try:
            guild = await data.guild(listing.guild_id)
            await people.members(guild, data.span(guild, _DEFAULT, MEMBER_DAYS))
            await people.network(guild, data.span(guild, _DEFAULT, NETWORK_DAYS))
        except PageError:  # a bad time zone, a calendar with no day yet: the page says so
            continue
        except Exception:
            log.exception("dashboard: preparing the pages of server %d failed", listing.guild_id)
