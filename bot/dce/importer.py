"""Importing DiscordChatExporter exports: files in a safe order, each read and checked
whole, then written in transactions of about a second; or, for a file much larger than
the store, read in a second process while this one writes it in one transaction, which
a broken file rolls back (see Importer._file_overlapped).

The rules are the live recorder's (``bot/recorder.py``): bots are never stored,
members who opted out and excluded channels are skipped, message text follows
``store_content`` and the retention period, a reply or a message in a thread is a
listening message, and interaction targets are looked up among stored messages.

Beyond the recorder: each file's stretch of time is stored with what its exporter
recorded (``channel_sources``; bot/dce/reader.py decides), so that an old export's
missing replies read as unknown, not as nobody replying; and members who only react or
are mentioned keep the name the export gives them.
"""

from __future__ import annotations

import multiprocessing
import re
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from bot.clock import to_db_time, utcnow
from bot.dce.format import Header
from bot.dce.reader import ExportError, ExportFile, Reading, messages
from bot.dce.report import FileTally, ImportReport
from bot.dce.rows import RowRules
from bot.dce.scoring import ImportScoring, fork_context
from bot.dce.staging import Staged
from bot.inferred import hour_after
from bot.policy import redact_mentions
from bot.settings import PrivacySettings
from bot.store.imports import Batch, ImportWriter

BATCH_MESSAGES = 2000
# A file's batches are moved in transactions that take another batch only while the
# last one's time says it would end within this long (the bot's writes wait for them;
# issue 14 allows 2 s). Ending after the batch that went past 1 s gave up to 2.2 s on
# a loaded machine, where a batch can take most of a second.
CHUNK_SECONDS = 1.5
# A file of at least this many batches has its replies scored in a second process while
# this one writes (scoring is Python work on messages already read: two cores do it
# beside the writes); a smaller one is scored in line, as it is written.
PARALLEL_BATCHES = 5
# A file this large, with at least BULK_SHARE times as many messages as the store holds
# (a history imported into a new or small store), is moved in one transaction without
# the random-order indexes, rebuilt at its end (ImportWriter.bulk): several times faster
# than keeping them, and the store it holds up for that long has little to write yet.
# Into a larger store the indexes are kept and the file moves in short transactions.
BULK_BYTES = 64 * 1024 * 1024
BULK_SHARE = 4
# A file that goes in bulk whatever its messages turn out to be is read in a second
# process while this one writes what it has read (see _file_overlapped): its size,
# divided by this many bytes (more than an exported message takes; the synthetic one
# takes 1,436), is at least BULK_SHARE times the messages stored.
OVERLAP_MESSAGE_BYTES = 4096
_PART = re.compile(r"\[part (\d+)\]")

# Called with the messages read so far and the bytes read so far, of all the files:
# after each batch and each file, the last time with the total size of the files.
Progress = Callable[[int, int], None]


class _Keeper(Protocol):
    """Where _read puts each batch: staged for later, or sent to the writing process."""

    def put(self, batch: Batch, moments: list[datetime], texts: dict[int, str]) -> None: ...


class _Sender:
    """In the reading process: each batch sent to the writing one as soon as it is
    built (the pipe holds little: reading waits for writing to catch up)."""

    def __init__(self, pipe: Connection) -> None:
        self._pipe = pipe

    def put(self, batch: Batch, moments: list[datetime], texts: dict[int, str]) -> None:
        self._pipe.send(("batch", batch, moments, texts))

    def progress(self, read: int, bytes_read: int) -> None:
        self._pipe.send(("progress", read, bytes_read))


def import_order(exports: list[ExportFile]) -> list[ExportFile]:
    """Channels before threads (a thread's owner may be its parent's message), and the
    parts of a partitioned export in order."""

    def key(export: ExportFile) -> tuple[int, int, int, str]:
        part = _PART.search(export.path.name)
        return (
            export.header.thread_id is not None,
            export.header.where_id,
            int(part.group(1)) if part else 0,
            export.path.name,
        )

    return sorted(exports, key=key)


def _shifted(progress: Progress | None, messages: int, done_bytes: int) -> Progress | None:
    """``progress`` for one file: its counts added to those of the files before it."""
    if progress is None:
        return None
    return lambda read, bytes_read: progress(messages + read, done_bytes + bytes_read)


