"""Every table links to its export; each link downloads the file ``ascolto export`` writes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from bot.dashboard.streamed import JsonArray, connection_lines
from bot.export import SafeCsvWriter, write_connections
from bot.store.readonly import ReadOnlyStore
from tests.dashboard.world import GUILD, client

PAGES = ("", "/waiting", "/members", "/network", "/conversations")


async def test_every_export_link_on_every_page_downloads_a_file(store_path: Path) -> None:
    seen = set()
    async with client(store_path) as c:
        for page in PAGES:
            html = await (
                await c.get(
                    f"/g/{GUILD}{page}?from=2026-03-02&to=2026-03-08"
                    if page not in ("", "/waiting")
                    else f"/g/{GUILD}{page}"
                )
            ).text()
            links = re.findall(r'<a href="(/g/\d+/export/[^"]+)" download>', html)
            assert links, page
            for href in links:
                href = href.replace("&amp;", "&")
                response = await c.get(href)
                body = await response.read()
                assert response.status == 200, href
                assert response.headers["Content-Disposition"].startswith("attachment; filename=")
                assert body, href
                seen.add(href.split("/export/")[1].split("?")[0])

    assert {
        "summaries.csv",
        "summaries.json",
        "connections.csv",
        "connections.json",
        "connections.graphml",
        "messages.csv",
    } <= seen


async def test_the_summaries_export_holds_the_stored_days_of_the_range(store_path: Path) -> None:
    async with client(store_path) as c:
        response = await c.get(f"/g/{GUILD}/export/summaries.json?from=2026-03-07&to=2026-03-09")
        days = json.loads(await response.read())
        as_csv = await (
            await c.get(f"/g/{GUILD}/export/summaries.csv?from=2026-03-07&to=2026-03-08")
        ).text()

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ascolto-{GUILD}-summaries-2026-03-07-2026-03-09.json"'
    )
    assert [d["day"] for d in days] == ["2026-03-07", "2026-03-08"]  # 03-09 not computed
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [(r["day"], r["messages"]) for r in rows] == [("2026-03-07", "3"), ("2026-03-08", "4")]


async def test_the_connections_export_names_the_members(store_path: Path) -> None:
    async with client(store_path) as c:
        text = await (await c.get(f"/g/{GUILD}/export/connections.csv")).text()

    rows = list(csv.DictReader(io.StringIO(text)))
    pairs = {(r["source_name"], r["target_name"]): int(r["interactions"]) for r in rows}
    assert pairs[("Alice", "Bob")] == 7  # a reaction a day
    assert pairs[("<img src=x onerror=alert(1)>", "Bob")] == 7


async def test_the_messages_export_streams_metadata_without_text(store_path: Path) -> None:
    async with client(store_path) as c:
        text = await (await c.get(f"/g/{GUILD}/export/messages.csv?day=2026-03-09")).text()

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 7  # Fred's six and Alice's question
    assert "content" not in rows[0]


async def test_the_streamed_connections_files_are_those_ascolto_export_writes(
    store_path: Path,
) -> None:
    store = ReadOnlyStore(store_path)
    await store.open()
    try:
        opted_out = await store.dashboard.opted_out(GUILD)
        everything = [
            c
            for c in await store.exports.connections(GUILD)
            if c.source not in opted_out and c.target not in opted_out
        ]
    finally:
        await store.close()
    expected = {}
    for fmt in ("csv", "json"):
        text = io.StringIO()
        write_connections(text, everything, fmt, names=True)
        expected[fmt] = text.getvalue()

    async with client(store_path) as c:
        for fmt in ("csv", "json"):
            body = await (await c.get(f"/g/{GUILD}/export/connections.{fmt}")).text()
            assert body == expected[fmt]
        empty = await (await c.get(f"/g/{GUILD}/export/connections.json?day=2026-03-09")).text()

    assert len(everything) > 2 and not {11, 12} - {c.source for c in everything}
    assert empty == "[]\n"  # no interaction that day


def test_a_json_array_written_in_parts_is_json_dumps_of_the_whole() -> None:
    records = [
        {"a": 1, "b": 'x"é\n\u2028<', "c": None, "d": True, "e": 1.5},
        {"a": -3, "b": "", "c": 10**20, "d": False, "e": 0.1},
        {"a": 0, "b": "\t\\", "c": None, "d": None, "e": None},
    ]
    for split in range(len(records) + 1):
        array = JsonArray()
        written = array.part(records[:split]) + array.part(records[split:]) + array.end()
        assert written == json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    assert JsonArray().end() == "[]\n"


def test_connection_rows_written_in_parts_are_what_the_safe_csv_writer_writes() -> None:
    names = [
        "Alice",
        '=HYPERLINK("http://x")',
        "-5",
        "+1",
        "@here",
        "\ttab",
        "a,b",
        'say "hi"',
        "two\nlines",
        "",
        None,
        " spaced ",
        "émile ✨",
    ]
    rows = [
        (i, i + 1, 1, 0, 2, 3, 6, "2026-04-08T10:00:00.000Z", "2026-04-09T11:30:00.000Z", a, b)
        for i, (a, b) in enumerate(zip(names, reversed(names), strict=True))
    ]
    expected = io.StringIO()
    SafeCsvWriter(expected).writerows(rows)

    written = connection_lines(rows[:5]) + connection_lines(rows[5:])

    assert written == expected.getvalue()
    assert "'=HYPERLINK" in written and '"say ""hi"""' in written  # guarded and quoted
    assert connection_lines([]) == ""


async def test_a_connections_download_stopped_early_leaves_the_store_reading(
    store_path: Path,
) -> None:
    store = ReadOnlyStore(store_path)
    await store.open()
    try:
        pairs = store.dashboard.connections(GUILD, None, None, frozenset(), 1)
        first = await anext(pairs)
        await pairs.aclose()  # the browser went away after the first pair: the read ahead ends

        every = [
            row
            async for batch in store.dashboard.connections(GUILD, None, None, (), 2)
            for row in batch
        ]
    finally:
        await store.close()

    assert len(first) == 1 and first[0] == every[0]
    assert len(every) > 2
    assert [row[:2] for row in every] == sorted(row[:2] for row in every)
