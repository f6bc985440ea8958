"""The pages about people: Waiting now, Members, Network, Conversations."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from bot.dashboard import render
from bot.dashboard.charts import network_svg
from bot.dashboard.config import DATA, PEOPLE
from bot.dashboard.data import missing_days
from bot.dashboard.pages._common import days_of, export_links, guild_of, range_params, svg
from bot.dashboard.params import choice, page_number, search
from bot.dashboard.people import MAX_NODES, MemberFigures, range_key
from bot.dashboard.render import link

MEMBER_DAYS = 7  # the digest's broadcaster window
MEMBERS_PAGE = 100  # rows of the Members table on one page
NETWORK_DAYS = 7
CONVERSATION_DAYS = 7
WAITING_LISTED = 100  # of each kind, the oldest: a page, not a dump (the exports hold all)

# Column key -> (heading, how a row sorts by it); names sort case-blind.
COLUMNS = {
    "name": "Member",
    "messages": "Messages",
    "replies": "Replies",
    "reactions": "Reactions given",
    "listening": "Listening ratio",
    "connections": "Connections",
}


_FIELDS = {
    "messages": "messages",
    "replies": "replies",
    "reactions": "reactions_given",
    "listening": "listening_ratio",
    "connections": "connections",
}


def sorted_members(members: list[MemberFigures], key: str, order: str) -> list[MemberFigures]:
    """``members`` by column ``key``, ties by name then id in either order; a member with
    no listening ratio (no activity of their own) comes last either way."""
    if key == "name":
        return sorted(
            members, key=lambda m: (m.name.casefold(), m.user_id), reverse=order == "desc"
        )
    field = _FIELDS[key]

    def value(member: MemberFigures) -> float | None:
        found: float | None = getattr(member, field)
        return found

    by_name = sorted(members, key=lambda m: (m.name.casefold(), m.user_id))
    known = [m for m in by_name if value(m) is not None]
    # A stable sort keeps the names' order among equal values, reversed or not.
    known.sort(key=lambda m: value(m) or 0, reverse=order == "desc")
    return known + [m for m in by_name if value(m) is None]


async def waiting(request: web.Request) -> web.StreamResponse:
    """Questions and newcomers' first messages with no response yet, oldest first."""
    guild = await guild_of(request)
    items, counts, as_of, archived = await request.app[PEOPLE].waiting(guild, WAITING_LISTED)
    return render.page(
        request,
        "waiting.html",
        title=f"{guild.title} · waiting now",
        guild=guild,
        questions=[i for i in items if i.kind == "question"],
        newcomers=[i for i in items if i.kind == "newcomer"],
        question_count=counts.get("question", 0),
        newcomer_count=counts.get("newcomer", 0),
        listed=WAITING_LISTED,
        as_of=as_of,
        archived=archived,
        expire_days=request.app[DATA].settings.defaults.alert_expire_days,
        exports=export_links(guild, "messages", None),
        section="waiting",
    )


async def members(request: web.Request) -> web.StreamResponse:
    """Every member active in the range, sortable by column, searchable by name."""
    guild = await guild_of(request)
    span = days_of(request, guild, MEMBER_DAYS)
    sort = choice(request.query, "sort", tuple(COLUMNS), "messages")
    order = choice(request.query, "order", ("asc", "desc"), "asc" if sort == "name" else "desc")
    wanted = search(request.query)
    found = await request.app[PEOPLE].members(guild, span)
    if wanted:
        found = [m for m in found if wanted.casefold() in m.name.casefold()]
    found = sorted_members(found, sort, order)
    pages = max((len(found) + MEMBERS_PAGE - 1) // MEMBERS_PAGE, 1)
    page = page_number(request.query, pages)
    shown = found[(page - 1) * MEMBERS_PAGE : page * MEMBERS_PAGE]
    base = {**range_params(span), "q": wanted}
    headings = []
    for column, heading in COLUMNS.items():
        default = "asc" if column == "name" else "desc"
        flipped = ("desc" if order == "asc" else "asc") if column == sort else default
        headings.append(
            {
                "key": column,
                "label": heading,
                "href": link(f"/g/{guild.guild_id}/members", base, sort=column, order=flipped),
                "sorted": ("ascending" if order == "asc" else "descending")
                if column == sort
                else None,
            }
        )
    here = {**base, "sort": sort, "order": order}
    path = f"/g/{guild.guild_id}/members"
    return render.page(
        request,
        "members.html",
        shown=shown,
        page=page,
        pages=pages,
        first_row=(page - 1) * MEMBERS_PAGE + 1,
        previous=link(path, here, page=page - 1) if page > 1 else None,
        next=link(path, here, page=page + 1) if page < pages else None,
        title=f"{guild.title} · members",
        guild=guild,
        span=span,
        params=range_params(span),
        members=found,
        headings=headings,
        sort=sort,
        order=order,
        search=wanted,
        rule_messages=request.app[PEOPLE].rule.min_messages,
        rule_ratio=request.app[PEOPLE].rule.max_ratio,
        exports=export_links(guild, "connections", span),
        section="members",
    )


async def network(request: web.Request) -> web.StreamResponse:
    """The connections graph of a range, and its links as a table (the text version)."""
    guild = await guild_of(request)
    span = days_of(request, guild, NETWORK_DAYS)
    graph = await request.app[PEOPLE].network(guild, span)
    ranked = sorted(graph.degree, key=lambda m: (-graph.degree[m], m))
    return render.page(
        request,
        "network.html",
        title=f"{guild.title} · network",
        guild=guild,
        span=span,
        params=range_params(span),
        network=graph,
        ranked=ranked,
        max_nodes=MAX_NODES,
        picture=link(f"/g/{guild.guild_id}/network.svg", range_params(span)),
        exports=export_links(guild, "connections", span),
        inferred_exports=export_links(guild, "inferred_replies", span),
        section="network",
    )


async def network_picture(request: web.Request) -> web.StreamResponse:
    """The connections graph of a range as SVG."""
    guild = await guild_of(request)
    span = days_of(request, guild, NETWORK_DAYS)

    graph = await request.app[PEOPLE].network(guild, span)
    key = ("network.svg", *range_key(guild, span))
    return await svg(request, key, graph, partial(network_svg, graph))


async def conversations(request: web.Request) -> web.StreamResponse:
    """Each day's top conversations in the range, latest day first."""
    data = request.app[DATA]
    guild = await guild_of(request)
    span = days_of(request, guild, CONVERSATION_DAYS)
    figures = await data.days(guild, span.first, span.last)
    days = [(f.day, f.summary.top_conversations) for f in figures if f.summary is not None]
    listed = await request.app[PEOPLE].conversations(guild, list(reversed(days)))
    return render.page(
        request,
        "conversations.html",
        title=f"{guild.title} · conversations",
        guild=guild,
        span=span,
        params=range_params(span),
        days=listed,
        missing=missing_days(figures),
        exports=export_links(guild, "summaries", span),
        section="conversations",
    )