class Importer:
    """Imports files into one database; keeps going past a broken file."""

    def __init__(self, database: Path, privacy: PrivacySettings, *, infer: bool = True) -> None:
        self._writer = ImportWriter(database)
        self._infer = infer
        # Consent is read again inside each file's transaction (see run): an opt-out or an
        # exclusion committed while the import runs holds for every file after it.
        self._rules = RowRules(privacy)
        self._excluded: set[tuple[int, int]] = set()
        self._scoring = ImportScoring(self._writer)

    def close(self) -> None:
        """Close the database connection, and stop the scoring process if it started."""
        self._scoring.close()
        self._writer.close()

    def run(self, exports: list[ExportFile], progress: Progress | None = None) -> ImportReport:
        """Import every file; a broken one leaves nothing and is reported, the rest go
        on."""
        report = ImportReport()
        interactions_before = self._writer.count("interactions")
        done_bytes = 0
        for export in import_order(exports):
            try:
                self._file(export, report, _shifted(progress, report.read, done_bytes))
            except ExportError as exc:
                report.failed.append(str(exc))
            else:
                report.files += 1
            done_bytes += export.size
            if progress is not None:
                progress(report.read, done_bytes)
        report.interactions = self._writer.count("interactions") - interactions_before
        report.longest_write = self._writer.longest_hold
        report.transactions = self._writer.transactions
        return report

    def _in_bulk(self, export: ExportFile, staged: Staged) -> bool:
        """Whether to move the file in bulk (see BULK_BYTES)."""
        if export.size < BULK_BYTES:
            return False
        return staged.messages >= BULK_SHARE * self._writer.count("messages")

    def _file(self, export: ExportFile, report: ImportReport, progress: Progress | None) -> None:
        """One file, in two steps: read and check it whole, its rows kept aside (a broken
        file stops there, before anything is written), then move them into the store in
        short transactions (see _move); ``progress`` takes the messages and bytes of this
        file."""
        # Consent as it stands before reading; read again in each transaction (_move).
        self._rules.opted_out, self._excluded = self._writer.consent()
        header = self._with_parent(export)
        # Counts are kept apart until the file is in: a broken file adds nothing.
        tally = FileTally(export=export, header=header)
        if self._overlapped(export):
            self._file_overlapped(tally, progress)
            report.add(tally)
            return
        reading = Reading()
        with Staged() as staged:
            self._read(tally, reading, staged, progress)
            self._move(tally, reading, staged)
        report.add(tally)

    def _overlapped(self, export: ExportFile) -> bool:
        """Whether the file goes in bulk whatever it holds, and so is read while it is
        written (see OVERLAP_MESSAGE_BYTES)."""
        if export.size < BULK_BYTES or fork_context() is None:
            return False
        stored = self._writer.count("messages")
        return export.size >= BULK_SHARE * stored * OVERLAP_MESSAGE_BYTES

    def _file_overlapped(self, tally: FileTally, progress: Progress | None) -> None:
        """A file moved in bulk, in one transaction, read in a second process while this
        one writes the batches it sends (two cores, each doing half of the work). The
        transaction is the guarantee the other path gets from reading first: a broken
        file rolls back whatever of it was written. Consent is read under the
        transaction's lock before reading starts, and holds for the whole file."""
        header = tally.header
        with self._writer.file(), self._writer.bulk(header.guild_id):
            self._consent_again(tally)
            self._place(header)
            with self._reader(tally, progress is not None) as pipe:
                reading = self._take(tally, pipe, progress)
            self._finish(tally, reading)

    @contextmanager
    def _reader(self, tally: FileTally, progress: bool) -> Iterator[Connection]:
        """The reading process (a fork: it reads with this one's consent and settings),
        and the end of its pipe that receives."""
        receiving, sending = multiprocessing.Pipe(duplex=False)
        reader = fork_context().Process(
            target=self._read_and_send, args=(tally, sending, progress), daemon=True
        )
        reader.start()
        sending.close()
        try:
            yield receiving
        finally:
            receiving.close()  # a reader still sending stops at its next batch
            reader.join(timeout=5)
            if reader.is_alive():
                reader.terminate()
                reader.join()

    def _read_and_send(self, tally: FileTally, pipe: Connection, progress: bool) -> None:
        """In the reading process: read the file, sending its batches, then what was
        learnt reading it, or why it cannot be imported (with the bots seen so far,
        which the files after it leave out as the other path does)."""
        sender = _Sender(pipe)
        reading = Reading()
        try:
            self._read(tally, reading, sender, sender.progress if progress else None)
            flags = (reading.replies, reading.mentions, reading.reactions)
            pipe.send(("end", tally.read, tally.skipped, flags, self._rules.bots))
        except ExportError as exc:
            pipe.send(("error", str(exc), self._rules.bots))
        except BrokenPipeError:
            pass  # the writing process gave up on the file
        except BaseException:
            pipe.send(("crash", traceback.format_exc(), self._rules.bots))
        finally:
            pipe.close()

    def _take(self, tally: FileTally, pipe: Connection, progress: Progress | None) -> Reading:
        """Write the batches the reading process sends, as they come; returns what it
        learnt of the file."""
        received = 0
        while True:
            try:
                sent = pipe.recv()
            except EOFError:
                raise RuntimeError(f"the process reading {tally.export.path} ended") from None
            kind = sent[0]
            if kind == "batch":
                tally.batch, tally.moments, texts = sent[1], sent[2], sent[3]
                received += 1
                tally.parallel = self._infer and received >= PARALLEL_BATCHES
                if tally.stopped:  # excluded just before the transaction began
                    tally.skipped += len(tally.batch)
                    continue
                self._forget(tally)
                tally.texts.update(texts)
                self._write(tally)
            elif kind == "progress":
                if progress is not None:
                    progress(sent[1], sent[2])
            elif kind == "end":
                tally.read, tally.skipped = sent[1], tally.skipped + sent[2]
                self._rules.bots |= sent[4]
                reading = Reading()
                reading.replies, reading.mentions, reading.reactions = sent[3]
                return reading
            else:
                self._rules.bots |= sent[2]
                if kind == "error":
                    raise ExportError(sent[1])
                raise RuntimeError(f"reading {tally.export.path} failed:\n{sent[1]}")

    def _read(
        self,
        tally: FileTally,
        reading: Reading,
        staged: _Keeper,
        progress: Progress | None,
    ) -> None:
        """Read the whole file into ``staged``, batch by batch: rows built by the rules of
        the consent read before (a change since is applied as they move, see _move)."""
        header = tally.header
        excluded = {(header.guild_id, header.channel_id), (header.guild_id, header.where_id)}
        channel_excluded = bool(excluded & self._excluded)
        batch, moments, texts = Batch(), [], {}
        for message in messages(tally.export, reading):
            tally.read += 1
            if message.author.is_bot:
                self._rules.bots.add(message.author.user_id)
            if channel_excluded or not self._rules.logged(header, message):
                tally.skipped += 1
                continue
            self._rules.add(batch, header, message)
            moments.append(message.created_at)
            if self._infer:
                texts[message.message_id] = message.content
            if len(batch) >= BATCH_MESSAGES:
                staged.put(batch, moments, texts)
                batch, moments, texts = Batch(), [], {}
                if progress is not None:
                    progress(tally.read, reading.bytes_read)
        if len(batch):
            staged.put(batch, moments, texts)

    def _move(self, tally: FileTally, reading: Reading, staged: Staged) -> None:
        """Write a file read whole, in transactions of whole batches that each end before
        they would hold the write lock past ``CHUNK_SECONDS``, so that the bot's writes
        never wait long behind an import (a commit costs a write of every page the
        transaction changed: fewer, longer transactions are faster). Each one reads
        consent again under its lock: an opt-out or an exclusion committed meanwhile
        holds for every batch after it (and the schema's guards drop whatever slips
        by). A crash in between leaves the batches moved so far, which importing the
        file again completes (what is stored already is known, not added twice)."""
        parts = iter(staged)
        left = staged.batches
        tally.parallel = self._infer and left >= PARALLEL_BATCHES
        bulk = self._in_bulk(tally.export, staged)
        first = True
        while first or left:
            indexes = self._writer.bulk(tally.header.guild_id) if bulk else nullcontext()
            with self._writer.file(), indexes:
                began = time.perf_counter()
                self._consent_again(tally)
                if first:
                    self._place(tally.header)
                    first = False
                while left:
                    batch_began = time.perf_counter()
                    tally.batch, tally.moments, texts = next(parts)
                    left -= 1
                    if tally.stopped:
                        tally.skipped += len(tally.batch)
                    else:
                        self._forget(tally)
                        tally.texts.update(texts)
                        self._write(tally)
                    now = time.perf_counter()
                    # The commit holds the lock too: as long as the last one, expected.
                    ahead = now - batch_began + self._writer.last_commit
                    if not bulk and now - began + ahead >= CHUNK_SECONDS:
                        break  # another batch like this one would go past the bound
                if not left:
                    self._finish(tally, reading)

    def _consent_again(self, tally: FileTally) -> None:
        """Read consent under this transaction's lock; what changed since the file was
        read applies to the batches still to move."""
        opted_out, excluded = self._writer.consent()
        header = tally.header
        guild_id = header.guild_id
        places = {(guild_id, header.channel_id), (guild_id, header.where_id)}
        if places & (excluded - self._excluded):
            tally.stopped = True  # excluded while the import ran: no more of it
        tally.forget |= {
            user_id for g, user_id in opted_out - self._rules.opted_out if g == guild_id
        }
        self._rules.opted_out, self._excluded = opted_out, excluded

    def _forget(self, tally: FileTally) -> None:
        """Leave out of the batch what members who opted out since the file was read
        would have been left out of: their messages (skipped), reactions and mentions,
        and their mentions in the text of others."""
        forget, batch = tally.forget, tally.batch
        if not forget:
            return
        theirs = {row["message_id"] for row in batch.messages if row["author_id"] in forget}
        if theirs:
            keep = [row["message_id"] not in theirs for row in batch.messages]
            tally.moments = [m for m, kept in zip(tally.moments, keep, strict=True) if kept]
            tally.skipped += len(theirs)
            batch.drop(theirs, set())
        batch.mentions = [row for row in batch.mentions if row["user_id"] not in forget]
        batch.reactions = [row for row in batch.reactions if row["user_id"] not in forget]
        for user_id in forget & batch.names.keys():
            del batch.names[user_id], batch.named_in[user_id]
        for row in batch.messages:
            if row["content"]:
                for user_id in forget:
                    row["content"] = redact_mentions(row["content"], user_id)

    def _place(self, header: Header) -> None:
        """The guild and the channel (or thread) the file is about."""
        self._writer.place(
            {"guild_id": header.guild_id, "name": header.guild_name, "at": to_db_time(utcnow())},
            {
                "channel_id": header.where_id,
                "guild_id": header.guild_id,
                "name": header.channel_name,
                "kind": header.channel_kind,
                "parent_id": header.parent_id,
                "owner_id": None,
                "created_at": None,
            },
        )

    def _finish(self, tally: FileTally, reading: Reading) -> None:
        """After the file's last batch: the inference its last messages need, and the
        stretch the file covers with what its exporter recorded."""
        header = tally.header
        self._scoring.settle(tally, 0)
        if self._infer and header.guild_id in tally.spans:
            # The messages stored just after the file's may answer its last ones.
            last = tally.spans[header.guild_id][1] + timedelta(milliseconds=1)
            tally.inferred += self._scoring.in_line(tally, last, hour_after(to_db_time(last)))
        for guild_id, (first, last) in tally.spans.items():
            self._writer.observed_since(guild_id, to_db_time(first))
            # The stretch of the messages stored from this file, and what it recorded.
            self._writer.source(
                {
                    "guild_id": guild_id,
                    "channel_id": header.where_id,
                    "first_at": to_db_time(first),
                    "last_at": to_db_time(last),
                    "reply_data": int(reading.replies),
                    "mention_data": int(reading.mentions),
                    "reaction_data": int(reading.reactions),
                }
            )

    def _write(self, tally: FileTally) -> None:
        """Write the file's batch, less the messages whose id is stored already
        elsewhere: the same id cannot be two messages, so what the file says of it (its
        author, reactions, mentions, replies to it) is not merged into the stored one."""
        batch, header = tally.batch, tally.header
        found = self._writer.stored_elsewhere(batch.messages)
        if found and tally.first_conflict is None:
            message_id, stored = next(iter(found.items()))
            tally.first_conflict = (
                f"message {message_id} of {tally.export.path} (channel {header.where_id}) is "
                f"stored already in channel {stored.where_id}"
                + (f" of server {stored.guild_id}" if stored.guild_id != header.guild_id else "")
                + f", written by member {stored.author_id}"
            )
        kept = [
            (row["author_id"], moment)
            for row, moment in zip(batch.messages, tally.moments, strict=True)
            if row["message_id"] not in found
        ]
        tally.conflicting |= found.keys()
        if tally.conflicting:
            batch.drop(set(found), tally.conflicting)
        tally.conflicts += len(found)
        tally.members.update((header.guild_id, author_id) for author_id, _ in kept)
        if kept:
            first = min(moment for _, moment in kept)
            last = max(moment for _, moment in kept)
            tally.cover(header.guild_id, first)
            tally.cover(header.guild_id, last)
        tally.new += self._writer.write(batch)
        tally.batch, tally.moments = Batch(), []
        if self._infer and kept:
            self._scoring.stretch(tally, first, to_db_time(last))

    def _with_parent(self, export: ExportFile) -> Header:
        """The file's header, with a thread's parent channel taken from the store when
        the file does not give it (no ``categoryId``): an excluded channel's threads
        must stay out whatever the file says."""
        header = export.header
        if header.thread_id is None or header.channel_id != header.thread_id:
            return header
        parent = self._writer.parent_of(header.thread_id)
        if parent is not None:
            return replace(header, channel_id=parent, parent_id=parent)
        if any(guild_id == header.guild_id for guild_id, _ in self._excluded):
            raise ExportError(
                f"{export.path}: thread {header.thread_id} does not say which channel it "
                "belongs to and Ascolto has not seen it; this server excludes channels, so "
                "it is not imported (export it again with a newer DiscordChatExporter)"
            )
        return header
