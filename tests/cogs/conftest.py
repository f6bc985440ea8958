"""Fixtures shared by the behaviour tests of the cogs."""

from __future__ import annotations

import pytest

from tests.cogs.world import World


@pytest.fixture
async def world(simcord_env):
    """Ascolto Lab with its manager and members (see ``World``); a module whose guild
    differs builds its own ``world`` with ``World.build``."""
    return World.build(simcord_env)
