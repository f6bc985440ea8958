"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.store.history import History


@pytest.fixture
async def history(tmp_path: Path) -> AsyncIterator[History]:
    """An empty store in a file, with the recorder that writes the histories."""
    async with History.opened(tmp_path / "history.db") as built:
        yield built
