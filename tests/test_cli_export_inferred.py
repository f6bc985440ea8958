"""``ascolto export`` of inferred replies: their own kind (CSV, JSON) and their own edges
in GraphML, on a small history with inferred reply rows written by hand."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from bot import clock
from bot.events import GuildInfo
from tests.helpers import run_cli
from tests.store.history import GUILD, History, at

A, B, C = 11, 12, 13
NOW = at("2026-03-05 12:00")
COLUMNS = [
    "message_id",
    "guild_id",
    "channel_id",
    "source_id",
    "target_message_id",
    "target_id",
    "score",
    "model_version",
    "created_at",
]


async def _build(path: Path) -> dict[str, int]:
    """A asks on 03-02 and 03-03; B answers both without Reply (inferred), C replies to the
    second with Reply; a deleted answer of C's was inferred too."""
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        first = history.post(A, "2026-03-02 10:00", "Anyone know a good bakery?")
        answer = history.post(B, "2026-03-02 10:05", "the one on Main St")
        gone = history.post(C, "2026-03-02 10:06", "try the market")
        second = history.post(A, "2026-03-03 09:00", "And a florist?")
        history.post(C, "2026-03-03 09:30", "Rosa's", reply_to=second)
        again = history.post(B, "2026-03-03 09:31", "Rosa's, yes")
        await history.infer(answer, first, 0.91)
        await history.infer(gone, first)
        await history.infer(again, second, 0.875)
        history.delete(gone, "2026-03-02 11:00")
        await history.store.flush()
        return {"first": first, "answer": answer, "second": second, "again": again}


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "a.db"
    return path, asyncio.run(_build(path))


def export(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    code, out, err = run_cli(capsys, "export", "--db", str(db), "--guild", str(GUILD), *argv)
    assert (code, err) == (0, "")
    return out


def test_inferred_replies_export_as_csv_with_the_tables_names(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, dict[str, int]]
) -> None:
    db, ids = built

    rows = list(
        csv.DictReader(io.StringIO(export(capsys, db, "inferred_replies", "--format", "csv")))
    )

    assert list(rows[0]) == COLUMNS
    assert [(int(r["message_id"]), int(r["target_message_id"])) for r in rows] == [
        (ids["answer"], ids["first"]),
        (ids["again"], ids["second"]),
    ]  # the deleted answer is in no export
    assert (rows[0]["source_id"], rows[0]["target_id"], rows[0]["score"]) == (
        str(B),
        str(A),
        "0.91",
    )
    assert rows[0]["created_at"] == "2026-03-02T10:05:00.000Z"


def test_inferred_replies_export_as_json_for_a_range(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, dict[str, int]]
) -> None:
    db, ids = built

    out = export(
        capsys,
        db,
        "inferred_replies",
        "--format",
        "json",
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-03",
    )

    [record] = json.loads(out)
    assert list(record) == COLUMNS
    assert (record["message_id"], record["target_id"], record["score"]) == (ids["again"], A, 0.875)
    assert record["model_version"] == "test"


def test_inferred_replies_are_not_graphml(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, dict[str, int]]
) -> None:
    db, _ = built

    code, out, err = run_cli(
        capsys, "export", "--db", str(db), "inferred_replies", "--format", "graphml"
    )

    assert (code, out) == (2, "")
    assert "inferred_replies cannot be exported as graphml, only as csv or json" in err


def test_graphml_holds_inferred_edges_as_their_own_kind(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, dict[str, int]]
) -> None:
    db, _ = built

    graph = nx.read_graphml(
        io.BytesIO(export(capsys, db, "connections", "--format", "graphml").encode())
    )

    edges = [(u, v, data) for u, v, data in graph.edges(data=True)]
    inferred = [(u, v, d) for u, v, d in edges if d.get("kind") == "inferred"]
    explicit = [(u, v) for u, v, d in edges if d.get("kind") != "inferred"]
    assert [(u, v, d["inferred_replies"]) for u, v, d in inferred] == [(str(B), str(A), 2)]
    assert inferred[0][2]["first_at"] == "2026-03-02T10:05:00.000Z"
    assert sorted(explicit) == [(str(C), str(A))]  # C's reply; never added to B -> A
    assert all("replies" in d for u, v, d in edges if d.get("kind") != "inferred")
