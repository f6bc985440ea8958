"""What an import did: the counts of the whole run (:class:`ImportReport`, for its closing
summary) and of one file while it moves into the store (:class:`FileTally`)."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from bot.dce.format import Header
from bot.dce.reader import ExportFile
from bot.store.imports import Batch
from bot.store.inferred import InferredRow, Stretch


@dataclass(slots=True)
class ImportReport:
    """What an import did, for its closing summary."""

    files: int = 0
    failed: list[str] = field(default_factory=list)
    read: int = 0  # messages read from the files (bots and skipped members included)
    new: int = 0  # messages stored for the first time
    skipped: int = 0  # by bots, by members who opted out, or in excluded channels
    members: set[tuple[int, int]] = field(default_factory=set)
    interactions: int = 0
    inferred: int = 0  # replies inferred from the flow of conversation, written
    # Per guild, the oldest and newest message imported: the days to summarise again.
    spans: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    # Messages whose id is stored already elsewhere (another channel, thread, server or
    # author): not imported, with what they carried; the first one, described.
    conflicts: int = 0
    first_conflict: str | None = None
    # The longest write transaction (seconds), and how many there were: how long the
    # bot's writes may have waited behind the import.
    longest_write: float = 0.0
    transactions: int = 0

    @property
    def known(self) -> int:
        """Messages that were already stored (an earlier import, or the live bot)."""
        return self.read - self.skipped - self.new - self.conflicts

    def cover(self, guild_id: int, moment: datetime) -> None:
        """Widen the guild's span to ``moment``."""
        first, last = self.spans.get(guild_id, (moment, moment))
        self.spans[guild_id] = (min(first, moment), max(last, moment))

    def add(self, other: ImportReport) -> None:
        """Add the counts of a file that committed."""
        self.read += other.read
        self.new += other.new
        self.skipped += other.skipped
        self.members |= other.members
        self.inferred += other.inferred
        self.conflicts += other.conflicts
        self.first_conflict = self.first_conflict or other.first_conflict
        for guild_id, (first, last) in other.spans.items():
            self.cover(guild_id, first)
            self.cover(guild_id, last)


@dataclass(slots=True, kw_only=True)
class FileTally(ImportReport):
    """One file's counts, kept apart until the file commits, and the batch being filled
    with the times of its messages."""

    export: ExportFile
    header: Header
    batch: Batch = field(default_factory=Batch)
    moments: list[datetime] = field(default_factory=list)
    conflicting: set[int] = field(default_factory=set)  # ids of this file's conflicts
    # The text of the file's latest messages, by id, for inference (see _inferred).
    texts: dict[int, str] = field(default_factory=dict)
    # Consent changed while the file moved: its channel excluded (the rest is not
    # written), members who opted out (left out of the rest).
    stopped: bool = False
    forget: set[int] = field(default_factory=set)
    # Stretches read for inference and being scored in the second process, in order;
    # their rows are written in the same order (see Importer._settle).
    parallel: bool = False
    scoring: deque[tuple[Stretch, list[Future[list[InferredRow]]]]] = field(default_factory=deque)
