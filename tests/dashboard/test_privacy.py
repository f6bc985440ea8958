"""Message text on the dashboard follows [privacy]; inferred links are told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dashboard.config import Rules
from bot.settings import DefaultsSettings, PrivacySettings
from tests.dashboard.world import GUILD, WAITING_QUESTION, built, client


async def test_without_store_content_no_text_is_shown(store_path: Path) -> None:
    rules = Rules(PrivacySettings(store_content=False), DefaultsSettings())
    async with client(store_path, rules=rules) as c:
        waiting = await (await c.get(f"/g/{GUILD}/waiting")).text()
        talks = await (await c.get(f"/g/{GUILD}/conversations")).text()

    assert WAITING_QUESTION not in waiting and "(text not kept)" in waiting
    assert "Who is coming" not in talks and "(text not kept)" in talks


async def test_text_older_than_the_retention_is_not_shown(store_path: Path) -> None:
    # 2026-03-09 10:00 is more than a day before the clock's 2026-03-10 12:00.
    rules = Rules(PrivacySettings(content_retention_days=1), DefaultsSettings())
    async with client(store_path, rules=rules) as c:
        waiting = await (await c.get(f"/g/{GUILD}/waiting")).text()

    assert WAITING_QUESTION not in waiting
    assert "<strong>Alice</strong> in #general, 26 hours ago" in waiting


async def test_an_archive_shows_what_waited_at_its_last_message(store_path: Path) -> None:
    from tests.store.history import at

    async with client(store_path, clock=lambda: at("2026-06-01 00:00")) as c:
        html = await (await c.get(f"/g/{GUILD}/waiting")).text()

    assert "This server's last message is from 2026-03-09 10:00 UTC" in html
    assert "<strong>Alice</strong> in #general, 0 minutes ago" in html


@pytest.fixture(scope="module")
def inferred_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("inferred") / "ascolto.db", inferred=True)


async def test_links_made_only_by_inferred_replies_are_counted_and_told_apart(
    inferred_path: Path,
) -> None:
    span = "from=2026-03-02&to=2026-03-09"
    async with client(inferred_path) as c:
        html = await (await c.get(f"/g/{GUILD}/network?{span}")).text()
        svg = await (await c.get(f"/g/{GUILD}/network.svg?{span}")).text()
        graphml = await (await c.get(f"/g/{GUILD}/export/connections.graphml?{span}")).text()

    assert "4 members linked by 2 connections and 1 link made only by inferred replies" in html
    assert "dashed lines for links made only by inferred replies" in html
    assert "stroke-dasharray" in svg  # the inferred link is dashed, not only coloured
    assert 'kind="inferred"' in graphml or ">inferred<" in graphml
