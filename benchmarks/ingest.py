"""Ingestion benchmark: the store's write path against plain ``sqlite3.executemany``.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/ingest.py [--messages N]

(``--help`` lists the rest: ``--seed``, ``--no-infer``, and ``--unpaced``, a
diagnostic that feeds events without ever letting the store's flushes keep up.)

It builds a deterministic synthetic guild (channels, threads, members) and a stream
of message events with replies, mentions and reactions, then, in one process:

1. feeds every event to :class:`bot.recorder.ConversationRecorder` inside an asyncio
   loop, exactly as the gateway cog would, letting the store batch and flush on its
   own, and times it from the first event until :meth:`bot.store.Store.close`
   returns; each recorder call (the gateway handler's cost) is timed on its own.
   Events come as real traffic does: each one is its own turn of the event loop, and
   when the queue is full (a flush is due) the next event waits until the flush is
   done, as gateway events arriving at a rate the disk keeps up with would. So the
   store commits batches of its flush size (the peak queue length is reported).
   As in the bot (bot/app.py), a loop also flushes the store every
   ``flush_interval_seconds`` (the default setting, 1 s) and then wakes reply
   inference (:class:`bot.inferred.InferenceService`), which infers in the background
   for what the flushes wrote; it is also woken after every flush that wrote
   something (the report gives the messages inferred beside those posted). At the
   end, as the bot's ``close``, the store is flushed, the service settles (infers
   what is left) and the store closes, all inside the timed run, so that Ascolto's
   figure includes inference (``inferred_replies`` is written; the baseline has no
   counterpart, and the check leaves that table out). ``--no-infer`` keeps the flush
   loop and leaves inference out, for the figure without it;
2. writes the same rows into a fresh file with the same tables and indexes but
   *without the schema's triggers* (connections, cached rollups, consent guards),
   using plain ``sqlite3`` ``executemany``, in transactions of the same batch size,
   with every derived value (interaction targets, question flags) computed beforehand.

The generated events are frozen out of the garbage collector's way before either run
(``gc.freeze``): they are the benchmark's, and a full collection walking them would
stall the run for about a second each time.

Both files must end up with identical tables, and Ascolto's ``connections`` must be
the one its interactions define, else the script exits with status 1. The target is an
Ascolto throughput of at least 50% of the baseline's; the median time of one flush is
compared with the median time of one baseline transaction too (batch for batch).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import heapq
import itertools
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.analysis.questions import is_question
from bot.clock import to_db_time
from bot.events import ChannelInfo, GuildInfo, MessageKind, Place, PostedMessage, ReactionChange
from bot.inferred import InferenceService, Recomputed
from bot.policy import LoggingPolicy
from bot.recorder import ConversationRecorder
from bot.settings import DatabaseSettings, PrivacySettings
from bot.store import Store
from bot.store.connection import PRAGMAS as STORE_PRAGMAS  # the very pragmas the store sets
from bot.store.connection import migrations
from bot.store.inferred import Stretch

TARGET_RATIO = 0.5
BATCH_SIZE = 500  # Store's default flush_max_events; the baseline uses the same.
# The bot's periodic flush, after which it wakes reply inference (bot/app.py).
FLUSH_INTERVAL = DatabaseSettings().flush_interval_seconds

DISCORD_EPOCH_MS = 1_420_070_400_000
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

CHANNELS = 20
THREADS = 8
MEMBERS = 2_000
REPLY_SHARE = 0.40
MENTION_SHARE = 0.15
THREAD_SHARE = 0.12  # of messages, once threads exist
THREAD_START_CHANCE = 0.002  # per channel message, until THREADS threads exist
QUESTION_SHARE = 0.12
REPLY_AUTHOR_KNOWN = 0.7  # the gateway resolved the replied-to message
REACTION_AUTHOR_KNOWN = 0.7  # the gateway sent message_author_id
REACTION_COUNTS = (0, 1, 2, 3)
REACTION_WEIGHTS = (0.66, 0.20, 0.10, 0.04)  # about 0.5 reactions per message
REACTION_DELAY_EVENTS = 300  # a reaction comes up to this many messages later
HISTORY = 50  # recent messages per place that a reply may answer
EMOJIS = ("👍", "❤️", "😂", "🎉", "👀", "🙏", "🔥", "✅")
_SAMPLE_TEXT = (
    "the release build fails on windows again after the update and nobody knows why "
    "thanks for the help I will try that tonight does anyone have a link to the docs "
    "great idea let us meet on friday to plan the next event with the whole team"
)
WORDS = tuple(_SAMPLE_TEXT.split())

Event = GuildInfo | ChannelInfo | PostedMessage | ReactionChange


# Synthetic data


def snowflake(ms: int, sequence: int) -> int:
    """A Discord-like id for a time in milliseconds; ``sequence`` breaks ties."""
    return ((ms - DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF)


def at_ms(ms: int) -> datetime:
    """A timezone-aware time from epoch milliseconds."""
    return datetime.fromtimestamp(ms / 1000, UTC)


@dataclass(frozen=True, slots=True)
class Scenario:
    """The synthetic guild and the ordered events that happen in it."""

    guild: GuildInfo
    member_ids: tuple[int, ...]
    events: list[Event]
    messages: int
    reactions: int
    threads: int


@dataclass(slots=True)
class _Posted:
    """What the generator remembers of a message, to reply and react to it."""

    message_id: int
    place: Place
    author_id: int


@dataclass(slots=True)
class _Generator:
    """Builds the event stream one message at a time; deterministic for a seed."""

    rng: random.Random
    guild_id: int
    channels: list[int]
    member_ids: list[int]
    member_weights: list[float]
    now_ms: int
    events: list[Event] = field(default_factory=list)
    threads: list[Place] = field(default_factory=list)
    history: dict[Place, deque[_Posted]] = field(default_factory=dict)
    due: list[tuple[int, int, _Posted, int, str]] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    reactions: int = 0

    def member(self) -> int:
        """A member, the active ones more often (a long-tailed community)."""
        return self.rng.choices(self.member_ids, cum_weights=self.member_weights)[0]

    def text(self) -> str:
        """A few words; some are questions."""
        words = self.rng.choices(WORDS, k=self.rng.randint(2, 24))
        return " ".join(words) + ("?" if self.rng.random() < QUESTION_SHARE else ".")

    def place(self) -> Place:
        """A channel, or one of the threads opened so far."""
        if self.threads and self.rng.random() < THREAD_SHARE:
            return self.rng.choice(self.threads)
        return Place(self.guild_id, self.rng.choice(self.channels))

    def post(self, index: int) -> None:
        """Add one message, maybe a thread it opens, and schedule its reactions."""
        self.now_ms += self.rng.randint(1, 3_000)
        place = self.place()
        author = self.member()
        message_id = snowflake(self.now_ms, index)
        earlier = self.history.setdefault(place, deque(maxlen=HISTORY))
        reply_to: _Posted | None = None
        if earlier and self.rng.random() < REPLY_SHARE:
            reply_to = self.rng.choice(earlier)
        message = PostedMessage(
            message_id=message_id,
            place=place,
            author_id=author,
            author_name=f"Member {author % 10_000}",
            created_at=at_ms(self.now_ms),
            content=self.text(),
            kind=MessageKind.MESSAGE,
            attachments=1 if self.rng.random() < 0.05 else 0,
            reply_to_message_id=reply_to.message_id if reply_to else None,
            reply_to_author_id=(
                reply_to.author_id if reply_to and self.rng.random() < REPLY_AUTHOR_KNOWN else None
            ),
            mention_ids=self.mentions(reply_to),
        )
        self.events.append(message)
        posted = _Posted(message_id, place, author)
        earlier.append(posted)
        self.maybe_open_thread(posted)
        self.schedule_reactions(index, posted)
        self.release_reactions(index)

    def mentions(self, reply_to: _Posted | None) -> tuple[int, ...]:
        """One or two members, often the replied-to author (a reply with a ping)."""
        if self.rng.random() >= MENTION_SHARE:
            return ()
        ids = [self.member() for _ in range(self.rng.randint(1, 2))]
        if reply_to is not None and self.rng.random() < 0.5:
            ids[0] = reply_to.author_id
        return tuple(ids)

    def maybe_open_thread(self, starter: _Posted) -> None:
        """Open a thread from a channel message: the thread's id is the message's."""
        if (
            len(self.threads) >= THREADS
            or starter.place.thread_id is not None
            or self.rng.random() >= THREAD_START_CHANCE
        ):
            return
        thread = Place(self.guild_id, starter.place.channel_id, starter.message_id)
        self.threads.append(thread)
        self.events.append(
            ChannelInfo(
                channel_id=starter.message_id,
                guild_id=self.guild_id,
                name=f"thread-{len(self.threads)}",
                kind="public_thread",
                parent_id=starter.place.channel_id,
                owner_id=starter.author_id,
                created_at=at_ms(self.now_ms),
            )
        )

    def schedule_reactions(self, index: int, target: _Posted) -> None:
        """Decide who will react to a message, and how many messages later."""
        count = self.rng.choices(REACTION_COUNTS, weights=REACTION_WEIGHTS)[0]
        for _ in range(count):
            delay = self.rng.randint(0, REACTION_DELAY_EVENTS)
            entry = (index + delay, next(self.counter), target, self.member(), self.emoji())
            heapq.heappush(self.due, entry)

    def emoji(self) -> str:
        """One of a few popular emoji."""
        return self.rng.choice(EMOJIS)

    def release_reactions(self, index: int) -> None:
        """Emit the reactions due by message ``index`` (all of them if it is negative)."""
        while self.due and (index < 0 or self.due[0][0] <= index):
            _, _, target, user_id, emoji = heapq.heappop(self.due)
            known = self.rng.random() < REACTION_AUTHOR_KNOWN
            self.events.append(
                ReactionChange(
                    message_id=target.message_id,
                    place=target.place,
                    user_id=user_id,
                    emoji=emoji,
                    at=at_ms(self.now_ms),
                    message_author_id=target.author_id if known else None,
                )
            )
            self.reactions += 1


def generate(messages: int, seed: int) -> Scenario:
    """The synthetic guild and its events: a guild sighting, then messages and reactions."""
    rng = random.Random(seed)
    origin_ms = int(START.timestamp() * 1000)
    guild_id = snowflake(origin_ms - 400 * 86_400_000, 0)
    channels = [snowflake(origin_ms - 300 * 86_400_000 + i, i) for i in range(CHANNELS)]
    member_ids = [snowflake(origin_ms - 200 * 86_400_000 + 1_000 * i, i) for i in range(MEMBERS)]
    rng.shuffle(member_ids)  # activity does not follow join order
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(MEMBERS)))
    guild = GuildInfo(
        guild_id=guild_id,
        name="Benchmark Guild",
        channels=tuple(
            ChannelInfo(
                channel_id=channel_id,
                guild_id=guild_id,
                name=f"channel-{i}",
                kind="text",
                created_at=at_ms(origin_ms - 300 * 86_400_000),
            )
            for i, channel_id in enumerate(channels)
        ),
    )
    gen = _Generator(rng, guild_id, channels, member_ids, weights, origin_ms, events=[guild])
    for index in range(messages):
        gen.post(index)
    gen.release_reactions(-1)
    return Scenario(guild, tuple(member_ids), gen.events, messages, gen.reactions, len(gen.threads))


# The Ascolto run


@dataclass(frozen=True, slots=True)
class AscoltoResult:
    """Wall-clock time, handler latencies (ns), how the store batched, the longest GC pause."""

    seconds: float
    latencies_ns: list[int]
    max_queued: int
    flushes: int
    flushed_rows: int
    longest_gc_ms: float
    flush_seconds: list[float]
    # Inferred replies written and messages inferred (None: inference was off).
    inferred: tuple[int, int] | None = None


class _FlushCounter:
    """Wraps :meth:`Store.flush` (background, inline and final flushes) to count them,
    and wakes reply inference after each one that wrote something."""

    def __init__(self, store: Store, inference: InferenceService | None = None) -> None:
        self._flush = store.flush
        self._store = store
        self._inference = inference
        self.flushes = 0
        self.rows = 0
        self.seconds: list[float] = []
        store.flush = self  # type: ignore[method-assign]

    async def __call__(self) -> int:
        start = time.perf_counter()
        rows = await self._flush()
        if rows:
            self.seconds.append(time.perf_counter() - start)
        self.flushes += 1 if rows else 0
        self.rows += rows
        if rows and self._inference is not None:
            self._inference.wake()
        elif self._inference is None:
            # Without inference nobody follows up on the written rows: dropped here, at
            # once, rather than by the batcher's cap with a warning at every flush.
            self._store.batcher.take_written()
        return rows


class _InferredCounter:
    """Wraps :meth:`InferenceService.recompute` to count the messages inferred."""

    def __init__(self, inference: InferenceService) -> None:
        self._recompute = inference.recompute
        self.messages = 0
        inference.recompute = self  # type: ignore[method-assign]

    async def __call__(self, stretches: Iterable[Stretch]) -> Recomputed:
        done = await self._recompute(stretches)
        self.messages += done.read
        return done


class _GcPauses:
    """Records the longest garbage collection while installed in :data:`gc.callbacks`."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._started)

    def __enter__(self) -> _GcPauses:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


