"""A small server's fortnight for the dashboard's tests, written through the real
recorder, store and summary service (tests/store/history.py), then served read-only.

Members: Alice (11) and Bob (12) talk and listen; member 13 is named like an HTML
attack; Dora (14) joined on 03-08 and waits for a welcome; Eve (15) took part and then
opted out; Fred (16) broadcasts. Summaries are stored from 03-02 to 03-08: 03-09 is
"not computed yet". The dashboard's clock says 2026-03-10 12:00 UTC.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.dashboard import DashboardConfig, Rules, create_app
from bot.events import ChannelInfo, GuildInfo, MessageKind, Place, PostedMessage
from bot.settings import DefaultsSettings, PrivacySettings
from bot.summaries import SummaryService
from tests.store.history import GENERAL, GUILD, History, at

ALICE, BOB, XSS, DORA, EVE, FRED = 11, 12, 13, 14, 15, 16
XSS_NAME = "<img src=x onerror=alert(1)>"
NAMES = {
    ALICE: "Alice",
    BOB: "Bob",
    XSS: XSS_NAME,
    DORA: "Dora",
    EVE: "Eve Secret",
    FRED: "Fred",
}
NOW = at("2026-03-10 12:00")
STORED = (date(2026, 3, 2), date(2026, 3, 8))
WAITING_QUESTION = "Does anyone know how to set up the digest?"
EVE_TEXT = "Eve's private thoughts"


class NamedHistory(History):
    """A history whose members have the display names of :data:`NAMES`."""

    def named(self, author: int, when: str, text: str, reply_to: int | None = None) -> int:
        """A message whose author carries their display name."""
        moment = at(when)
        message_id = self._snowflake(moment)
        self.recorder.message_posted(
            PostedMessage(
                message_id=message_id,
                place=Place(GUILD, GENERAL),
                author_id=author,
                author_name=NAMES[author],
                created_at=moment,
                content=text,
                kind=MessageKind.MESSAGE,
                reply_to_message_id=reply_to,
                reply_to_author_id=self.authors.get(reply_to) if reply_to else None,
            )
        )
        self.authors[message_id] = author
        return message_id


async def build(path: Path, *, inferred: bool = False) -> None:
    """Write the fortnight into a new store at ``path``."""
    async with NamedHistory.opened(path) as h:
        channel = ChannelInfo(GENERAL, GUILD, "general", "text")
        h.recorder.guild_available(
            GuildInfo(GUILD, "Test guild", (channel,)), at("2026-03-02 08:00")
        )
        for regular in (ALICE, BOB, XSS, FRED):
            h.recorder.member_joined(GUILD, regular, NAMES[regular], at("2025-06-01 12:00"))
        for day in range(2, 9):
            d = f"2026-03-{day:02d}"
            question = h.named(ALICE, f"{d} 10:00", f"Who is coming on day {day}?")
            answer = h.named(BOB, f"{d} 10:05", "Me, see you there", reply_to=question)
            h.named(XSS, f"{d} 10:10", "<script>alert('x')</script> count me in", reply_to=answer)
            h.react(ALICE, answer, f"{d} 10:20")
        eve = h.named(EVE, "2026-03-05 11:00", EVE_TEXT)
        h.named(ALICE, "2026-03-05 11:05", "Nice one Eve", reply_to=eve)
        h.react(BOB, eve, "2026-03-05 11:06")
        h.recorder.member_joined(GUILD, DORA, NAMES[DORA], at("2026-03-08 09:00"))
        h.named(DORA, "2026-03-08 10:00", "Hi all, I am new here and love jazz")
        for minute in range(6):
            h.named(FRED, f"2026-03-09 09:{minute:02d}", f"Announcement number {minute}")
        h.named(ALICE, "2026-03-09 10:00", WAITING_QUESTION)
        if inferred:
            guess = h.named(BOB, "2026-03-09 11:00", "try the config command")
            await h.store.flush()
            await h.infer(guess, h.named(FRED, "2026-03-09 10:59", "what does config do"))
            await h.inference(True)
        else:
            await h.inference(False)
        await h.store.flush()
        await h.policy.opt_out(GUILD, EVE)
        service = SummaryService(h.store, DefaultsSettings())
        await service.ensure(GUILD, *STORED, "UTC", NOW)


def config(path: Path, **options: object) -> DashboardConfig:
    """The dashboard of ``path`` as the tests see it: its clock at :data:`NOW`, no sleep."""
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    defaults = {
        "rules": Rules(PrivacySettings(), DefaultsSettings()),
        "clock": lambda: NOW,
        "sleep": no_sleep,
        "warm_every": None,  # computed at the first request, as the tests expect
    }
    return DashboardConfig(path, **{**defaults, **options})  # type: ignore[arg-type]


@asynccontextmanager
async def client(
    path: Path, *, password: str | None = None, **options: object
) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """A test client of the dashboard of ``path``."""
    secret = None if password is None else SecretStr(password)
    app = create_app(config(path, password=secret, **options))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


def built(path: Path, **options: bool) -> Path:
    """Build the world at ``path`` (outside any running event loop) and return it."""
    asyncio.run(build(path, **options))
    return path
