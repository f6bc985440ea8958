"""The dashboard's pages, one module per area; this one lists their addresses.

Every page of a guild lives under ``/g/{guild}``; its days come as ``day=D`` or
``from=D1&to=D2`` (bot/dashboard/params.py), the same on its export links.
"""

from __future__ import annotations

from aiohttp import web

from bot.dashboard import render
from bot.dashboard.config import DATA
from bot.dashboard.pages import exports, overview, people


async def guilds(request: web.Request) -> web.StreamResponse:
    """The first page: every server in the database."""
    listed = await request.app[DATA].guilds()
    return render.page(request, "guilds.html", title="Servers", guilds=listed)


def add_routes(router: web.UrlDispatcher) -> None:
    """Every page's address."""
    router.add_get("/", guilds)
    router.add_get("/g/{guild}", overview.overview)
    router.add_get("/g/{guild}/trends.svg", overview.trends)
    router.add_get("/g/{guild}/waiting", people.waiting)
    router.add_get("/g/{guild}/members", people.members)
    router.add_get("/g/{guild}/network", people.network)
    router.add_get("/g/{guild}/network.svg", people.network_picture)
    router.add_get("/g/{guild}/conversations", people.conversations)
    router.add_get("/g/{guild}/export/{file}", exports.export)
