"""Where a file's rows wait between reading it whole and moving them into the store."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType

from bot.store.imports import Batch

# A file's rows wait here, between reading it whole and moving them: in memory up to
# this size, on disk beyond (a file of a million messages stages about 310 MB).
STAGED_IN_MEMORY = 16 * 1024 * 1024


class Staged:
    """The batches of a file read whole, in order, until they are moved into the store."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by __exit__)
            max_size=STAGED_IN_MEMORY, prefix="ascolto-import-"
        )
        self.batches = 0
        self.messages = 0

    def __enter__(self) -> Staged:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._file.close()

    def put(self, batch: Batch, moments: list[datetime], texts: dict[int, str]) -> None:
        """Keep one batch (one pickle: rows shared between its lists stay shared)."""
        pickle.dump((batch, moments, texts), self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1
        self.messages += len(batch)

    def __iter__(self) -> Iterator[tuple[Batch, list[datetime], dict[int, str]]]:
        self._file.seek(0)
        for _ in range(self.batches):
            yield pickle.load(self._file)  # our own file, written just before
