"""The dashboard's pages about people: members, the network, what waits, conversations.

Members who opted out never appear (their rows are gone; those still flagged in
``members`` are left out again here). Message text is shown only as ``[privacy]``
allows: not at all without ``store_content``, and only for messages younger than
``content_retention_days`` at the page's time (the retention job erases older text;
this holds even when the bot has not run it yet).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.analysis.broadcasters import BroadcasterRule
from bot.analysis.days import LATE_WRITES, day_bounds
from bot.analysis.summary import TopConversation, ratio
from bot.clock import from_db_time
from bot.dashboard.data import DashboardData, Guild
from bot.render.text import clip
from bot.store.dashboard import MemberRow, member_rows
from bot.store.newcomers import NEWCOMER_DAYS
from bot.summaries import DayRange

EXCERPT_CHARS = 200
MAX_NODES = 60  # the network drawing shows at most this many members, the most connected


def discord_link(guild_id: int, channel_id: int, message_id: int) -> str:
    """The address that opens a message in Discord (the app or the browser)."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """A member's row on the Members page."""

    user_id: int
    name: str
    messages: int
    replies: int  # with inferred replies when the guild counts them
    reactions_given: int
    listening_ratio: float | None
    connections: int
    newcomer: bool
    broadcaster: bool


@dataclass(frozen=True, slots=True)
class Edge:
    """Two members linked in the range: by interactions (explicit), else only inferred."""

    a: int
    b: int
    interactions: int
    inferred: bool


@dataclass(frozen=True, slots=True)
class Network:
    """The connections of a range: members with their connections, and the links."""

    names: dict[int, str]
    degree: dict[int, int]
    edges: list[Edge]
    members: int  # in the whole network, before keeping the MAX_NODES most connected

    @property
    def explicit(self) -> int:
        """Links made by interactions."""
        return sum(not e.inferred for e in self.edges)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A question or a newcomer's first message with no response yet."""

    kind: str  # "question" or "newcomer"
    author: str
    where: str
    asked_at: datetime
    age: str
    excerpt: str | None
    link: str


@dataclass(frozen=True, slots=True)
class Conversation:
    """One of a day's top conversations, with its first message where it may be shown."""

    where: str
    author: str | None
    excerpt: str | None
    messages: int
    participants: int
    link: str


def name_of(names: dict[int, str | None], user_id: int) -> str:
    """A member's display name, or their id when none is stored."""
    return names.get(user_id) or f"member {user_id}"


