"""Inferred replies kept up to date: after each flush for live messages, on demand for a
whole guild (``ascolto infer``), and at import for history (bot/dce/importer.py).

A *stretch* of a channel or thread is recomputed whole: its messages are read with the
messages just before them as context, the model (bot/inference) picks each one's
antecedent, and the stretch's rows are replaced by the links to another member's
message at or above the model's threshold. New messages recompute their own stretch;
an edited or deleted message recomputes itself and the hour after it (the messages
that may have answered it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from bot.clock import from_db_time, to_db_time
from bot.inference.features import CANDIDATES, WINDOW_SECONDS
from bot.inference.infer import best_antecedents, default_model
from bot.inference.model import ReplyModel
from bot.store import Store
from bot.store.batcher import Row, Write
from bot.store.connection import OnBusy
from bot.store.inferred import (
    ContextMessage,
    InferredImport,
    InferredQueries,
    InferredRow,
    Place,
    Stretch,
    snapshot_reader,
)

log = logging.getLogger(__name__)

# Messages read before a stretch as its context: the candidates, and the earlier
# exchanges between two members that the model counts (four windows back).
LEAD = 4 * CANDIDATES
# Messages inferred at once: bounds memory on a channel of a million messages.
SEGMENT = 5000
# At import, fewer: the import keeps its memory under 200 MB whatever the file's size,
# and the model's arrays grow with the messages scored at once.
IMPORT_SEGMENT = 1000

# Live inference starts a pass at most this often (seconds): an answer is counted
# within a minute of its message.
PASS_INTERVAL = 10.0

# Called with the places done, the places in all, and the messages inferred so far.
Progress = Callable[[int, int, int], None]


def infer_rows(
    context: Sequence[ContextMessage], first: int, model: ReplyModel
) -> list[InferredRow]:
    """The rows of ``context[first:]`` (the messages before are context only): each
    message's link to another member's message, when the model is sure enough."""
    chats = [m.chat for m in context]
    wanted = np.zeros(len(chats), np.bool_)
    wanted[first:] = [not chat.explicit_target for chat in chats[first:]]
    if not wanted.any():
        return []  # every message says whom it answers (a thread's, say): nothing to infer
    # As infer_replies, keeping only the links that become rows.
    slot, probability = best_antecedents(chats, model, wanted)
    rows = []
    for i in np.flatnonzero(wanted & (slot > 0) & (probability >= model.threshold)).tolist():
        message, target = chats[i], chats[i - int(slot[i])]
        if target.author_id != message.author_id:  # another member's message
            rows.append(
                InferredRow(
                    message_id=message.message_id,
                    target_message_id=target.message_id,
                    target_id=target.author_id,
                    score=float(probability[i]),
                    model_version=model.version,
                    source_id=message.author_id,
                    created_at=context[i].created_at,
                )
            )
    return rows


@dataclass(slots=True)
class Recomputed:
    """What recomputing some stretches did."""

    read: int = 0  # messages inferred
    rows: int = 0  # inferred replies written
    changed: set[str] | None = None  # times of the messages whose row changed
    places: int = 0  # channels and threads read

    def add(self, read: int, rows: int, changed: set[str]) -> None:
        """Count one stretch."""
        self.read += read
        self.rows += rows
        self.changed = (self.changed or set()) | changed


def _cursor(message: ContextMessage) -> tuple[str, int]:
    """The point just after a message, in (time, id) order."""
    return message.created_at, message.chat.message_id + 1


def hour_after(at: str) -> str:
    """The stored time one candidate window after ``at``."""
    return to_db_time(from_db_time(at) + timedelta(seconds=WINDOW_SECONDS))


def merged(stretches: Iterable[Stretch]) -> list[Stretch]:
    """Overlapping stretches of one place as one, so no message is inferred twice."""
    out: list[Stretch] = []
    for stretch in sorted(stretches, key=lambda s: (s.place.where_id, s.first_at)):
        last = out[-1] if out else None
        if last is not None and last.place == stretch.place and stretch.first_at <= last.until:
            out[-1] = Stretch(last.place, last.first_at, max(last.until, stretch.until))
        else:
            out.append(stretch)
    return out


def recompute_in_import(
    queries: InferredImport,
    stretch: Stretch,
    model: ReplyModel | None = None,
    *,
    texts: Mapping[int, str] | None = None,
) -> tuple[int, int]:
    """Recompute one stretch on an import's connection (in its file's transaction);
    ``texts`` gives the text of messages whose text is not stored (past the retention
    period). Returns (messages inferred, rows written)."""
    read, rows = stretch_rows(queries, stretch, model or default_model(), IMPORT_SEGMENT, texts)
    queries.replace(stretch, rows)
    return read, len(rows)


def stretch_rows(
    queries: InferredImport,
    stretch: Stretch,
    model: ReplyModel,
    segment: int,
    texts: Mapping[int, str] | None = None,
) -> tuple[int, list[InferredRow]]:
    """The rows of a stretch, read ``segment`` messages at a time with the messages just
    before as context: (messages inferred, rows)."""
    place = stretch.place
    lead = queries.before(place, stretch.first_at, 0, LEAD, texts)
    at, message_id = stretch.first_at, 0
    rows: list[InferredRow] = []
    read = 0
    while True:
        part = queries.stretch(place, at, message_id, stretch.until, segment, texts)
        if part:
            context = lead + part
            rows += infer_rows(context, len(lead), model)
            read += len(part)
            lead = context[-LEAD:]
            at, message_id = _cursor(part[-1])
        if len(part) < segment:
            return read, rows


@dataclass(slots=True)
class _Pending:
    """What flushes wrote that no pass has inferred yet, folded as it comes in (a few
    values per place, whatever the number of messages)."""

    # The new messages of one place: one stretch from the first to the last.
    posted: dict[Place, tuple[str, str]] = field(default_factory=dict)
    # Messages edited or deleted: themselves and the messages that may answer them.
    changed: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.posted or self.changed)

    def add(self, written: Iterable[tuple[Write, Row]]) -> None:
        """Fold in some written rows."""
        posted, changed = self.posted, self.changed
        for write, row in written:
            if write.name == "message_posted":
                if row["kind"] == "message":
                    place = Place(row["guild_id"], row["where_id"], row["thread_id"] is not None)
                    at = row["created_at"]
                    first, last = posted.get(place, (at, at))
                    posted[place] = (min(first, at), max(last, at))
            else:
                changed.add(int(row["message_id"]))


class InferenceService:
    """Runs reply inference off the gateway's path and keeps ``inferred_replies`` exact."""

    def __init__(
        self, store: Store, model: ReplyModel | None = None, *, interval: float = PASS_INTERVAL
    ) -> None:
        self._store = store
        self._model = model
        self._interval = interval
        self._last_pass = -float("inf")
        # Set to start the next pass now (settle, idle), not when the interval is up.
        self._hurry = asyncio.Event()
        # The passes' own reads and writes, each in a transaction of the store's
        # connection, without flushing the queued writes first: a pass reads stretches
        # that flushes have written already (what is queued comes to a later pass when
        # its flush is taken), so flushing for it would only cut the gateway's batches
        # short (one extra commit per read).
        self._queries = InferredQueries(store.transaction, store.transaction)
        self._task: asyncio.Task[None] | None = None
        self._pending = _Pending()

    @property
    def model(self) -> ReplyModel:
        """The model in use (the shipped one unless another was given)."""
        return self._model or default_model()

    def wake(self) -> None:
        """After a flush: take what the flushes wrote, and infer for it in the
        background; a pass under way takes it when it is done. (Taken at every wake,
        however busy inference is: the batcher drops what nobody takes for long.)"""
        self._pending.add(self._store.batcher.take_written())
        if self._pending and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def enabled(self, guild_id: int) -> bool:
        """Whether the guild is shown figures that count inferred replies (default on)."""
        return await self._store.inferred.enabled(guild_id)

    async def set_enabled(
        self, guild_id: int, enabled: bool, at: datetime, *, on_busy: OnBusy | None = None
    ) -> None:
        """Turn counting inferred replies on or off for a guild (rows are kept either
        way: the stored summaries hold both figures)."""
        await self._store.inferred.set_enabled(guild_id, enabled, to_db_time(at), on_busy=on_busy)

    async def idle(self) -> None:
        """Wait for the pass under way, if any (not for writes no flush has taken yet);
        a pass waiting for its interval starts at once."""
        if self._task is not None:
            self._hurry.set()
            try:
                await asyncio.gather(self._task, return_exceptions=True)
            finally:
                self._hurry.clear()

    async def settle(self) -> None:
        """Flush, then infer for everything written so far (tests, shutdown)."""
        await self._store.flush()
        await self.idle()
        self._pending.add(self._store.batcher.take_written())
        pending, self._pending = self._pending, _Pending()
        if pending:
            await self._follow(pending)

    async def close(self) -> None:
        """Stop a pass under way (what it had not written waits for ``ascolto infer``)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _drain(self) -> None:
        """Infer for what is pending, then for what came meanwhile, until nothing is."""
        while self._pending:
            # At most one pass an interval: a pass reads each place's stretch with the
            # messages before it as context, so passes over a few seconds of messages
            # read (and infer) mostly context.
            wait = self._last_pass + self._interval - asyncio.get_running_loop().time()
            if wait > 0 and not self._hurry.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), wait)
            self._last_pass = asyncio.get_running_loop().time()
            pending, self._pending = self._pending, _Pending()
            try:
                await self._follow(pending)
            except Exception:
                log.exception(
                    "reply inference failed for new messages in %d places and %d edited or "
                    "deleted; `ascolto infer` recomputes",
                    len(pending.posted),
                    len(pending.changed),
                )

    async def follow(self, written: Sequence[tuple[Write, Row]]) -> Recomputed:
        """Recompute the stretches that messages posted, edited or deleted touched."""
        pending = _Pending()
        pending.add(written)
        return await self._follow(pending)

    async def _follow(self, pending: _Pending) -> Recomputed:
        # The new messages of one place: one stretch from the first to the last (a flush
        # holds a second or so of them, a busy spell more).
        stretches = [Stretch(place, first, last) for place, (first, last) in pending.posted.items()]
        found = await self._queries.places_of(pending.changed)
        stretches += [Stretch(place, at, hour_after(at)) for place, at in found.values()]
        return await self.recompute(merged(stretches))

    async def recompute(self, stretches: Iterable[Stretch]) -> Recomputed:
        """Recompute each stretch, reading it in segments, then replace its rows."""
        done = Recomputed()
        computed = [(stretch, *await self._rows(stretch)) for stretch in stretches]
        # Every stretch's rows in one write transaction.
        changed = await self._queries.replace_all([(s, rows) for s, _, rows in computed])
        for (_, read, rows), times in zip(computed, changed, strict=True):
            done.add(read, len(rows), times)
        return done

    async def _rows(self, stretch: Stretch) -> tuple[int, list[InferredRow]]:
        if str(self._store.path) != ":memory:":
            # Read and inferred in a worker thread, on a connection of its own: the
            # bot's connection (and so the gateway's flushes) never waits for it.
            return await asyncio.to_thread(self._rows_in_thread, stretch, self.model)
        queries, model, place = self._queries, self.model, stretch.place
        lead = await queries.before(place, stretch.first_at, 0, LEAD)
        at, message_id = stretch.first_at, 0
        rows: list[InferredRow] = []
        read = 0
        while True:
            part = await queries.stretch(place, at, message_id, stretch.until, SEGMENT)
            if part:
                context = lead + part
                # numpy releases the loop: a segment takes a few hundred milliseconds.
                rows += await asyncio.to_thread(infer_rows, context, len(lead), model)
                read += len(part)
                lead = context[-LEAD:]
                at, message_id = _cursor(part[-1])
            if len(part) < SEGMENT:
                return read, rows

    def _rows_in_thread(self, stretch: Stretch, model: ReplyModel) -> tuple[int, list[InferredRow]]:
        with snapshot_reader(self._store.path) as queries:
            return stretch_rows(queries, stretch, model, SEGMENT)

    async def recompute_guild(
        self, guild_id: int, on_place: Progress | None = None, *, text_erased_before: str = ""
    ) -> Recomputed:
        """Recompute every channel and thread of a guild (``ascolto infer``); the rows of
        messages posted before ``text_erased_before`` whose text is no longer stored stay
        (they were inferred while it was there, or from the export at import)."""
        places = await self._store.inferred.places(guild_id)
        done = Recomputed(changed=set(), places=len(places))
        for number, place in enumerate(places, 1):
            # The whole place: from its first message's time to the end of time.
            done.add(*await self._place(place, text_erased_before))
            if on_place is not None:
                on_place(number, len(places), done.read)
        return done

    async def _place(self, place: Place, keep_before: str) -> tuple[int, int, set[str]]:
        stretch = Stretch(place, "0000", "9999", keep_before)
        read, rows = await self._rows(stretch)
        return read, len(rows), await self._store.inferred.replace(stretch, rows)
