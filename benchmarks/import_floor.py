"""The least any import of the synthetic export can cost on this stack, against what
ours costs: how far issue 13's and 14's import targets lie from the floor.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/import_floor.py [--messages N] [--seed N]

On the export of ``benchmarks/import.py`` (cached in the same folder) it measures, in
CPU seconds of this machine:

1. our import, as ``benchmarks/import.py`` runs it (a child process into a new store,
   inference included), counting the CPU of every process it starts (the reader and
   the scorer are its children);
2. the floor's two parts, each done the cheapest way Python and SQLite allow:
   ``json.load`` of the file (nothing less reads it), and a plain ``executemany`` of
   exactly the rows the import stored, table by table in one transaction, into the
   same tables without triggers, their indexes built after the rows.

An import on two cores cannot end sooner than half the floor's CPU time (both parts
shared perfectly between the cores, no row built in Python, no inference): that is the
best rate this stack allows, printed beside the target of 20,000 messages a second.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from import_tables import benchmark_module  # this folder, first on sys.path

TARGET_RATE = 20_000
CORES = 2
BATCH = 2000


def children_cpu() -> float:
    """CPU seconds of the children waited for so far (their own children included)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def load_cpu(export: Path) -> float:
    """CPU seconds of one ``json.load`` of the file."""
    began = time.process_time()
    with export.open("rb") as stream:
        json.load(stream)
    return time.process_time() - began


def insert_cpu(database: Path, into: Path) -> tuple[float, int]:
    """CPU seconds of writing every row of ``database`` into a new file with the same
    tables (no triggers), indexes built after the rows; and the rows written."""
    source = sqlite3.connect(database)
    schema = source.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    tables = [name for kind, name, _ in schema if kind == "table"]
    rows = {name: source.execute(f"SELECT * FROM {name}").fetchall() for name in tables}  # noqa: S608
    source.close()
    target = sqlite3.connect(into, isolation_level=None)
    target.execute("PRAGMA journal_mode = WAL")
    target.execute("PRAGMA synchronous = NORMAL")
    for kind, _, sql in schema:
        if kind == "table":
            target.execute(sql)
    written = 0
    began = time.process_time()
    target.execute("BEGIN")
    for name, table_rows in rows.items():
        if not table_rows:
            continue
        marks = ", ".join("?" * len(table_rows[0]))
        for start in range(0, len(table_rows), BATCH):
            target.executemany(
                f"INSERT INTO {name} VALUES ({marks})",  # noqa: S608
                table_rows[start : start + BATCH],
            )
        written += len(table_rows)
    for kind, _, sql in schema:
        if kind == "index":
            target.execute(sql)
    target.execute("COMMIT")
    seconds = time.process_time() - began
    target.close()
    return seconds, written


def main(argv: Sequence[str] | None = None) -> int:
    """Import once, measure the floor, print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000, help="messages in the export")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    args = parser.parse_args(argv)
    bench = benchmark_module()
    export, counts, _, _ = bench.cached_export(bench.Params(args.messages, args.seed), False)
    with tempfile.TemporaryDirectory(prefix="ascolto-floor-") as folder:
        database = Path(folder, "import.db")
        bench.prepare_database(database)
        before = children_cpu()
        figures = bench.run_child("--child-import", str(export), str(database))
        ours = children_cpu() - before
        inserts, written = insert_cpu(database, Path(folder, "floor.db"))
    loading = load_cpu(export)
    floor = loading + inserts
    messages = counts.messages
    best = messages / (floor / CORES)
    print(f"file      {export.name}: {messages:,} messages")
    print(
        f"import    ours: {figures['seconds']:,.2f} s wall,"
        f" {messages / figures['seconds']:,.0f} messages/s; {ours:,.2f} CPU-s in all its processes"
    )
    print(
        f"floor     json.load {loading:,.2f} CPU-s + plain inserts of its {written:,} rows"
        f" {inserts:,.2f} CPU-s = {floor:,.2f} CPU-s ({ours / floor:.1f}x less than ours)"
    )
    print(
        f"best      on {CORES} cores, nothing but the floor, perfectly shared:"
        f" {floor / CORES:,.2f} s, {best:,.0f} messages/s; target {TARGET_RATE:,}"
        f" ({best / TARGET_RATE:.2f}x the target: what is left for building rows and inference,"
        f" {max(0.0, messages / TARGET_RATE * CORES - floor):,.2f} CPU-s, is"
        f" {max(0.0, messages / TARGET_RATE * CORES - floor) / messages * 1e6:,.0f} us a message)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
