"""The live reply-inference service: what the flushes wrote is inferred, however busy."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.inferred import InferenceService
from tests.helpers import query
from tests.store.history import GUILD, History

ALICE, BOB, CAROL = 1, 2, 3
ROWS = "SELECT message_id, target_message_id FROM inferred_replies ORDER BY message_id"


async def test_what_a_flush_writes_while_a_pass_is_under_way_is_taken_and_inferred(
    tmp_path: Path,
) -> None:
    async with History.opened(tmp_path / "busy.db") as history:
        store = history.store
        service = InferenceService(store)
        history.post(ALICE, "2026-03-02 10:00", "morning everyone")
        history.post(BOB, "2026-03-02 10:01", "hey")
        history.post(CAROL, "2026-03-02 10:02", "hi all, coffee time")
        question = history.post(ALICE, "2026-03-02 10:08", "how do I restart the printer?")
        await store.flush()
        service.wake()  # a pass starts for what that flush wrote
        answer = history.post(BOB, "2026-03-02 10:08:30", "member 1, try the switch on the back")
        await store.flush()  # the pass waits for this flush, so it is still under way

        service.wake()

        # Taken at once (the batcher drops what nobody takes for long), then inferred
        # by the pass under way when it is done.
        assert store.batcher.take_written() == []
        await service.idle()
        live = query(store.path, ROWS)
        assert (answer, question) in live
        # The same rows as recomputing the whole guild.
        await service.recompute_guild(GUILD)
        assert query(store.path, ROWS) == live


async def test_a_pass_reads_what_is_written_and_leaves_the_gateways_queue_alone(
    tmp_path: Path,
) -> None:
    async with History.opened(tmp_path / "queue.db") as history:
        store = history.store
        service = InferenceService(store)
        question = history.post(ALICE, "2026-03-02 10:08", "how do I restart the printer?")
        answer = history.post(BOB, "2026-03-02 10:08:30", "member 1, try the switch on the back")
        await store.flush()
        service.wake()
        history.post(CAROL, "2026-03-02 10:09", "hi all, coffee time")
        queued = store.batcher.pending

        await service.idle()

        # The pass did not flush the message queued after it began: the gateway's
        # batches stay whole. It is inferred once a flush has written it.
        assert store.batcher.pending == queued > 0
        assert query(store.path, ROWS) == [(answer, question)]
        await service.settle()
        assert store.batcher.pending == 0


async def test_passes_come_at_most_one_an_interval_and_idle_starts_a_waiting_one(
    tmp_path: Path,
) -> None:
    async with History.opened(tmp_path / "interval.db") as history:
        store = history.store
        service = InferenceService(store, interval=3600.0)
        history.post(ALICE, "2026-03-02 10:00", "morning everyone")
        await store.flush()
        service.wake()  # the first pass starts at once
        await service.idle()
        question = history.post(ALICE, "2026-03-02 10:08", "how do I restart the printer?")
        answer = history.post(BOB, "2026-03-02 10:08:30", "member 1, try the switch on the back")
        await store.flush()

        service.wake()  # the next one waits for the interval...
        for _ in range(20):
            await asyncio.sleep(0)
        assert query(store.path, ROWS) == []

        await service.idle()  # ...unless someone waits for it
        assert query(store.path, ROWS) == [(answer, question)]
