"""Daily summary benchmark: one day's and a whole season's summaries on a large store.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/summary.py [--messages N] [--members N] [--days N] [--seed N]

(``--rebuild`` builds the store afresh instead of reusing the cached file,
``--time-limit S`` stops each measurement once it has taken S seconds, 120 by default,
so that a slow store reports how slow in minutes rather than hours, and ``--explain``
prints the query plans of the costliest statements even when every target is met.)

It builds a deterministic synthetic guild (defaults: 1,000,000 messages over 90 days,
10,000 members) in a file created by the store's own migrations: members with join
times and names, joins spread over the period, channels and threads, messages with
replies, thread replies, mentions, questions and reactions in realistic shares, a
daily rhythm in the guild's time zone and a power law over members. Rows are written
with plain ``sqlite3`` ``executemany``; each transaction of interactions adds their
``connections`` with the statement the bot's flush runs, and each transaction marks the
write-time rollups its rows may change (bot/store/derived.py); the marks are computed at
the end, as the bot's flushes compute them. The file
is cached in the temporary folder, keyed by the parameters, so reruns skip the build.

Members who joined before the period have no join time, as imported history leaves
them. A second, dense guild (50,000 members, 57,000 messages a day, ``--dense-days``
days) is built and timed the same way.

Then, on real :class:`bot.store.Store` objects opened on each file, it times
:meth:`bot.store.summaries.SummaryQueries.compute` for a busy day in the middle of the
period, and beside it the anchor: one read of that day's messages and interactions
through the index by time, every row fetched (``_SCAN``). Both are timed four ways:
the process's first call (no rollup stored, a fresh connection), warm (the median of
five calls on one connection), on a fresh connection (three times, while the OS still
holds the file), and on a fresh connection after the file was dropped from the OS page
cache (``posix_fadvise(DONTNEED)``, three times). Each call but the first drops the
day's own rollup first (its kept figures go with it, bot/store/day_figures.py), as
when the days before are rolled up but not the day; the summary and the scan
alternate. The summary is timed too with the day rolled up and its figures kept (warm,
and evicted on a fresh connection), as the bot's flush after the day leaves it
(bot/store/activity.py, ``roll_up_ended_day``; here the summary before kept them, as
the flush does by the rule of the latest summary). Then every
day of the period is computed one after the other, then again with
:meth:`~bot.store.summaries.SummaryQueries.save` after each, both starting with no
rollup stored. Each SQL statement of ``compute`` is timed on its own too.

The targets: the summary within 3x the scan warm and within 3x the scan evicted, and
all 90 days within 4 s. When one is missed the report ends with the query plans of
the costliest statements.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import heapq
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

import bot.store.activity as activity_queries
import bot.store.day_figures as figure_queries
import bot.store.summaries as summary_queries
from bot.analysis.days import day_bounds, day_start
from bot.analysis.summary import DailySummary
from bot.clock import to_db_time
from bot.store import Store, derived, firsts, response_rollup
from bot.store.connection import migrations

TARGET_RATIO = 3.0  # a day's summary against one scan of the day, measured the same way
TARGET_ALL_DAYS_S = 4.0  # every day of 90 (in proportion for a shorter period)
REPEATS = 5
EVICTED_REPEATS = 3
DENSE_MEMBERS = 50_000
DENSE_PER_DAY = 57_000

TIMEZONE = "Europe/Rome"
FIRST_DAY = date(2026, 1, 15)  # 90 days from here include the switch to CEST on 2026-03-29
COMPUTED_AFTER = timedelta(hours=9)  # summaries are computed the next morning
GENERATOR_VERSION = 2  # bump when the synthetic data changes, to invalidate cached files

DISCORD_EPOCH_MS = 1_420_070_400_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000

CHANNELS = 24
REPLY_SHARE = 0.35
THREAD_SHARE = 0.08  # of messages, posted in a thread opened in the last few days
THREADS_PER_DAY = 4
THREAD_LIFETIME_MS = 3 * DAY_MS
MENTION_SHARE = 0.12
QUESTION_SHARE = 0.20
ATTACHMENT_SHARE = 0.04
REACTION_COUNTS = (0, 1, 2, 3, 4, 5)
REACTION_WEIGHTS = (0.66, 0.17, 0.09, 0.04, 0.025, 0.015)  # about 0.6 per message
REACTION_DELAY_MEAN_MS = 20 * 60_000
JOINER_SHARE = 0.25  # members who join during the period; the others joined before it
INTRO_SHARE = 0.5  # joiners who post a first message within hours of joining
INTRO_DELAY_MEAN_MS = 2 * HOUR_MS
ACTIVITY_EXPONENT = 0.8  # member of activity rank r posts in proportion to 1 / r**0.8
HISTORY = 50  # recent messages per channel or thread that a reply may answer
# Local hours 0..23: quiet nights, a lunch dip, busy evenings.
HOUR_WEIGHTS = (3, 2, 1, 0.6, 0.4, 0.4, 0.8, 2, 4, 6, 7, 7, 6, 6, 7, 7, 8, 8, 9, 10, 10, 9, 7, 5)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 0.95, 0.75, 0.7)  # Monday first
FLUSH_EVERY = 50_000  # messages generated between two executemany rounds

_SAMPLE_TEXT = (
    "the release build fails on windows again after the update and nobody knows why "
    "thanks for the help I will try that tonight does anyone have a link to the docs "
    "great idea let us meet on friday to plan the next event with the whole team"
)
WORDS = tuple(_SAMPLE_TEXT.split())
EMOJIS = ("👍", "❤️", "😂", "🎉", "👀", "🙏", "🔥", "✅")

_INSERT = {
    "guilds": "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (?, ?, ?)",
    "channels": """INSERT INTO channels
        (channel_id, guild_id, name, kind, parent_id, owner_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)""",
    "members": """INSERT INTO members (guild_id, user_id, display_name, joined_at)
        VALUES (?, ?, ?, ?)""",
    "member_events": "INSERT INTO member_events (guild_id, user_id, kind, at) VALUES (?, ?, ?, ?)",
    "messages": """INSERT INTO messages
        (message_id, guild_id, channel_id, thread_id, author_id, created_at, kind,
         reply_to_message_id, is_question, length, attachments, content)
        VALUES (?, ?, ?, ?, ?, ?, 'message', ?, ?, ?, ?, ?)""",
    "message_mentions": "INSERT INTO message_mentions (message_id, user_id) VALUES (?, ?)",
    "reactions": """INSERT INTO reactions (guild_id, message_id, user_id, emoji, created_at)
        VALUES (?, ?, ?, ?, ?)""",
    # As the store does: a reply that also mentions its target stays one interaction.
    "interactions": """INSERT OR IGNORE INTO interactions
        (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)""",
}
_COUNTED_TABLES = (
    "guilds",
    "channels",
    "members",
    "member_events",
    "messages",
    "message_mentions",
    "reactions",
    "interactions",
    "connections",
)

Row = tuple[Any, ...]


def snowflake(ms: int, sequence: int) -> int:
    """A Discord-like id for a time in milliseconds; ``sequence`` breaks ties."""
    return ((ms - DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF)


def db_time(ms: int) -> str:
    """Epoch milliseconds in the store's text format."""
    return to_db_time(datetime.fromtimestamp(ms / 1000, UTC))