def recorder_calls(
    recorder: ConversationRecorder, events: Sequence[Event]
) -> list[tuple[Callable[..., None], tuple[Any, ...]]]:
    """Each event as the recorder method the gateway cog calls for it, with its arguments."""
    calls: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
    for event in events:
        if isinstance(event, PostedMessage):
            calls.append((recorder.message_posted, (event,)))
        elif isinstance(event, ReactionChange):
            calls.append((recorder.reaction_added, (event,)))
        elif isinstance(event, ChannelInfo):
            calls.append((recorder.channel_seen, (event,)))
        else:
            calls.append((recorder.guild_available, (event, START)))
    return calls


async def _flush_loop(store: Store, inference: InferenceService | None) -> None:
    """The bot's flush loop (``AscoltoBot._flush``): flush, then wake reply inference."""
    while True:
        await asyncio.sleep(FLUSH_INTERVAL)
        with contextlib.suppress(Exception):
            await asyncio.shield(store.flush())
        if inference is not None:
            inference.wake()


async def run_ascolto(
    path: Path, events: Sequence[Event], *, paced: bool, infer: bool = True
) -> AscoltoResult:
    """Feed every event to the recorder, as the gateway would, then close the store
    (after reply inference has caught up, unless ``infer`` is false).

    ``paced``: each event is one turn of the loop, and a full queue makes the next
    event wait for the flush (see the module docstring). Without it (a diagnostic),
    events are fed a hundred per turn and never wait: the flushes fall behind and the
    writes pile up in memory, which no real traffic the disk keeps up with does.
    """
    # Paced, the feeder itself flushes when the queue reaches the store's threshold,
    # at the moment the store's background flush would start: the same batches, without
    # a second flush task that would take the few rows queued meanwhile.
    store = Store(path, flush_max_events=sys.maxsize if paced else BATCH_SIZE)
    await store.open()
    policy = LoggingPolicy(store)
    await policy.load()
    recorder = ConversationRecorder(store, policy, PrivacySettings())
    calls = recorder_calls(recorder, events)
    inference = InferenceService(store) if infer else None
    inferred_counter = None
    if inference is not None:
        _ = inference.model  # loaded once, before the clock: a one-time cost of the bot
        inferred_counter = _InferredCounter(inference)
    counter = _FlushCounter(store, inference)
    latencies: list[int] = []
    max_queued = 0
    clock = time.perf_counter_ns
    with _GcPauses() as pauses:
        start = time.perf_counter()
        flusher = asyncio.get_running_loop().create_task(_flush_loop(store, inference))
        for index, (handler, args) in enumerate(calls, 1):
            before = clock()
            handler(*args)
            latencies.append(clock() - before)
            queued = store.batcher.pending
            max_queued = max(max_queued, queued)
            if paced and queued >= BATCH_SIZE:
                # The flush the store would ask for runs before the next event comes.
                await store.flush()
            elif paced or index % 100 == 0:
                # Between gateway events the loop runs other tasks.
                await asyncio.sleep(0)
        # As the bot closes: the flush loop stops, the last writes are flushed and
        # inferred, then the store closes.
        flusher.cancel()
        await asyncio.gather(flusher, return_exceptions=True)
        inferred = None
        if inference is not None and inferred_counter is not None:
            await store.flush()
            await inference.settle()
            await inference.close()
            inferred = (
                await store.inferred.count(events_guild(events)),
                inferred_counter.messages,
            )
        await store.close()
        seconds = time.perf_counter() - start
    return AscoltoResult(
        seconds,
        latencies,
        max_queued,
        counter.flushes,
        counter.rows,
        pauses.longest * 1000,
        counter.seconds,
        inferred,
    )


