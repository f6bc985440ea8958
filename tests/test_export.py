"""The export writers keep files safe to open: no formula runs in a spreadsheet, and
GraphML stays well-formed XML whatever members named themselves."""

from __future__ import annotations

import asyncio
import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from bot.analysis.summary import DailySummary
from bot.events import GuildInfo
from bot.export import (
    MessagesCsv,
    connection_columns,
    write_connections,
    write_connections_graphml,
    write_summaries,
)
from bot.store.exports import Connection
from tests.store.history import GUILD, History, at
from tests.test_cli import run_cli

# Each starts the way OWASP's CSV-injection rule names, then text that stays as it is.
FORMULAS = {
    '=HYPERLINK("http://evil.example","click")': '\'=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1+1)": "'@SUM(1+1)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "alice": "alice",
    "a = b": "a = b",
    "'quoted": "'quoted",
}


def pair(source_name: str | None, target_name: str | None, n: int = 0) -> Connection:
    return Connection(
        source=100 + n,
        target=200 + n,
        replies=1,
        thread_replies=0,
        mentions=0,
        reactions=0,
        interactions=1,
        first_at="2026-03-02T10:00:00.000Z",
        last_at="2026-03-02T10:00:00.000Z",
        source_name=source_name,
        target_name=target_name,
    )


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_names_that_start_like_a_formula_are_neutralised_in_csv() -> None:
    written = io.StringIO(newline="")
    names = list(FORMULAS)

    write_connections(
        written, [pair(name, name, n) for n, name in enumerate(names)], "csv", names=True
    )

    header, *body = rows(written.getvalue())
    assert header == list(connection_columns(names=True))
    assert [row[-2] for row in body] == list(FORMULAS.values())
    assert [row[-1] for row in body] == list(FORMULAS.values())
    assert body[0][:3] == ["100", "200", "1"]  # numbers as written


def test_message_text_is_neutralised_and_numbers_are_not() -> None:
    written = io.StringIO(newline="")
    table = MessagesCsv(written, content=True)

    table.write(
        [
            (1, GUILD, 2, None, 3, "2026-03-02", "message", None, 0, 4, 0, None, 0, text)
            for text in FORMULAS
        ]
    )

    _, *body = rows(written.getvalue())
    assert [row[-1] for row in body] == list(FORMULAS.values())
    assert body[0][:3] == ["1", str(GUILD), "2"]


def test_a_negative_number_stays_a_number() -> None:
    written = io.StringIO(newline="")
    day = DailySummary(GUILD, "2026-03-02", "UTC", "2026-03-03T00:00:00.000Z", network_growth_7d=-3)

    write_summaries(written, [day], "csv")

    header, values = rows(written.getvalue())
    assert dict(zip(header, values, strict=True))["network_growth_7d"] == "-3"


def test_graphml_drops_what_xml_cannot_hold_and_parses() -> None:
    names = {
        "nul\x00here": "nulhere",
        "\x1b[31mred\x1b[0m": "[31mred[0m",
        "lone \ud800 surrogate": "lone  surrogate",
        "not a char \ufffe\uffff": "not a char ",
        "tab\tand newline\nstay": "tab\tand newline\nstay",
        "Zoë 😀": "Zoë 😀",
    }
    written = io.BytesIO()

    write_connections_graphml(
        written, [pair(name, "ok", n) for n, name in enumerate(names)], names=True
    )

    ET.fromstring(written.getvalue())  # well-formed
    graph = nx.read_graphml(io.BytesIO(written.getvalue()))
    got = {graph.nodes[str(100 + n)]["name"] for n in range(len(names))}
    assert got == set(names.values())


# ascolto export, end to end


async def _build(path: Path) -> None:
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        history.post(11, "2026-03-02 10:00", '=HYPERLINK("http://evil.example","click")')
        history.post(12, "2026-03-02 10:05", "-5 degrees outside")
        await history.store.flush()


def test_ascolto_export_neutralises_message_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    asyncio.run(_build(db))

    code, out, err = run_cli(
        capsys,
        "export",
        "messages",
        "--db",
        str(db),
        "--guild",
        str(GUILD),
        "--format",
        "csv",
        "--content",
    )

    assert (code, err) == (0, "")
    _, *body = rows(out)
    assert [row[-1] for row in body] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'-5 degrees outside",
    ]
