"""The Waiting page's query lists what /unanswered lists (bot/store/alerts.py), of the
members who did not opt out, with each kind counted whatever is listed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.store.readonly import ReadOnlyStore
from tests.dashboard.world import GUILD, NOW


async def test_the_listed_items_are_the_unanswered_ones_oldest_first(store_path: Path) -> None:
    store = ReadOnlyStore(store_path)
    await store.open()
    kinds: set[str] = set()
    try:
        # Now (a question and a newcomer wait) and before the question was asked.
        for now in (NOW, NOW - timedelta(days=1, hours=12)):
            expected = await store.alerts.unanswered(GUILD, now, 7)
            kinds |= {e.kind for e in expected}
            items, counts = await store.dashboard.waiting(GUILD, now, 7, listed=100)
            assert [(i.kind, i.message_id) for i in items] == [
                (e.kind, e.message_id) for e in expected
            ]
            for kind in ("question", "newcomer"):
                assert counts.get(kind, 0) == sum(e.kind == kind for e in expected)
            oldest, counted = await store.dashboard.waiting(GUILD, now, 7, listed=1)
            for kind in ("question", "newcomer"):
                of_kind = [e.message_id for e in expected if e.kind == kind]
                assert [i.message_id for i in oldest if i.kind == kind] == of_kind[:1]
            assert counted == counts
    finally:
        await store.close()

    assert kinds == {"question", "newcomer"}, "the world must have both kinds waiting"