def events_guild(events: Sequence[Event]) -> int:
    """The guild of the synthetic events (the first event is its sighting)."""
    first = events[0]
    if not isinstance(first, GuildInfo):
        raise ValueError("the events start with the guild")
    return first.guild_id


# The raw sqlite3 baseline

_BASELINE_SQL = {
    "guilds": "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (?, ?, ?)",
    "channels": """INSERT INTO channels
        (channel_id, guild_id, name, kind, parent_id, owner_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)""",
    "members": "INSERT INTO members (guild_id, user_id, display_name) VALUES (?, ?, ?)",
    "messages": """INSERT INTO messages
        (message_id, guild_id, channel_id, thread_id, author_id, created_at, kind,
         reply_to_message_id, is_question, length, attachments, content)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
    "message_mentions": "INSERT INTO message_mentions (message_id, user_id) VALUES (?, ?)",
    "reactions": """INSERT INTO reactions (guild_id, message_id, user_id, emoji, created_at)
        VALUES (?, ?, ?, ?, ?)""",
    "interactions": """INSERT INTO interactions
        (guild_id, source_id, target_id, kind, message_id, channel_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)""",
}

Batch = dict[str, list[tuple[Any, ...]]]


@dataclass(slots=True)
class _BaselinePlanner:
    """Derives, in Python, every row the store would write, cut into same-size batches.

    A batch closes once it holds as many queued writes (the batcher's unit: one per
    message, reply, mention, reaction, name or channel) as the store's flush threshold.
    """

    batches: list[Batch] = field(default_factory=list)
    batch: Batch = field(default_factory=dict)
    writes: int = 0
    authors: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    interaction_keys: set[tuple[int, int, int]] = field(default_factory=set)
    reaction_keys: set[tuple[int, int, str]] = field(default_factory=set)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        """Queue one row for the current batch."""
        self.batch.setdefault(table, []).append(row)

    def interaction(self, row: tuple[Any, ...]) -> None:
        """An interaction, unless one already links that message, source and target."""
        _guild, source, target, _kind, message_id, _where, _at = row
        key = (message_id, source, target)
        if target is not None and target != source and key not in self.interaction_keys:
            self.interaction_keys.add(key)
            self.add("interactions", row)

    def end_event(self, writes: int) -> None:
        """Count an event's queued writes; close the batch when it is full."""
        self.writes += writes
        if self.writes >= BATCH_SIZE:
            self.finish()

    def finish(self) -> None:
        """Close the current batch."""
        if self.batch:
            self.batches.append(self.batch)
        self.batch, self.writes = {}, 0

    def guild(self, guild: GuildInfo) -> None:
        """The guild and its channels."""
        self.add("guilds", (guild.guild_id, guild.name, to_db_time(START)))
        for channel in guild.channels:
            self.channel(channel)
        self.end_event(1 + len(guild.channels))

    def channel(self, channel: ChannelInfo) -> None:
        """A channel or thread."""
        created = to_db_time(channel.created_at) if channel.created_at else None
        row = (channel.channel_id, channel.guild_id, channel.name, channel.kind)
        self.add("channels", (*row, channel.parent_id, channel.owner_id, created))

    def message(self, message: PostedMessage) -> None:
        """A message, its author's name, its mentions and its interactions."""
        place, author, message_id = message.place, message.author_id, message.message_id
        created = to_db_time(message.created_at)
        writes = 1
        if self.names.get(author) != message.author_name:
            self.names[author] = message.author_name
            self.add("members", (place.guild_id, author, message.author_name))
            writes += 1
        self.authors[message_id] = author
        question = int(is_question(message.content))
        self.add(
            "messages",
            (
                message_id,
                place.guild_id,
                place.channel_id,
                place.thread_id,
                author,
                created,
                message.kind.value,
                message.reply_to_message_id,
                question,
                len(message.content),
                message.attachments,
                message.content or None,
            ),
        )
        listening = self.listening(message)
        if listening is not None:
            kind, target = listening
            self.interaction(
                (place.guild_id, author, target, kind, message_id, place.where_id, created)
            )
            writes += 1
        mentions = tuple(dict.fromkeys(u for u in message.mention_ids if u != author))
        for user_id in mentions:
            self.add("message_mentions", (message_id, user_id))
            self.interaction(
                (place.guild_id, author, user_id, "mention", message_id, place.where_id, created)
            )
        self.end_event(writes + len(mentions))

    def listening(self, message: PostedMessage) -> tuple[str, int | None] | None:
        """The reply or thread-reply interaction's kind and target, as the store derives it."""
        if message.reply_to_message_id is not None:
            target = message.reply_to_author_id or self.authors.get(message.reply_to_message_id)
            return "reply", target
        thread_id = message.place.thread_id
        if thread_id is not None and not message.opens_forum_post:
            return "thread_reply", self.authors.get(thread_id)
        return None

    def reaction(self, change: ReactionChange) -> None:
        """A reaction and, once per member and message, its interaction."""
        key = (change.message_id, change.user_id, change.emoji)
        at = to_db_time(change.at)
        if key not in self.reaction_keys:
            self.reaction_keys.add(key)
            self.add("reactions", (change.place.guild_id, *key, at))
        target = change.message_author_id or self.authors.get(change.message_id)
        place, user_id, message_id = change.place, change.user_id, change.message_id
        self.interaction(
            (place.guild_id, user_id, target, "reaction", message_id, place.where_id, at)
        )
        self.end_event(1)


def plan_baseline(events: Sequence[Event]) -> list[Batch]:
    """The baseline's transactions: every row, with interaction targets resolved."""
    planner = _BaselinePlanner()
    for event in events:
        if isinstance(event, PostedMessage):
            planner.message(event)
        elif isinstance(event, ReactionChange):
            planner.reaction(event)
        elif isinstance(event, ChannelInfo):
            planner.channel(event)
            planner.end_event(1)
        else:
            planner.guild(event)
    planner.finish()
    return planner.batches


def create_schema(path: Path) -> sqlite3.Connection:
    """A new file with the store's pragmas, tables and indexes, and none of its
    triggers, opened in autocommit mode."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in STORE_PRAGMAS:
        db.execute(pragma).fetchall()
    for number, _name, sql in migrations():
        db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
    triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    return db


def run_baseline(path: Path, batches: Sequence[Batch]) -> tuple[float, list[float]]:
    """Insert every batch with ``executemany``, one transaction each; returns the
    seconds in all and each transaction's."""
    db = create_schema(path)
    each: list[float] = []
    start = time.perf_counter()
    for batch in batches:
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        # In the store's order: a reply's interaction comes after its message.
        for table, sql in _BASELINE_SQL.items():
            if rows := batch.get(table):
                db.executemany(sql, rows)
        db.execute("COMMIT")
        each.append(time.perf_counter() - began)
    db.close()
    return time.perf_counter() - start, each


# Checking that both runs wrote the same thing

_CONTENTS = {
    "guilds": "SELECT * FROM guilds ORDER BY guild_id",
    "channels": "SELECT * FROM channels ORDER BY channel_id",
    "members": "SELECT * FROM members ORDER BY guild_id, user_id",
    "messages": "SELECT * FROM messages ORDER BY message_id",
    "message_mentions": "SELECT * FROM message_mentions ORDER BY message_id, user_id",
    "reactions": "SELECT * FROM reactions ORDER BY message_id, user_id, emoji",
    "interactions": "SELECT * FROM interactions ORDER BY message_id, source_id, target_id",
}


@dataclass(frozen=True, slots=True)
class Contents:
    """Row counts per table (interactions per kind) and a digest of every table."""

    counts: dict[str, int]
    digests: dict[str, str]


def read_contents(path: Path) -> Contents:
    """Count and hash what a database file holds."""
    db = sqlite3.connect(path)
    try:
        counts: dict[str, int] = {}
        digests: dict[str, str] = {}
        for table, query in _CONTENTS.items():
            digest = hashlib.sha256()
            rows = 0
            for row in db.execute(query):
                digest.update(repr(row).encode())
                rows += 1
            counts[table] = rows
            digests[table] = digest.hexdigest()
        by_kind = db.execute("SELECT kind, COUNT(*) FROM interactions GROUP BY kind ORDER BY kind")
        for kind, count in by_kind:
            counts[f"interactions:{kind}"] = count
        return Contents(counts, digests)
    finally:
        db.close()


_CONNECTIONS_DIFFER = """
SELECT count(*) FROM (
    SELECT guild_id, a, b, first_at FROM connections
    EXCEPT
    SELECT guild_id, min(source_id, target_id), max(source_id, target_id), min(created_at)
    FROM interactions GROUP BY 1, 2, 3)
"""
_CONNECTIONS_MISSING = """
SELECT count(*) FROM (
    SELECT guild_id, min(source_id, target_id), max(source_id, target_id), min(created_at)
    FROM interactions GROUP BY 1, 2, 3
    EXCEPT
    SELECT guild_id, a, b, first_at FROM connections)
"""


def connections_agree(path: Path) -> bool:
    """Whether the file's ``connections`` are exactly those its interactions define."""
    db = sqlite3.connect(path)
    try:
        wrong = db.execute(_CONNECTIONS_DIFFER).fetchone()[0]
        missing = db.execute(_CONNECTIONS_MISSING).fetchone()[0]
        return bool(wrong == 0 and missing == 0)
    finally:
        db.close()


# Report


def percentile(sorted_values: Sequence[int], fraction: float) -> int:
    """The nearest-rank percentile of already sorted values."""
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def peak_rss_mib() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_throughput(
    scenario: Scenario, ascolto: AscoltoResult, baseline_seconds: float, each: list[float]
) -> None:
    """Events, seconds and events per second of both runs, and their ratio; the median
    flush against the median baseline transaction."""
    transactions = len(each)
    events = len(scenario.events)
    ours, raw = events / ascolto.seconds, events / baseline_seconds
    others = events - scenario.messages - scenario.reactions
    print(
        f"events    {events:,}: {scenario.messages:,} messages, {scenario.reactions:,} reactions,"
        f" {others} guild/channel/thread ({scenario.threads} threads,"
        f" {len(scenario.member_ids):,} members)"
    )
    print(
        f"ascolto   {ascolto.seconds:7.2f} s {ours:9,.0f} events/s  ({ascolto.flushes} flushes,"
        f" {ascolto.flushed_rows / max(ascolto.flushes, 1):,.0f} queued writes each,"
        f" at most {ascolto.max_queued:,} queued)"
    )
    print(
        f"baseline  {baseline_seconds:7.2f} s {raw:9,.0f} events/s  (sqlite3 executemany,"
        f" {transactions} transactions)"
    )
    if ascolto.inferred is None:
        print("inference off (--no-infer): Ascolto's figure is the write path alone")
    else:
        rows, inferred = ascolto.inferred
        print(
            f"inference {inferred:,} messages inferred ({scenario.messages:,} posted), {rows:,}"
            " inferred replies written; woken after each flush, settled before close, inside"
            " Ascolto's time"
        )
    verdict = "meets" if ours / raw >= TARGET_RATIO else "BELOW"
    print(f"ratio     {ours / raw:.1%} of baseline ({verdict} the {TARGET_RATIO:.0%} target)")
    if ascolto.flush_seconds and each:
        flush = statistics.median(ascolto.flush_seconds) * 1000
        txn = statistics.median(each) * 1000
        print(
            f"batches   median flush {flush:.2f} ms ({ascolto.flushed_rows / ascolto.flushes:,.0f}"
            f" queued writes), median baseline transaction {txn:.2f} ms: {txn / flush:.1%};"
            f" flushes {sum(ascolto.flush_seconds):.2f} s of the {ascolto.seconds:.2f} s"
        )
    if ascolto.max_queued >= 10 * BATCH_SIZE:
        print(
            f"note      background flushes fell behind: up to {ascolto.max_queued:,} writes"
            f" waited in memory (flush threshold {BATCH_SIZE}), and close() wrote the rest"
        )


def print_handler(ascolto: AscoltoResult) -> None:
    """Percentiles of the recorder call, the gateway handler's share of the work."""
    ordered = sorted(ascolto.latencies_ns)
    p50, p99, p999 = (percentile(ordered, f) / 1000 for f in (0.5, 0.99, 0.999))
    print(
        f"handler   p50 {p50:.1f} us  p99 {p99:.1f} us  p99.9 {p999:.1f} us"
        f"  max {ordered[-1] / 1000:,.1f} us  (synchronous recorder call, queue only;"
        f" longest GC pause in the run {ascolto.longest_gc_ms:,.1f} ms)"
    )


def print_rows(ours: Contents, raw: Contents) -> bool:
    """Row counts, and whether both databases hold the same rows; returns that."""
    tables = "  ".join(f"{t} {n:,}" for t, n in ours.counts.items() if ":" not in t)
    kinds = "  ".join(f"{t[13:]} {n:,}" for t, n in ours.counts.items() if ":" in t)
    print(f"rows      {tables}")
    print(f"          interactions by kind: {kinds}")
    if ours == raw:
        print("check     both databases hold identical rows (counts and contents)")
        return True
    differing = [table for table in _CONTENTS if ours.digests[table] != raw.digests[table]]
    print(f"MISMATCH  tables {differing} differ; the baseline's counts: {raw.counts}")
    return False


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Time the store's write path against plain sqlite3 executemany."
    )
    parser.add_argument("--messages", type=int, default=200_000, help="messages to post")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    parser.add_argument(
        "--unpaced",
        action="store_true",
        help="diagnostic: feed 100 events per loop turn and never wait for a flush",
    )
    parser.add_argument(
        "--no-infer",
        action="store_true",
        help="run without reply inference (for the ratio with and without it)",
    )
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run both ingestions and print the report; 1 if the databases differ."""
    args = parse_args(argv)
    scenario = generate(args.messages, args.seed)
    batches = plan_baseline(scenario.events)
    # The generated events and batches are the benchmark's, not the bot's: frozen out of
    # the collector's way, so that a full collection during the run walks what the bot
    # holds (a bot never holds 300,000 events; walking them made each full collection
    # in the run last about a second, once live inference kept enough objects alive to
    # set some off).
    gc.collect()
    gc.freeze()
    rss_generated = peak_rss_mib()
    with tempfile.TemporaryDirectory(prefix="ascolto-bench-") as folder:
        ours_path, raw_path = Path(folder, "ascolto.db"), Path(folder, "baseline.db")
        ascolto = asyncio.run(
            run_ascolto(ours_path, scenario.events, paced=not args.unpaced, infer=not args.no_infer)
        )
        baseline_seconds, each = run_baseline(raw_path, batches)
        rss_end = peak_rss_mib()
        contents = (read_contents(ours_path), read_contents(raw_path))
        agree = connections_agree(ours_path)
    print_throughput(scenario, ascolto, baseline_seconds, each)
    print_handler(ascolto)
    same = print_rows(*contents)
    if not agree:
        print("MISMATCH  Ascolto's connections are not the ones its interactions define")
    print(
        f"peak RSS  {rss_generated:,.0f} MiB after generating data, {rss_end:,.0f} MiB at the end"
    )
    return 0 if same and agree else 1


if __name__ == "__main__":
    sys.exit(main())