def epoch_ms(moment: datetime) -> int:
    """A timezone-aware time as epoch milliseconds."""
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Params:
    """What the synthetic store is made of; the cache key."""

    messages: int
    members: int
    days: int
    seed: int

    @property
    def days_list(self) -> list[date]:
        """The local calendar days of the period, in order."""
        return [FIRST_DAY + timedelta(days=i) for i in range(self.days)]

    @property
    def start_ms(self) -> int:
        """When the first day begins, in epoch milliseconds."""
        return epoch_ms(day_start(FIRST_DAY, TIMEZONE))

    @property
    def end_ms(self) -> int:
        """When the last day ends, in epoch milliseconds."""
        return epoch_ms(day_start(FIRST_DAY + timedelta(days=self.days), TIMEZONE))

    @property
    def guild_id(self) -> int:
        """The one guild of the store."""
        return snowflake(self.start_ms - 700 * DAY_MS, 0)


# Synthetic data


@dataclass(slots=True)
class _Members:
    """Member ids by activity rank, their join times, and cumulative activity weights."""

    ids: list[int]
    joined_ms: list[int]
    cum_weights: list[float]

    @property
    def total(self) -> float:
        return self.cum_weights[-1]


@dataclass(frozen=True, slots=True)
class _Thread:
    opened_ms: int
    thread_id: int
    channel_id: int
    owner_id: int