def age(since: datetime, now: datetime) -> str:
    """How long ago, as people say it: "5 minutes", "3 hours", "2 days"."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'s' * (hours != 1)}"
    days = hours // 24
    return f"{days} days"


class PeopleData:
    """Reads of the people pages, over :class:`DashboardData`."""

    def __init__(self, data: DashboardData) -> None:
        self.data = data
        self.store = data.store
        self.rule = BroadcasterRule.from_defaults(data.settings.defaults)

    def _shown_text(self, text: str | None, posted: datetime, now: datetime) -> str | None:
        privacy = self.data.settings.privacy
        if not text or not privacy.store_content:
            return None
        if posted < now - timedelta(days=privacy.content_retention_days):
            return None
        return clip(" ".join(text.split()), EXCERPT_CHARS)

    async def members(self, guild: Guild, span: DayRange) -> list[MemberFigures]:
        """Every member active or reached in ``span``, with the digest's flags: a newcomer
        at the range's end, a broadcaster over the range (the digest's rule over 7 days:
        the page's default range is 7 days). The range's figures are kept while they are
        unchanged (a sort, a search or another page of the table reads the same rows);
        names, joins and opt-outs are read at every request."""
        tz = guild.days.timezone
        start, end = day_bounds(span.first, tz)[0], day_bounds(span.last, tz)[1]
        days = (span.last - span.first).days + 1
        key = range_key(guild, span)
        activity = await self.data.cache.get(
            ("members", *key),
            lambda: self.store.dashboard.activity(guild.guild_id, start, end, days),
            await self._range_version(guild.guild_id, start, end),
        )
        people = tuple(await self.store.dashboard.people(guild.guild_id))
        return await self.data.cache.get(
            ("member figures", *key),
            lambda: self._figures(guild, member_rows(activity, people), from_db_time(end)),
            (activity, people),  # the rows are kept while both are the same
        )

    async def _figures(
        self, guild: Guild, rows: Sequence[MemberRow], until: datetime
    ) -> list[MemberFigures]:
        found = []
        for row in rows:
            replies = row.replies + (row.inferred_replies if guild.inferred else 0)
            found.append(
                MemberFigures(
                    user_id=row.user_id,
                    name=row.name or f"member {row.user_id}",
                    messages=row.messages,
                    replies=replies,
                    reactions_given=row.reactions_given,
                    listening_ratio=ratio(
                        replies + row.reactions_given, row.messages + row.reactions_given
                    ),
                    connections=row.connections,
                    newcomer=_newcomer(row.joined_at, row.first_message_at, until),
                    broadcaster=self.rule.applies(row.messages, replies, row.reactions_given),
                )
            )
        return found

    async def network(self, guild: Guild, span: DayRange) -> Network:
        """The members linked in ``span`` and their links; inferred-only links too when
        the guild counts inferred replies. At most :data:`MAX_NODES` members, the most
        connected (ties by id). The range's links are kept while they are unchanged (the
        page and its picture read the same rows); names are read at every request."""
        tz = guild.days.timezone
        start, end = day_bounds(span.first, tz)[0], day_bounds(span.last, tz)[1]
        degree, links, everyone = await self.data.cache.get(
            ("network", *range_key(guild, span)),
            lambda: self.store.dashboard.network(
                guild.guild_id, start, end, inferred=guild.inferred, limit=MAX_NODES
            ),
            await self._range_version(guild.guild_id, start, end),
        )
        # Who opted out since has no link left (their opt-out marked the range); never
        # drawn in any case.
        gone = await self.store.dashboard.opted_out(guild.guild_id)
        kept = set(degree) - gone
        edges = [
            Edge(a, b, n, only_inferred)
            for a, b, n, only_inferred in links
            if a in kept and b in kept
        ]
        names = await self.store.dashboard.names(guild.guild_id, kept)
        return Network(
            names={m: name_of(names, m) for m in kept},
            degree={m: degree[m] for m in kept},
            edges=sorted(edges, key=lambda e: (e.a, e.b)),
            members=everyone,
        )

    async def _range_version(self, guild_id: int, start: str, end: str) -> Hashable | None:
        """The version to keep a range's figures under: the range's own once it has ended
        longer than :data:`LATE_WRITES` ago (bot/dashboard/cache.py), else None (the
        store's data version)."""
        if from_db_time(end) + LATE_WRITES > self.data.clock():
            return None
        return ("range", *await self.store.dashboard.range_version(guild_id, start, end))

    async def waiting(
        self, guild: Guild, listed: int
    ) -> tuple[list[Waiting], dict[str, int], datetime, bool]:
        """What waits for a response, oldest first, as of now: the oldest ``listed`` of
        each kind, and how many wait of each kind; for a store whose last message is
        older than an item can wait (an archive, the demo), as of that last message
        instead. Returns the items, the counts, that time, and whether it is the
        archive's."""
        now = self.data.clock()
        expire_days = self.data.settings.defaults.alert_expire_days
        last = await self.store.dashboard.last_message_at(guild.guild_id)
        archived = last is not None and from_db_time(last) < now - timedelta(days=expire_days)
        if archived and last is not None:
            now = from_db_time(last) + timedelta(milliseconds=1)
        items, counts = await self.store.dashboard.waiting(guild.guild_id, now, expire_days, listed)
        places = await self.store.dashboard.channel_names(
            guild.guild_id, {i.where_id for i in items}
        )
        found = []
        for item in items:
            asked_at = from_db_time(item.asked_at)
            found.append(
                Waiting(
                    kind=item.kind,
                    author=item.name or f"member {item.author_id}",
                    where=_place(places, item.where_id),
                    asked_at=asked_at,
                    age=age(asked_at, now),
                    excerpt=self._shown_text(item.excerpt, asked_at, now),
                    link=discord_link(guild.guild_id, item.where_id, item.message_id),
                )
            )
        return found, counts, now, archived

    async def conversations(
        self, guild: Guild, days: Sequence[tuple[date, Sequence[TopConversation]]]
    ) -> list[tuple[date, list[Conversation]]]:
        """Each day's top conversations (from its stored summary), with the first message
        of each where its text may be shown."""
        ids = {c.message_id for _, convs in days for c in convs}
        openers = await self.store.dashboard.openers(guild.guild_id, ids)
        where_ids = {o.where_id for o in openers.values()}
        where_ids |= {c.channel_id for _, convs in days for c in convs}
        places = await self.store.dashboard.channel_names(guild.guild_id, where_ids)
        now = self.data.clock()
        found = []
        for day, convs in days:
            rows = []
            for c in convs:
                opener = openers.get(c.message_id)
                where_id = c.channel_id if opener is None else opener.where_id
                excerpt = None
                if opener is not None:
                    posted = from_db_time(opener.created_at)
                    excerpt = self._shown_text(opener.content, posted, now)
                rows.append(
                    Conversation(
                        where=_place(places, where_id),
                        author=None if opener is None else opener.name,
                        excerpt=excerpt,
                        messages=c.messages,
                        participants=c.participants,
                        link=discord_link(guild.guild_id, where_id, c.message_id),
                    )
                )
            found.append((day, rows))
        return found


def range_key(guild: Guild, span: DayRange) -> tuple[object, ...]:
    """What a range's figures depend on besides the store's data."""
    return (guild.guild_id, guild.days.timezone, guild.inferred, span.first, span.last)


def _place(places: dict[int, str], channel_id: int) -> str:
    name = places.get(channel_id)
    return f"#{name}" if name else f"channel {channel_id}"


def _newcomer(joined_at: str | None, first_at: str | None, until: datetime) -> bool:
    """A newcomer at ``until`` (docs/metrics.md): joined at most 7 days before and not a
    member who posted before that join; with no known join, a first message at most 7
    days before."""
    since = until - timedelta(days=NEWCOMER_DAYS)
    if joined_at is not None:
        joined = from_db_time(joined_at)
        returning = first_at is not None and from_db_time(first_at) < joined
        return since <= joined < until and not returning
    return first_at is not None and since <= from_db_time(first_at) < until
