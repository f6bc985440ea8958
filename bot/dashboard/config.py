"""What one dashboard serves and how, and the keys its parts find each other by."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from pydantic import SecretStr

from bot.clock import utcnow
from bot.dashboard.auth import Gate, Sleep
from bot.settings import DefaultsSettings, PrivacySettings, Settings

if TYPE_CHECKING:
    from bot.dashboard.data import DashboardData
    from bot.dashboard.people import PeopleData


@dataclass(frozen=True, slots=True)
class Rules:
    """The settings whose rules the pages follow: what text may be shown, for how long,
    and the guilds' defaults (who is a broadcaster, how long an item waits)."""

    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    defaults: DefaultsSettings = field(default_factory=DefaultsSettings)

    @classmethod
    def of(cls, settings: Settings) -> Rules:
        """The rules of loaded settings."""
        return cls(settings.privacy, settings.defaults)


WARM_EVERY = 600.0  # seconds between two looks at the default pages (bot/dashboard/warm.py)


@dataclass(frozen=True, slots=True)
class DashboardConfig:
    """The database, the rules, the password, how often the default pages are computed
    ahead (bot/dashboard/warm.py; None: never), and for tests the clock and the wait
    after a wrong password."""

    database: Path
    rules: Rules = field(default_factory=Rules)
    password: SecretStr | None = None
    clock: Callable[[], datetime] = utcnow
    sleep: Sleep = asyncio.sleep
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    warm_every: float | None = WARM_EVERY


CONFIG = web.AppKey("config", DashboardConfig)
GATE = web.AppKey("gate", Gate)
DATA: web.AppKey[DashboardData] = web.AppKey("data")
PEOPLE: web.AppKey[PeopleData] = web.AppKey("people")