@dataclass(slots=True)
class _Builder:
    """Generates the store's rows in time order; deterministic for a seed."""

    params: Params
    rng: random.Random
    members: _Members
    channels: list[int]
    channel_cum: list[float]
    thread_chance: float
    intros: list[tuple[int, int]]  # heap of (due ms, member id)
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    history: dict[int, deque[tuple[int, int]]] = field(default_factory=dict)
    threads: list[_Thread] = field(default_factory=list)
    active_threads: deque[_Thread] = field(default_factory=deque)
    last_id: int = 0
    sequence: int = 0

    def member(self, t_ms: int, exclude: int | None = None) -> int | None:
        """A member who had joined by ``t_ms``, the active ones far more often."""
        members = self.members
        for _ in range(50):
            k = bisect.bisect(members.cum_weights, self.rng.random() * members.total)
            k = min(k, len(members.ids) - 1)
            if members.joined_ms[k] <= t_ms and members.ids[k] != exclude:
                return members.ids[k]
        return None

    def text(self, question: bool) -> str:
        """A few words, ending with a question mark for a question."""
        words = self.rng.choices(WORDS, k=self.rng.randint(3, 20))
        return " ".join(words) + ("?" if question else ".")

    def place(self, t_ms: int) -> tuple[int, _Thread | None]:
        """A channel, or now and then a thread opened in the last few days."""
        while self.active_threads and self.active_threads[0].opened_ms < t_ms - THREAD_LIFETIME_MS:
            self.active_threads.popleft()
        if self.active_threads and self.rng.random() < THREAD_SHARE:
            thread = self.rng.choice(self.active_threads)
            return thread.channel_id, thread
        k = bisect.bisect(self.channel_cum, self.rng.random() * self.channel_cum[-1])
        return self.channels[min(k, len(self.channels) - 1)], None

    def post(self, t_ms: int) -> None:
        """One message at ``t_ms``, with its mentions, interactions and reactions."""
        rng, guild_id = self.rng, self.params.guild_id
        intro = bool(self.intros) and self.intros[0][0] <= t_ms
        if intro:
            author = heapq.heappop(self.intros)[1]
            channel_id, thread = self.channels[0], None  # newcomers say hello in #general
            question = rng.random() < 0.3
        else:
            picked = self.member(t_ms)
            assert picked is not None  # members who joined before the period always qualify
            author = picked
            channel_id, thread = self.place(t_ms)
            question = rng.random() < QUESTION_SHARE
        self.sequence += 1
        message_id = max(self.last_id + 1, snowflake(t_ms, self.sequence))
        self.last_id = message_id
        created = db_time(t_ms)
        where = thread.thread_id if thread else channel_id
        earlier = self.history.setdefault(where, deque(maxlen=HISTORY))
        reply_to: tuple[int, int] | None = None
        if earlier and rng.random() < REPLY_SHARE:
            # Most replies answer one of the last few messages.
            reply_to = earlier[-1 - min(len(earlier) - 1, int(rng.expovariate(0.25)))]
        content = self.text(question)
        self.rows["messages"].append(
            (
                message_id,
                guild_id,
                channel_id,
                thread.thread_id if thread else None,
                author,
                created,
                reply_to[0] if reply_to else None,
                int(question),
                len(content),
                int(rng.random() < ATTACHMENT_SHARE),
                content,
            )
        )
        interactions = self.rows["interactions"]
        if reply_to is not None:
            if reply_to[1] != author:
                interactions.append(
                    (guild_id, author, reply_to[1], "reply", message_id, where, created)
                )
        elif thread is not None and thread.owner_id != author:
            interactions.append(
                (guild_id, author, thread.owner_id, "thread_reply", message_id, where, created)
            )
        for user_id in self.mentions(t_ms, author, reply_to, earlier):
            self.rows["message_mentions"].append((message_id, user_id))
            interactions.append((guild_id, author, user_id, "mention", message_id, where, created))
        self.react(t_ms, message_id, author, where)
        if thread is None and rng.random() < self.thread_chance:
            self.open_thread(t_ms, message_id, channel_id, author)
        earlier.append((message_id, author))

    def mentions(
        self,
        t_ms: int,
        author: int,
        reply_to: tuple[int, int] | None,
        earlier: deque[tuple[int, int]],
    ) -> list[int]:
        """One or two members: often the replied-to author, or someone who just spoke."""
        rng = self.rng
        if rng.random() >= MENTION_SHARE:
            return []
        found: list[int] = []
        for index in range(1 if rng.random() < 0.8 else 2):
            chance = rng.random()
            user_id: int | None
            if index == 0 and reply_to is not None and chance < 0.5:
                user_id = reply_to[1]
            elif earlier and chance < 0.75:
                user_id = rng.choice(earlier)[1]
            else:
                user_id = self.member(t_ms)
            if user_id is not None and user_id != author and user_id not in found:
                found.append(user_id)
        return found

    def react(self, t_ms: int, message_id: int, author: int, where: int) -> None:
        """Reactions by other members, minutes to hours later, within the period."""
        rng, guild_id = self.rng, self.params.guild_id
        count = rng.choices(REACTION_COUNTS, weights=REACTION_WEIGHTS)[0]
        reactors: set[int] = set()
        for _ in range(count):
            at_ms = t_ms + int(rng.expovariate(1 / REACTION_DELAY_MEAN_MS))
            user_id = self.member(at_ms, exclude=author)
            if at_ms >= self.params.end_ms or user_id is None or user_id in reactors:
                continue
            reactors.add(user_id)
            at = db_time(at_ms)
            self.rows["reactions"].append((guild_id, message_id, user_id, rng.choice(EMOJIS), at))
            self.rows["interactions"].append(
                (guild_id, user_id, author, "reaction", message_id, where, at)
            )

    def open_thread(self, t_ms: int, message_id: int, channel_id: int, owner: int) -> None:
        """A thread started from a channel message: the thread's id is the message's."""
        thread = _Thread(t_ms + 1, message_id, channel_id, owner)
        self.threads.append(thread)
        self.active_threads.append(thread)
        self.rows["channels"].append(
            (
                message_id,
                self.params.guild_id,
                f"thread-{len(self.threads)}",
                "public_thread",
                channel_id,
                owner,
                db_time(t_ms + 1),
            )
        )

    def take(self, table: str) -> list[Row]:
        """The rows generated so far for a table, leaving none."""
        return self.rows.pop(table, [])


def make_members(params: Params, rng: random.Random) -> tuple[_Members, list[Row], list[Row]]:
    """Members by activity rank, their ``members`` rows and their join events."""
    start, end = params.start_ms, params.end_ms
    ids, joined = [], []
    for i in range(params.members):
        ids.append(snowflake(start - 1_500 * DAY_MS + i * 1_000, i))
        if rng.random() < JOINER_SHARE:
            joined.append(rng.randrange(start, end))
        else:
            joined.append(rng.randrange(start - 730 * DAY_MS, start - DAY_MS))
    order = list(range(params.members))
    rng.shuffle(order)  # activity does not follow join order
    ids = [ids[i] for i in order]
    joined = [joined[i] for i in order]
    weights = (1 / (rank + 1) ** ACTIVITY_EXPONENT for rank in range(params.members))
    members = _Members(ids, joined, list(itertools.accumulate(weights)))
    guild_id = params.guild_id
    # Members who joined before the period came with imported history: an export
    # has no join times, so they have none, as `ascolto import` leaves them.
    member_rows = sorted(
        (guild_id, user_id, f"Member {user_id % 100_000:05d}", db_time(at) if at >= start else None)
        for user_id, at in zip(ids, joined, strict=True)
    )
    joins = sorted(
        (
            (guild_id, user_id, "join", db_time(at))
            for user_id, at in zip(ids, joined, strict=True)
            if at >= start
        ),
        key=lambda row: row[3],
    )
    return members, member_rows, joins


