"""Fixtures of the dashboard's tests: the small world, built once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.world import built


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world's store (the dashboard cannot change it, so tests share it)."""
    return built(tmp_path_factory.mktemp("dashboard") / "ascolto.db")
