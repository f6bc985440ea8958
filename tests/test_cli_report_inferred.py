"""``ascolto report`` with inferred replies: the five fields in JSON, their columns in
the table when a day had some, and the note on channels whose export had no replies."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot import clock
from bot.cli.report import inferred_only_note
from bot.events import GuildInfo
from tests.helpers import run_cli
from tests.store.history import GUILD, History, at

A, B, C = 11, 12, 13
NOW = at("2026-03-05 12:00")


async def _build(path: Path) -> None:
    """03-02: a question answered without Reply (inferred) and a reply; 03-03: explicit only."""
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        question = history.post(A, "2026-03-02 10:00", "Anyone know a good bakery?")
        answer = history.post(B, "2026-03-02 10:05", "the one on Main St")
        history.post(C, "2026-03-02 10:06", "+1", reply_to=answer)
        morning = history.post(A, "2026-03-03 09:00", "Morning")
        history.post(B, "2026-03-03 09:01", "hi", reply_to=morning)
        await history.infer(answer, question)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    asyncio.run(_build(path))
    return path


def report(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    code, out, err = run_cli(capsys, "report", "--db", str(db), *argv)
    assert (code, err) == (0, "")
    return out


def test_report_json_carries_both_figures_under_their_names(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    [day] = json.loads(report(capsys, db, "--day", "2026-03-02", "--json"))

    assert (day["replies"], day["listening_ratio"], day["questions_answered"]) == (1, 0.333, 0)
    assert day["inferred_replies"] == 1
    assert day["listening_ratio_inferred"] == 0.667
    assert (day["questions_answered_inferred"], day["response_rate_inferred"]) == (1, 1.0)
    assert (day["new_connections"], day["new_connections_inferred"]) == (1, 2)


def test_the_table_shows_the_inferred_figures_when_a_day_had_some(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    both = report(capsys, db, "--from", "2026-03-02", "--to", "2026-03-03")
    explicit = report(capsys, db, "--day", "2026-03-03")

    header, first, second = both.splitlines()
    assert "inferred replies" in header and "listening (inferred)" in header
    assert first.split()[-4:] == ["1", "66.7%", "1/1", "2"]
    assert second.split()[-4:] == ["0", "50.0%", "0/0", "0"]
    assert "inferred" not in explicit


def test_the_note_on_channels_without_reply_data_agrees_in_number() -> None:
    one = inferred_only_note(["#general"])
    two = inferred_only_note(["#general", "#random"])
    many = inferred_only_note([f"#c{n}" for n in range(7)])

    assert one.startswith("#general was imported from an export that recorded no replies: all its")
    assert two.startswith("#general, #random were imported from exports that recorded no replies")
    assert "all their listening is inferred from the flow of conversation" in two
    assert many.startswith("#c0, #c1, #c2, #c3, #c4 and 2 more were imported")