def hour_slots(params: Params) -> tuple[list[int], list[float]]:
    """Each UTC hour of the period and its weight: local hour, weekday, slow growth, noise."""
    rng = random.Random(params.seed + 1)
    zone = ZoneInfo(TIMEZONE)
    starts: list[int] = []
    weights: list[float] = []
    for index, day in enumerate(params.days_list):
        growth = 0.85 + 0.3 * index / max(params.days - 1, 1)
        day_weight = WEEKDAY_WEIGHTS[day.weekday()] * growth * rng.uniform(0.9, 1.1)
        begin = epoch_ms(day_start(day, TIMEZONE))
        finish = epoch_ms(day_start(day + timedelta(days=1), TIMEZONE))
        for slot in range(begin, finish, HOUR_MS):  # 23 or 25 slots on DST days
            local_hour = datetime.fromtimestamp(slot / 1000, zone).hour
            starts.append(slot)
            weights.append(day_weight * HOUR_WEIGHTS[local_hour])
    return starts, weights


def message_times(params: Params, rng: random.Random) -> Iterator[int]:
    """Every message's time in epoch milliseconds, in order, following the rhythm."""
    starts, weights = hour_slots(params)
    picked = rng.choices(range(len(starts)), weights=weights, k=params.messages)
    counts = [0] * len(starts)
    for slot in picked:
        counts[slot] += 1
    for slot_start, count in zip(starts, counts, strict=True):
        yield from sorted(slot_start + rng.randrange(HOUR_MS) for _ in range(count))


def create_schema(path: Path) -> sqlite3.Connection:
    """A new file with the store's migrations, set up for a fast bulk load."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -524288"):
        db.execute(f"PRAGMA {pragma}").fetchall()
    for number, _name, sql in migrations():
        db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
    return db


def insert(db: sqlite3.Connection, table: str, rows: list[Row]) -> None:
    """One executemany in its own transaction."""
    if rows:
        db.execute("BEGIN IMMEDIATE")
        mark = db.execute(derived.INTERACTIONS_MARK).fetchone()[0]
        db.executemany(_INSERT[table], rows)
        if table == "interactions":  # their connections, as the store's writes add them
            db.execute(derived.CONNECTIONS_FROM_NEW, {"mark": mark})
        if table in ("messages", "interactions"):  # what the store's writes mark
            ids = json.dumps([row[0] for row in rows]) if table == "messages" else None
            for sql, parameters in derived.Written(mark, written_ids=ids).rollups():
                db.execute(sql, parameters)
        db.execute("COMMIT")


def build(path: Path, params: Params) -> float:
    """Generate the guild and write it into a new file at ``path``; returns seconds."""
    began = time.perf_counter()
    rng = random.Random(params.seed)
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    db = create_schema(partial)
    guild_id = params.guild_id
    insert(db, "guilds", [(guild_id, "Benchmark Guild", db_time(params.start_ms - DAY_MS))])
    channels = [snowflake(params.start_ms - 600 * DAY_MS + i, i) for i in range(CHANNELS)]
    created = db_time(params.start_ms - 600 * DAY_MS)
    insert(
        db,
        "channels",
        [
            (c, guild_id, f"channel-{i}", "text", None, None, created)
            for i, c in enumerate(channels)
        ],
    )
    members, member_rows, joins = make_members(params, rng)
    insert(db, "members", member_rows)
    insert(db, "member_events", joins)
    joined = dict(zip(members.ids, members.joined_ms, strict=True))
    intros: list[tuple[int, int]] = []
    for row in joins:
        if rng.random() < INTRO_SHARE:
            due = joined[row[1]] + int(rng.expovariate(1 / INTRO_DELAY_MEAN_MS))
            if due < params.end_ms:
                intros.append((due, row[1]))
    heapq.heapify(intros)
    builder = _Builder(
        params=params,
        rng=rng,
        members=members,
        channels=channels,
        channel_cum=list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(CHANNELS))),
        thread_chance=THREADS_PER_DAY * params.days / params.messages,
        intros=intros,
    )
    for index, t_ms in enumerate(message_times(params, rng), 1):
        builder.post(t_ms)
        if index % FLUSH_EVERY == 0 or index == params.messages:
            write_rows(db, builder)
    db.execute("BEGIN IMMEDIATE")  # every mark computed, as the bot's flushes do
    for sql in firsts.REFRESH:
        db.execute(sql)
    for sql in response_rollup.REFRESH_SOME:
        db.execute(sql, {"limit": -1, "deadline": response_rollup.NO_DEADLINE})
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode = WAL").fetchall()  # as the bot leaves it
    db.close()
    os.replace(partial, path)
    return time.perf_counter() - began


def write_rows(db: sqlite3.Connection, builder: _Builder) -> None:
    """Insert what the builder generated since last time, interactions in time order."""
    for table in ("channels", "messages", "message_mentions", "reactions"):
        insert(db, table, builder.take(table))
    insert(db, "interactions", sorted(builder.take("interactions"), key=lambda row: row[6]))


@contextmanager
def working_copy(cached: Path, name: str) -> Iterator[Path]:
    """A copy of the cached store (with its write-ahead log) in a temporary folder, for a
    benchmark that writes to it; the folder is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"ascolto-bench-{name}-") as folder:
        path = Path(folder, f"{name}.db")
        shutil.copyfile(cached, path)
        if Path(f"{cached}-wal").exists():
            shutil.copyfile(f"{cached}-wal", f"{path}-wal")
        yield path


