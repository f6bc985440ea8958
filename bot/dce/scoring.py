"""Reply inference for what an import writes: for each stretch of a file just written,
in line, or, for a large file, in a second process while the import goes on."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from bot.clock import to_db_time
from bot.dce.report import FileTally
from bot.inference.infer import default_model
from bot.inferred import IMPORT_SEGMENT, LEAD, infer_rows, recompute_in_import
from bot.store.imports import ImportWriter
from bot.store.inferred import ContextRow, InferredRow, Place, Stretch, context_message


def fork_context() -> Any:
    """The fork start method, or None where the system has none."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _scores(rows: list[ContextRow], first: int) -> list[InferredRow]:
    """In the scoring process: the rows of ``rows[first:]`` (see infer_rows), the
    messages built here from the plain rows read (cheaper to send than messages)."""
    return infer_rows([context_message(row) for row in rows], first, default_model())


class ImportScoring:
    """The inference of an import's stretches, written with the import's writer."""

    def __init__(self, writer: ImportWriter) -> None:
        self._writer = writer
        self._scorer: ProcessPoolExecutor | None = None  # started for the first large file

    def close(self) -> None:
        """Stop the scoring process if it started."""
        if self._scorer is not None:
            self._scorer.shutdown(cancel_futures=True)
            self._scorer = None

    def stretch(self, tally: FileTally, first: datetime, until: str) -> None:
        """Infer replies for a stretch of the file just written: in line, or for a large
        file read now and scored in the second process, its rows written once the next
        stretch has been read (what each stretch reads is what it would read in line:
        the messages stored up to it, no later ones)."""
        if not tally.parallel:
            tally.inferred += self.in_line(tally, first, until)
            return
        if self._scorer is None:
            self._scorer = ProcessPoolExecutor(max_workers=1, mp_context=fork_context())
        header = tally.header
        place = Place(header.guild_id, header.where_id, header.thread_id is not None)
        stretch = Stretch(place, to_db_time(first), until)
        queries, texts = self._writer.inferred(), tally.texts
        # As recompute_in_import reads it: segments, each after the messages before it.
        lead = queries.rows_before(place, stretch.first_at, 0, LEAD, texts)
        at, message_id = stretch.first_at, 0
        scored = []
        while True:
            part = queries.rows_from(place, at, message_id, stretch.until, IMPORT_SEGMENT, texts)
            if part:
                context = lead + part
                scored.append(self._scorer.submit(_scores, context, len(lead)))
                lead = context[-LEAD:]
                # After the last one, as _cursor (bot/inferred.py) goes on from it.
                at, message_id = part[-1][3], int(part[-1][0]) + 1
            if len(part) < IMPORT_SEGMENT:
                break
        tally.scoring.append((stretch, scored))
        while len(texts) > LEAD:
            del texts[next(iter(texts))]
        self.settle(tally, 1)

    def settle(self, tally: FileTally, keep: int) -> None:
        """Write the rows of the stretches scored in the second process, oldest first,
        until ``keep`` are left being scored."""
        while len(tally.scoring) > keep:
            stretch, scored = tally.scoring.popleft()
            rows = [row for future in scored for row in future.result()]
            self._writer.inferred().replace(stretch, rows)
            tally.inferred += len(rows)

    def in_line(self, tally: FileTally, first: datetime, until: str) -> int:
        """Infer replies for a stretch of the file's channel or thread, in the file's
        transaction, with the messages stored before it as context, reading the text of
        the file's messages from the file (what is past the retention period is not
        stored, yet it says who answers whom); returns the rows written."""
        header = tally.header
        place = Place(header.guild_id, header.where_id, header.thread_id is not None)
        stretch = Stretch(place, to_db_time(first), until)
        _, rows = recompute_in_import(self._writer.inferred(), stretch, texts=tally.texts)
        # Only the messages that the next stretches read as context keep their text.
        while len(tally.texts) > LEAD:
            del tally.texts[next(iter(tally.texts))]
        return rows
