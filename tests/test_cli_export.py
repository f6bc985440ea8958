"""``ascolto export`` on a real database built from a small hand-made history."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from bot import clock
from bot.events import GuildInfo
from bot.export import SUMMARY_COLUMNS
from bot.store import Store
from bot.store.exports import MESSAGE_COLUMNS
from tests.helpers import run_cli
from tests.store.history import GUILD, History, at

A, B, C = 11, 12, 13
NOW = at("2026-03-05 12:00")  # yesterday (UTC) is 2026-03-04
CONNECTION_COLUMNS = [
    "source",
    "target",
    "replies",
    "thread_replies",
    "mentions",
    "reactions",
    "interactions",
    "first_at",
    "last_at",
]
MARCH_2_TO_3 = "--from 2026-03-02 --to 2026-03-03"
TEXTS = [
    "How do I join the call?",
    "Top right button",
    f"Morning <@{A}>",
    "Bug report: login fails",
    "Which browser",
    "Plans for tonight?",
    'Park, "by the lake"\nat 8',
    "me too",
]


async def _build(
    path: Path, *, timezone: str | None = None, more_posts: tuple[str, ...] = ()
) -> None:
    """Two active days (03-02 and 03-03) and a quiet one (03-04), guild seen on 03-02;
    ``more_posts`` adds a message of C at each of those times.

    Interactions: B→A reply 03-02 10:05, C→A mention 03-02 11:00, A→C reaction 03-02
    11:10, B→A thread reply 03-02 12:30, C→B reply 03-03 09:30, A→C reply 03-03 10:00,
    B→A reaction 03-03 10:05.
    """
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        question = history.post(A, "2026-03-02 10:00", TEXTS[0])
        history.post(B, "2026-03-02 10:05", TEXTS[1], reply_to=question)
        morning = history.post(C, "2026-03-02 11:00", TEXTS[2], mentions=(A,))
        history.react(A, morning, "2026-03-02 11:10")
        post = history.thread_id("2026-03-02 12:00")
        history.post(A, "2026-03-02 12:00", TEXTS[3], thread=post, forum_post=True)
        history.post(B, "2026-03-02 12:30", TEXTS[4], thread=post)
        plans = history.post(B, "2026-03-03 09:00", TEXTS[5])
        park = history.post(C, "2026-03-03 09:30", TEXTS[6], reply_to=plans)
        me_too = history.post(A, "2026-03-03 10:00", TEXTS[7], reply_to=park)
        history.react(B, me_too, "2026-03-03 10:05")
        for when in more_posts:
            history.post(C, when, "one more")
        await history.store.flush()
        if timezone is not None:
            async with history.store.transaction() as db:
                await db.execute(
                    """INSERT INTO digest_settings (guild_id, channel_id, post_time, timezone)
                       VALUES (?, 1, '09:00', ?)""",
                    (GUILD, timezone),
                )


async def _stored(path: Path, first: str, last: str) -> list[dict[str, Any]]:
    store = Store(path)
    await store.open()
    try:
        found = await store.summaries.stored(
            GUILD, date.fromisoformat(first), date.fromisoformat(last)
        )
        return [s.to_json() for s in found]
    finally:
        await store.close()


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    asyncio.run(_build(path))
    return path


def export(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    """Standard output of a successful ``ascolto export``."""
    code, out, err = run_cli(capsys, "export", "--db", str(db), "--guild", str(GUILD), *argv)
    assert (code, err) == (0, "")
    return out


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _cell(key: str, text: str) -> Any:
    """A summaries CSV cell as the JSON value it stands for."""
    if key in ("top_connectors", "broadcasters", "top_conversations"):
        return json.loads(text)
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# summaries


def test_summaries_csv_reads_back_as_the_stored_summaries(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = export(
        capsys, db, "summaries", "--from", "2026-03-02", "--to", "2026-03-04", "--format", "csv"
    )

    rows = csv_rows(out)
    assert out.splitlines()[0].split(",") == list(SUMMARY_COLUMNS)
    assert [{k: _cell(k, v) for k, v in row.items()} for row in rows] == asyncio.run(
        _stored(db, "2026-03-02", "2026-03-04")
    )
    assert [row["day"] for row in rows] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert json.loads(rows[1]["top_connectors"])  # a list, as JSON text in its cell


def test_summaries_json_is_the_stored_summaries_as_report_prints_them(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = export(
        capsys, db, "summaries", "--from", "2026-03-02", "--to", "2026-03-03", "--format", "json"
    )

    stored = asyncio.run(_stored(db, "2026-03-02", "2026-03-03"))
    assert json.loads(out) == stored
    assert [d["messages"] for d in stored] == [5, 3]
    code, report, _ = run_cli(
        capsys, "report", "--db", str(db), *f"--guild {GUILD} --json {MARCH_2_TO_3}".split()
    )
    assert (code, report) == (0, out)


def test_summaries_default_to_30_days_ending_yesterday_from_the_first_observed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    asyncio.run(_build(path, more_posts=("2026-03-04 18:00",)))

    out = export(capsys, path, "summaries", "--format", "json")  # stderr must stay empty: no note

    assert [d["day"] for d in json.loads(out)] == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_summaries_default_to_end_on_the_latest_day_with_messages(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(
        capsys, "export", "summaries", "--db", str(db), "--guild", str(GUILD), "--format", "json"
    )

    assert code == 0
    assert [d["day"] for d in json.loads(out)] == ["2026-03-02", "2026-03-03"]  # 03-04: quiet
    assert err == (
        "note: no --from/--to given: exporting 2026-03-02 to 2026-03-03, "
        "ending on the latest day with messages\n"
    )


def test_a_summaries_range_before_the_first_observed_day_starts_there_with_a_note(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        "export",
        "summaries",
        "--db",
        str(db),
        *f"--guild {GUILD} --from 2026-02-01 --to 2026-03-02 --format json".split(),
    )

    assert code == 0
    assert [d["day"] for d in json.loads(out)] == ["2026-03-02"]
    assert err == f"note: guild {GUILD} was first observed on 2026-03-02; the export starts there\n"


# connections


def _ts(text: str) -> str:
    return clock.to_db_time(at(text))


def edge(
    source: int,
    target: int,
    *,
    first: str,
    last: str,
    replies: int = 0,
    thread_replies: int = 0,
    mentions: int = 0,
    reactions: int = 0,
) -> dict[str, Any]:
    """A connection as JSON gives it."""
    return {
        "source": source,
        "target": target,
        "replies": replies,
        "thread_replies": thread_replies,
        "mentions": mentions,
        "reactions": reactions,
        "interactions": replies + thread_replies + mentions + reactions,
        "first_at": _ts(first),
        "last_at": _ts(last),
    }


def as_text(record: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in record.items()}


# Every connection of the built history, all time.
ALL_EDGES = [
    edge(A, C, replies=1, reactions=1, first="2026-03-02 11:10", last="2026-03-03 10:00"),
    edge(
        B,
        A,
        replies=1,
        thread_replies=1,
        reactions=1,
        first="2026-03-02 10:05",
        last="2026-03-03 10:05",
    ),
    edge(C, A, mentions=1, first="2026-03-02 11:00", last="2026-03-02 11:00"),
    edge(C, B, replies=1, first="2026-03-03 09:30", last="2026-03-03 09:30"),
]


def test_connections_csv_counts_each_kind_and_the_first_and_last_times(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = export(capsys, db, "connections", "--format", "csv")

    rows = csv_rows(out)
    assert list(rows[0]) == CONNECTION_COLUMNS
    assert rows == [as_text(e) for e in ALL_EDGES]  # by source, then target


def test_connections_of_a_range_count_only_its_interactions(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = export(
        capsys, db, "connections", "--from", "2026-03-03", "--to", "2026-03-04", "--format", "json"
    )

    assert json.loads(out) == [
        edge(A, C, replies=1, first="2026-03-03 10:00", last="2026-03-03 10:00"),
        edge(B, A, reactions=1, first="2026-03-03 10:05", last="2026-03-03 10:05"),
        edge(C, B, replies=1, first="2026-03-03 09:30", last="2026-03-03 09:30"),
    ]


def test_days_are_local_days_of_the_guild(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    asyncio.run(_build(path, timezone="Pacific/Auckland"))  # UTC+13: 03-03 starts 03-02 11:00Z

    out = export(
        capsys, path, "connections", "--from", "2026-03-03", "--to", "2026-03-03", "--format", "csv"
    )

    found = {(int(r["source"]), int(r["target"])): int(r["interactions"]) for r in csv_rows(out)}
    # From 03-02 11:00Z (the mention, at the very start) to 03-03 11:00Z: not the 10:05 reply.
    assert found == {(A, C): 2, (B, A): 2, (C, A): 1, (C, B): 1}


def test_names_only_with_names(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    plain = csv_rows(export(capsys, db, "connections", "--format", "csv"))
    named = csv_rows(export(capsys, db, "connections", "--format", "csv", "--names"))

    assert list(plain[0]) == CONNECTION_COLUMNS
    assert list(named[0]) == [*CONNECTION_COLUMNS, "source_name", "target_name"]
    assert (named[0]["source_name"], named[0]["target_name"]) == (f"member {A}", f"member {C}")


def test_graphml_loads_in_networkx_with_nodes_edges_and_attributes(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "net.graphml"
    named = tmp_path / "named.graphml"

    assert export(capsys, db, "connections", "--format", "graphml", "--output", str(out)) == ""
    export(capsys, db, "connections", "--format", "graphml", "--output", str(named), "--names")

    graph = nx.read_graphml(out)
    assert isinstance(graph, nx.DiGraph)
    assert set(graph.nodes) == {str(A), str(B), str(C)}
    assert {(u, v): data for u, v, data in graph.edges(data=True)} == {
        (str(e["source"]), str(e["target"])): {k: e[k] for k in CONNECTION_COLUMNS[2:]}
        for e in ALL_EDGES
    }
    assert all("name" not in data for _, data in graph.nodes(data=True))
    with_names = nx.read_graphml(named)
    assert dict(with_names.nodes(data="name")) == {
        str(A): f"member {A}",
        str(B): f"member {B}",
        str(C): f"member {C}",
    }


def test_graphml_goes_to_standard_output_without_output(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    out = export(capsys, db, "connections", "--format", "graphml")

    graph = nx.read_graphml(io.BytesIO(out.encode()))
    assert graph.number_of_edges() == 4


# messages


def test_messages_csv_has_metadata_and_no_content_by_default(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    rows = csv_rows(export(capsys, db, "messages", "--format", "csv"))

    assert list(rows[0]) == list(MESSAGE_COLUMNS)
    assert len(rows) == len(TEXTS)
    assert [r["author_id"] for r in rows] == [str(a) for a in (A, B, C, A, B, B, C, A)]
    assert {r["guild_id"] for r in rows} == {str(GUILD)}
    assert rows[0]["created_at"] == _ts("2026-03-02 10:00")
    assert rows[0]["is_question"] == "1"
    assert rows[1]["reply_to_message_id"] == rows[0]["message_id"]
    assert rows[4]["thread_id"] == rows[3]["message_id"]  # the forum post's first message
    assert rows[0]["length"] == str(len(TEXTS[0]))
    assert not set(TEXTS) & {v for r in rows for v in r.values()}


def test_messages_csv_has_the_text_with_content(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    rows = csv_rows(export(capsys, db, "messages", "--format", "csv", "--content"))

    assert list(rows[0]) == [*MESSAGE_COLUMNS, "content"]
    assert [r["content"] for r in rows] == TEXTS  # quotes and new lines survive


def test_messages_of_a_range(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    rows = csv_rows(
        export(
            capsys, db, "messages", "--from", "2026-03-03", "--to", "2026-03-03", "--format", "csv"
        )
    )

    assert [r["created_at"][:10] for r in rows] == ["2026-03-03"] * 3


def test_messages_are_streamed_in_batches(tmp_path: Path, db: Path) -> None:
    async def batches() -> list[int]:
        store = Store(db)
        await store.open()
        try:
            return [len(b) async for b in store.exports.messages(GUILD, batch_size=3)]
        finally:
            await store.close()

    assert asyncio.run(batches()) == [3, 3, 2]


def test_output_writes_a_file_and_nothing_on_standard_output(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "messages.csv"

    out = export(capsys, db, "messages", "--format", "csv", "--output", str(target))

    assert out == ""
    assert len(csv_rows(target.read_text(encoding="utf-8"))) == len(TEXTS)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("a.db")] == [
        "messages.csv"
    ]  # and no temporary file left behind


def test_a_reader_that_stops_early_ends_the_export_quietly(tmp_path: Path) -> None:
    async def build(path: Path) -> None:  # more rows than a pipe holds (64 KiB)
        async with History.opened(path) as history:
            history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
            for minute in range(3000):
                history.post(
                    A,
                    f"2026-03-{2 + minute // 1440:02d} {minute // 60 % 24:02d}:{minute % 60:02d}",
                    f"message number {minute} " + "x" * 80,
                )
            await history.store.flush()

    db = tmp_path / "big.db"
    asyncio.run(build(db))
    argv = f"export messages --db {db} --guild {GUILD} --format csv --content".split()
    export = subprocess.Popen(  # ascolto export messages ... | head -1
        [sys.executable, "-m", "bot", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert export.stdout is not None and export.stderr is not None
    header = export.stdout.readline()
    export.stdout.close()
    errors = export.stderr.read()
    code = export.wait(timeout=60)

    assert header.decode().rstrip("\r\n").split(",") == [*MESSAGE_COLUMNS, "content"]
    assert errors == b""  # no traceback
    assert code in (0, 141)


def test_help_names_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "export", "--help")

    assert code == 0
    assert "last 30 days ending yesterday" in " ".join(out.split())


# errors: one line on stderr, exit 2, no file written


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["bogus", "--format", "csv"], "invalid choice: 'bogus'", id="unknown-kind"),
        pytest.param(
            ["summaries", "--format", "xml"], "invalid choice: 'xml'", id="unknown-format"
        ),
        pytest.param(["summaries"], "--format", id="no-format"),
        pytest.param(
            ["summaries", "--format", "graphml"],
            "summaries cannot be exported as graphml, only as csv or json",
            id="graphml-summaries",
        ),
        pytest.param(
            ["messages", "--format", "graphml"],
            "messages cannot be exported as graphml, only as csv",
            id="graphml-messages",
        ),
        pytest.param(
            ["messages", "--format", "json"],
            "messages cannot be exported as json, only as csv",
            id="json-messages",
        ),
        pytest.param(
            ["summaries", "--format", "csv", "--names"],
            "--names is only for connections",
            id="names-summaries",
        ),
        pytest.param(
            ["connections", "--format", "csv", "--content"],
            "--content is only for messages",
            id="content-connections",
        ),
        pytest.param(
            ["messages", "--format", "csv", "--from", "2026-13-01", "--to", "2026-03-02"],
            "--from: '2026-13-01' is not a day written as YYYY-MM-DD",
            id="malformed-from",
        ),
        pytest.param(
            ["connections", "--format", "csv", "--from", "2026-03-02"],
            "--from needs --to as well",
            id="from-without-to",
        ),
        pytest.param(
            ["connections", "--format", "csv", "--from", "2026-03-03", "--to", "2026-03-02"],
            "--from 2026-03-03 is after --to 2026-03-02",
            id="from-after-to",
        ),
        pytest.param(
            ["summaries", "--format", "csv", "--from", "2026-03-01", "--to", "2026-03-05"],
            "2026-03-05 has not ended yet in UTC",
            id="summaries-today",
        ),
        pytest.param(
            ["summaries", "--format", "csv", "--from", "2025-03-01", "--to", "2026-03-02"],
            "the range has 367 days; at most 366",
            id="summaries-too-long",
        ),
        pytest.param(
            ["summaries", "--format", "csv", "--from", "2026-02-01", "--to", "2026-02-02"],
            "first observed on 2026-03-02: nothing to export up to 2026-02-02",
            id="summaries-before-first-observed",
        ),
        pytest.param(
            ["connections", "--format", "csv", "--guild", "999"],
            "unknown guild 999",
            id="unknown-guild",
        ),
        pytest.param(
            ["messages", "--format", "csv", "--db", "missing.db"],
            "no database at missing.db",
            id="missing-database",
        ),
    ],
)
def test_errors_are_one_line_exit_2_and_write_no_file(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, argv: list[str], expected: str
) -> None:
    target = tmp_path / "out" / "export.file"
    target.parent.mkdir()
    if "--guild" not in argv:
        argv = [*argv, "--guild", str(GUILD)]
    if "--db" not in argv:
        argv = [*argv, "--db", str(db)]

    code, out, err = run_cli(capsys, "export", *argv, "--output", str(target))

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ascolto export: error: ")
    assert expected in err
    assert list(target.parent.iterdir()) == []


def test_an_output_in_a_missing_folder_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "m.csv"
    code, _, err = run_cli(
        capsys,
        "export",
        "messages",
        "--db",
        str(db),
        *f"--guild {GUILD} --format csv --output {missing}".split(),
    )

    assert code == 2
    assert err.count("\n") == 1 and "there is no folder" in err
    assert not (tmp_path / "nowhere").exists()