def cached_store(params: Params, rebuild: bool) -> tuple[Path, float, bool]:
    """The store file for these parameters, built if needed: (path, build seconds, reused)."""
    schema = "".join(sql for _, _, sql in migrations())
    digest = hashlib.sha256(f"{GENERATOR_VERSION}\n{schema}".encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir(), "ascolto-bench-summary")
    folder.mkdir(exist_ok=True)
    name = f"m{params.messages}-u{params.members}-d{params.days}-s{params.seed}-{digest}"
    path, note = folder / f"{name}.db", folder / f"{name}.json"
    if path.exists() and note.exists() and not rebuild:
        return path, float(json.loads(note.read_text())["build_seconds"]), True
    for stale in (path, note, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    seconds = build(path, params)
    note.write_text(json.dumps({"build_seconds": seconds}))
    return path, seconds, False


# What the store holds


@dataclass(frozen=True, slots=True)
class Contents:
    """Row counts and the shares the generator aimed at."""

    counts: dict[str, int]
    by_kind: dict[str, int]
    threads: int
    replies: int
    in_threads: int
    mentioning: int
    questions: int
    size_mib: float


def read_contents(path: Path) -> Contents:
    """Count what the file holds (and forget summaries of earlier runs)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("DELETE FROM daily_summaries")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        # Table names come from the constant list above, never from input.
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _COUNTED_TABLES}  # noqa: S608
        by_kind = dict(db.execute("SELECT kind, count(*) FROM interactions GROUP BY kind"))
        threads = db.execute(
            "SELECT count(*) FROM channels WHERE kind = 'public_thread'"
        ).fetchone()
        replies, in_threads, mentioning, questions = db.execute(
            """SELECT sum(reply_to_message_id IS NOT NULL), sum(thread_id IS NOT NULL),
                      sum(EXISTS (SELECT 1 FROM message_mentions mm
                                  WHERE mm.message_id = messages.message_id)),
                      sum(is_question)
               FROM messages"""
        ).fetchone()
    finally:
        db.close()
    size_mib = path.stat().st_size / 2**20
    return Contents(
        counts, by_kind, threads[0], replies, in_threads, mentioning, questions, size_mib
    )


def busiest_middle_day(path: Path, params: Params) -> tuple[date, int]:
    """The day with most messages in the middle week of the period, and that count."""
    middle = params.days // 2
    candidates = params.days_list[max(0, middle - 3) : middle + 4]
    db = sqlite3.connect(path)
    try:
        counted = []
        for day in candidates:
            start, end = day_bounds(day, TIMEZONE)
            (count,) = db.execute(
                """SELECT count(*) FROM messages
                   WHERE guild_id = ? AND created_at >= ? AND created_at < ?""",
                (params.guild_id, start, end),
            ).fetchone()
            counted.append((count, day))
    finally:
        db.close()
    count, day = max(counted)
    return day, count


# Timing


class _TimedStatement:
    """``async with db.execute(...)`` timed from the call to the cursor's closing."""

    def __init__(self, inner: Any, done: Callable[[float], None]) -> None:
        self._inner = inner
        self._done = done
        self._started = time.perf_counter()

    async def __aenter__(self) -> Any:
        return await self._inner.__aenter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> Any:
        result = await self._inner.__aexit__(kind, exc, trace)
        self._done(time.perf_counter() - self._started)
        return result

    def __await__(self) -> Any:
        return self._awaited().__await__()

    async def _awaited(self) -> Any:
        result = await self._inner
        self._done(time.perf_counter() - self._started)
        return result


class StatementClock:
    """Times each statement of ``SummaryQueries`` by its name in its module (the
    summaries', the rollups', the day figures')."""

    def __init__(self, *connections: aiosqlite.Connection) -> None:
        self.names = {
            sql: name if isinstance(value, str) else f"{name}[{index}]"
            for module in (summary_queries, activity_queries, figure_queries)
            for name, value in vars(module).items()
            if name.startswith("_") and name.isupper() and isinstance(value, str | tuple)
            for index, sql in enumerate((value,) if isinstance(value, str) else value)
            if isinstance(sql, str)
        }
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.params: dict[str, tuple[str, dict[str, Any]]] = {}
        self.recording = True
        for db in dict.fromkeys(connections):  # the in-memory store repeats its connection
            db.execute = self._timed(db.execute)  # type: ignore[method-assign]

    def _timed(self, execute: Callable[..., Any]) -> Callable[..., Any]:
        def timed(sql: str, parameters: Any = None) -> Any:
            return self._time(execute(sql, parameters), sql, parameters)

        return timed

    def _time(self, inner: Any, sql: str, parameters: Any) -> Any:
        name = self.names.get(sql)
        if name is None or not self.recording:
            return inner
        if isinstance(parameters, dict):
            self.params[name] = (sql, dict(parameters))
        return _TimedStatement(inner, lambda seconds: self.seconds[name].append(seconds))

    def reset(self) -> None:
        """Forget the timings so far."""
        self.seconds.clear()


@dataclass(slots=True)
class Pass:
    """One run over days: each day's milliseconds, and whether it stopped at the time limit."""

    per_day_ms: list[tuple[float, date]] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False

    def projected_s(self, days: int) -> float:
        """The whole period's seconds at the pace so far (a floor when stopped early)."""
        return self.seconds * days / max(len(self.per_day_ms), 1)


@dataclass(slots=True)
class Ways:
    """One thing timed the four ways a day's summary meets the file, in milliseconds."""

    warm: list[float] = field(default_factory=list)  # same connection, pages cached
    first: float = 0.0  # the process's first call: fresh connection, no rollup stored
    fresh: list[float] = field(default_factory=list)  # a new connection, OS cache warm
    evicted: list[float] = field(default_factory=list)  # a new connection, file out of cache
    # The day rolled up already, as the bot's flush after the day does: warm, and on a
    # new connection with the file out of cache (the summary only).
    rolled_warm: list[float] = field(default_factory=list)
    rolled_evicted: list[float] = field(default_factory=list)

    def row(self) -> str:
        """The four figures, medians where repeated."""
        return (
            f"warm {statistics.median(self.warm):8,.1f}  first {self.first:8,.1f}"
            f"  fresh {statistics.median(self.fresh):8,.1f}"
            f"  evicted {statistics.median(self.evicted):8,.1f} ms"
        )


@dataclass(slots=True)
class Timings:
    """Everything measured on the store."""

    day: date
    summary_ways: Ways = field(default_factory=Ways)
    scan_ways: Ways = field(default_factory=Ways)
    one_day_statements: dict[str, list[float]] = field(default_factory=dict)
    all_days: Pass = field(default_factory=Pass)
    all_days_statements: dict[str, list[float]] = field(default_factory=dict)
    with_save: Pass = field(default_factory=Pass)
    summary: DailySummary | None = None
    captured: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


async def forget_rollups(store: Store, day: date | None = None) -> None:
    """Drop the stored activity rollups (of one day, or all), so that a measurement
    pays for computing them as the bot would."""
    async with store.transaction() as db:
        if day is None:
            await db.execute("DELETE FROM activity_days")
        else:
            await db.execute("DELETE FROM activity_days WHERE day = ?", (day.isoformat(),))


def computed_at(day: date) -> str:
    """When the bot computes a day's summary: the next morning."""
    return to_db_time(day_start(day + timedelta(days=1), TIMEZONE) + COMPUTED_AFTER)


# The anchor: one read of the day's messages and interactions through the index by
# time, every row fetched into Python through the store's own connection: what a
# summary that reads its day once cannot do without.
_SCAN = (
    """SELECT message_id, channel_id, thread_id, author_id, created_at, kind,
              reply_to_message_id, is_question, attachments, length, deleted
       FROM messages WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end""",
    """SELECT source_id, target_id, kind, message_id, channel_id, created_at
       FROM interactions
       WHERE guild_id = :guild_id AND created_at >= :start AND created_at < :end""",
)


async def scan_day(store: Store, guild_id: int, day: date) -> float:
    """Milliseconds to read the day's messages and interactions once (the anchor)."""
    start, end = day_bounds(day, TIMEZONE)
    params = {"guild_id": guild_id, "start": start, "end": end}
    began = time.perf_counter()
    async with store.reading() as db:
        for sql in _SCAN:
            async with db.execute(sql, params) as cursor:
                await cursor.fetchall()
    return (time.perf_counter() - began) * 1000


async def summarise_day(store: Store, guild_id: int, day: date) -> tuple[float, DailySummary]:
    """Milliseconds to compute the day's summary, and the summary."""
    began = time.perf_counter()
    summary = await store.summaries.compute(guild_id, day, TIMEZONE, computed_at(day))
    return (time.perf_counter() - began) * 1000, summary


def evict(path: Path) -> None:
    """Drop the store's file from the OS page cache (no root needed): the next read
    comes from the disk, as after a restart or on a host short of memory."""
    for name in (path, Path(f"{path}-wal")):
        if not name.exists():
            continue
        fd = os.open(name, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


@asynccontextmanager
async def opened(path: Path) -> AsyncIterator[Store]:
    """A store on the file, on a connection of its own, closed at the end."""
    store = Store(path)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def every_day(store: Store, params: Params, limit_s: float, *, save: bool) -> Pass:
    """Compute (and maybe save) each day in turn, until done or past ``limit_s``."""
    run = Pass()
    await forget_rollups(store)
    began = time.perf_counter()
    for day in params.days_list:
        if time.perf_counter() - began > limit_s:
            run.stopped = True
            break
        day_began = time.perf_counter()
        summary = await store.summaries.compute(params.guild_id, day, TIMEZONE, computed_at(day))
        if save:
            await store.summaries.save(summary)
        run.per_day_ms.append(((time.perf_counter() - day_began) * 1000, day))
    run.seconds = time.perf_counter() - began
    return run


async def measure(path: Path, params: Params, busy_day: date, limit_s: float) -> Timings:
    """Time the busy day's summary and the anchor scan the same four ways, then every day.

    The summary's first call is the process's first, with no rollup stored (it rolls
    up the whole week); every later call drops the day's own rollup first, as in the
    daily run where the days before are rolled up. The passes over every day stop
    early once they have taken ``limit_s``.
    """
    timings = Timings(busy_day)
    guild_id = params.guild_id
    summary, scan = timings.summary_ways, timings.scan_ways
    async with opened(path) as store:
        await forget_rollups(store)
    async with opened(path) as store:
        scan.first = await scan_day(store, guild_id, busy_day)
    async with opened(path) as store:
        clock = StatementClock(store.db)
        summary.first, timings.summary = await summarise_day(store, guild_id, busy_day)
        clock.reset()
        for _ in range(REPEATS):
            await forget_rollups(store, busy_day)
            summary.warm.append((await summarise_day(store, guild_id, busy_day))[0])
            scan.warm.append(await scan_day(store, guild_id, busy_day))
        timings.one_day_statements = dict(clock.seconds)
        timings.captured = dict(clock.params)
        clock.recording = False
        for _ in range(REPEATS):
            summary.rolled_warm.append((await summarise_day(store, guild_id, busy_day))[0])
    # Every fresh call first, while the OS holds the whole file; then the evicted ones.
    for evicting in (False, True):
        for _ in range(EVICTED_REPEATS):
            for ways in (summary, scan):
                async with opened(path) as store:
                    await forget_rollups(store, busy_day)
                if evicting:
                    evict(path)
                async with opened(path) as store:
                    if ways is summary:
                        took = (await summarise_day(store, guild_id, busy_day))[0]
                    else:
                        took = await scan_day(store, guild_id, busy_day)
                (ways.evicted if evicting else ways.fresh).append(took)
    for _ in range(EVICTED_REPEATS):
        evict(path)
        async with opened(path) as store:
            summary.rolled_evicted.append((await summarise_day(store, guild_id, busy_day))[0])
    async with opened(path) as store:
        clock = StatementClock(store.db)
        timings.all_days = await every_day(store, params, limit_s, save=False)
        timings.all_days_statements = dict(clock.seconds)
        clock.recording = False
        timings.with_save = await every_day(store, params, limit_s, save=True)
    return timings


def explain(path: Path, sql: str, params: dict[str, Any]) -> list[str]:
    """EXPLAIN QUERY PLAN of a statement, indented as SQLite's shell does."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    finally:
        db.close()
    depth: dict[int, int] = {0: 0}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node] + detail)
    return lines


# Report


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """The synthetic store's options, shared by the benchmarks built on it (see
    :func:`params_of`)."""
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages in the store")
    parser.add_argument("--members", type=int, default=10_000, help="members of the guild")
    parser.add_argument("--days", type=int, default=90, help="days of history, from 2026-01-15")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")


def params_of(args: argparse.Namespace) -> Params:
    """The store parameters from the options of :func:`add_store_arguments`."""
    return Params(args.messages, args.members, args.days, args.seed)


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def print_store(path: Path, params: Params, seconds: float, reused: bool, c: Contents) -> None:
    """Where the file is, how long it took to build, what it holds."""
    built = f"reused (its build took {seconds:.1f} s)" if reused else f"built in {seconds:.1f} s"
    print(f"store     {path} ({c.size_mib:,.0f} MiB), {built}")
    counts = dict(c.counts)
    tables = "  ".join(f"{t} {n:,}" for t, n in counts.items())
    print(f"rows      {tables}  (of the channels, {c.threads:,} threads)")
    kinds = "  ".join(f"{k} {n:,}" for k, n in sorted(c.by_kind.items()))
    print(f"          interactions by kind: {kinds}")
    messages = max(counts["messages"], 1)
    print(
        f"shares    replies {c.replies / messages:.1%}  in threads {c.in_threads / messages:.1%}"
        f"  mentioning {c.mentioning / messages:.1%}  questions {c.questions / messages:.1%}"
        f"  reactions per message {counts['reactions'] / messages:.2f}"
    )
    days = params.days_list
    short = [d for d in days if len(range(*_bounds_ms(d), HOUR_MS)) != 24]
    dst = ", ".join(f"{d} ({len(range(*_bounds_ms(d), HOUR_MS))} h)" for d in short) or "none"
    print(f"period    {days[0]} to {days[-1]}, {TIMEZONE}, {len(days)} days; DST days: {dst}")


def _bounds_ms(day: date) -> tuple[int, int]:
    start = epoch_ms(day_start(day, TIMEZONE))
    return start, epoch_ms(day_start(day + timedelta(days=1), TIMEZONE))


def describe(run: Pass, days: int) -> str:
    """A pass's total, or how far it got before the time limit."""
    if not run.stopped:
        return f"{run.seconds:.2f} s"
    return (
        f"stopped at the time limit after {len(run.per_day_ms)} of {days} days in"
        f" {run.seconds:.1f} s, on pace for >= {run.projected_s(days):,.0f} s"
    )


def print_timings(t: Timings, params: Params, busy_count: int) -> list[bool]:
    """The measured figures and the verdicts; returns whether each target was met."""
    days = params.days
    summary_ways, scan_ways = t.summary_ways, t.scan_ways
    print(
        f"one day   {t.day} ({busy_count:,} messages), ms (medians of {REPEATS} warm calls,"
        f" {EVICTED_REPEATS} fresh and evicted ones):"
    )
    print(f"          summary  {summary_ways.row()}")
    print(f"          scan     {scan_ways.row()}   (the anchor)")
    ratios = {
        way: statistics.median(getattr(summary_ways, way))
        / statistics.median(getattr(scan_ways, way))
        for way in ("warm", "fresh", "evicted")
    }
    ratios["first"] = summary_ways.first / scan_ways.first
    print("          ratio    " + "  ".join(f"{w} {r:5.1f}x" for w, r in ratios.items()))
    rolled_warm = statistics.median(summary_ways.rolled_warm)
    rolled_evicted = statistics.median(summary_ways.rolled_evicted)
    print(
        f"          rolled   warm {rolled_warm:8,.1f}  evicted {rolled_evicted:8,.1f} ms"
        f"  ratio warm {rolled_warm / statistics.median(scan_ways.warm):5.1f}x"
        f"  evicted {rolled_evicted / statistics.median(scan_ways.evicted):5.1f}x"
        "  (the day rolled up by the flush after it, as in the bot's daily run)"
    )
    for label, run in (("all days", t.all_days), ("  + save", t.with_save)):
        per_day = sorted(run.per_day_ms)
        slowest_ms, slowest_day = per_day[-1]
        print(
            f"{label:<9} {describe(run, days)} (median"
            f" {statistics.median(v for v, _ in per_day):,.1f} ms/day, slowest {slowest_day}"
            f" {slowest_ms:,.1f} ms)"
        )
    print("statement ms: busy day (median) | all days: total s, slowest ms")
    order = sorted(t.all_days_statements, key=lambda n: -sum(t.all_days_statements[n]))
    for name in order:
        total = sum(t.all_days_statements[name])
        one = statistics.median(t.one_day_statements.get(name, [0.0])) * 1000
        worst = max(t.all_days_statements[name]) * 1000
        print(f"          {name:<18} {one:10,.1f} | {total:8.2f} s {worst:10,.1f}")
    summary = t.summary
    assert summary is not None
    print(
        f"summary   {t.day}: messages {summary.messages:,}, active {summary.active_members:,},"
        f" new members {summary.new_members}, replies {summary.replies:,}, reactions"
        f" {summary.reactions:,}, questions {summary.questions:,} (answered"
        f" {summary.questions_answered:,}), newcomers {summary.newcomer_first_messages}"
        f" (answered {summary.newcomers_answered}), active connections"
        f" {summary.active_connections:,}"
    )
    warm_ok = ratios["warm"] <= TARGET_RATIO
    evicted_ok = ratios["evicted"] <= TARGET_RATIO
    all_ok = not t.all_days.stopped and t.all_days.seconds <= TARGET_ALL_DAYS_S * days / 90
    print(
        f"targets   warm <= {TARGET_RATIO:.0f}x the warm scan: {verdict(warm_ok)}"
        f"   evicted <= {TARGET_RATIO:.0f}x the evicted scan: {verdict(evicted_ok)}"
        f"   all {days} days <= {TARGET_ALL_DAYS_S * days / 90:.1f} s: {verdict(all_ok)}"
    )
    return [warm_ok, evicted_ok, all_ok]


def print_plans(path: Path, t: Timings, count: int) -> None:
    """Query plans of the costliest statements, with the busy day's parameters."""
    order = sorted(t.all_days_statements, key=lambda n: -sum(t.all_days_statements[n]))
    for name in order[:count]:
        if name not in t.captured:
            continue
        sql, params = t.captured[name]
        print(f"plan      {name} (EXPLAIN QUERY PLAN, busy day's parameters)")
        for line in explain(path, sql, params):
            print(f"          {line}")


def _dense_days(text: str) -> int:
    days = int(text)
    if days and days < 8:
        raise argparse.ArgumentTypeError("must be 0 or at least 8")
    return days


def add_dense_argument(parser: argparse.ArgumentParser) -> None:
    """``--dense-days``: the dense guild's days (0 skips it), for every benchmark on it."""
    parser.add_argument(
        "--dense-days",
        type=_dense_days,
        default=8,
        help=f"days of the dense guild ({DENSE_MEMBERS:,} members, {DENSE_PER_DAY:,} messages"
        " a day); 0 skips it (default 8)",
    )


def dense_params(args: argparse.Namespace) -> Params | None:
    """The dense guild of ``--dense-days``, announced; None when skipped."""
    if not args.dense_days:
        return None
    print(f"== the dense guild ({DENSE_MEMBERS:,} members, {DENSE_PER_DAY:,} messages a day)")
    return Params(DENSE_PER_DAY * args.dense_days, DENSE_MEMBERS, args.dense_days, args.seed)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Time daily summaries on a large synthetic store.")
    add_store_arguments(parser)
    add_dense_argument(parser)
    parser.add_argument("--rebuild", action="store_true", help="build the stores even if cached")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        help="seconds after which each pass over every day stops early (default 120)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print query plans even if every target is met"
    )
    args = parser.parse_args(argv)
    if args.messages < 1 or args.members < 10 or args.days < 8:
        parser.error("--messages must be positive, --members at least 10, --days at least 8")
    if args.time_limit < TARGET_ALL_DAYS_S:
        parser.error(f"--time-limit must be at least {TARGET_ALL_DAYS_S:.0f} s")
    return args


def run_case(params: Params, args: argparse.Namespace) -> list[bool]:
    """Build or reuse one store, time it, print the report; whether each target was met."""
    path, build_seconds, reused = cached_store(params, args.rebuild)
    contents = read_contents(path)
    print_store(path, params, build_seconds, reused, contents)
    busy_day, busy_count = busiest_middle_day(path, params)
    timings = asyncio.run(measure(path, params, busy_day, args.time_limit))
    met = print_timings(timings, params, busy_count)
    if args.explain or not all(met):
        print_plans(path, timings, 3)
    return met


def main(argv: Sequence[str] | None = None) -> int:
    """Time the summaries on the main store, then on the dense guild's; 1 if a target is missed."""
    args = parse_args(argv)
    print("== the guild of the season")
    met = run_case(params_of(args), args)
    if (dense := dense_params(args)) is not None:
        met += run_case(dense, args)
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
