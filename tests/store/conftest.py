"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.store.history import History


@pytest.fixture
async def history(tmp_path: Path) -> AsyncIterator[History]:
    """An empty store in a file, with the recorder that writes the histories."""
    store = Store(tmp_path / "history.db")
    await store.open()
    built = History(store)
    await built.policy.load()
    try:
        yield built
    finally:
        await store.close()
