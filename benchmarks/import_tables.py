"""What an import writes, table by table: a check that a change to the import leaves
every row as it was.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/import_tables.py OUT [--messages N]

It runs ``ascolto import`` (in this process, the clock fixed at 2026-11-05 12:00 UTC so
that retention and first sightings do not move) on the synthetic export of
``benchmarks/import.py`` (cached in the same folder), then on a second channel of the
same guild into the store it made: the first goes in bulk, read while it is written,
the second in short transactions with the indexes kept. Then it prints, for every
table, its row count and a hash of its rows in order, leaving out the columns that
hold wall-clock times (``imported_at``, ``computed_at``). Compare two versions of the
code with ``diff`` of their outputs, e.g. for the code of another checkout::

    PYTHONPATH=/tmp/base python benchmarks/import_tables.py /tmp/a > a.txt
    python benchmarks/import_tables.py /tmp/b > b.txt
    diff a.txt b.txt
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import io
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord.utils

FIXED_NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
WALL_CLOCK_COLUMNS = {"imported_at", "computed_at"}


def benchmark_module() -> Any:
    """benchmarks/import.py as a module (its name is a keyword: not importable as is)."""
    path = Path(__file__).with_name("import.py")
    spec = importlib.util.spec_from_file_location("import_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def table_hashes(database: Path) -> list[str]:
    """One line per table: its name, its rows, a hash of them in order."""
    db = sqlite3.connect(database)
    lines = []
    try:
        tables = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        ).fetchall()
        for (table,) in tables:
            columns = [
                f'"{row[1]}"'
                for row in db.execute(f'PRAGMA table_info("{table}")')
                if row[1] not in WALL_CLOCK_COLUMNS
            ]
            listed = ", ".join(columns)
            digest, count = hashlib.sha256(), 0
            for row in db.execute(f'SELECT {listed} FROM "{table}" ORDER BY {listed}'):  # noqa: S608
                digest.update(repr(row).encode())
                count += 1
            lines.append(f"{table} {count} {digest.hexdigest()[:16]}")
    finally:
        db.close()
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Import both files into OUT/tables.db, print the tables; 1 if an import failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a folder for the database")
    parser.add_argument("--messages", type=int, default=200_000, help="messages in each file")
    args = parser.parse_args(argv)
    discord.utils.utcnow = lambda: FIXED_NOW  # bot.clock reads it at each call
    from bot.cli import main as ascolto

    bench = benchmark_module()
    first, *_ = bench.cached_export(bench.Params(args.messages, 1), False)
    second, *_ = bench.cached_export(
        bench.Params(args.messages, 2, channel=1),
        False,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    database = args.out / "tables.db"
    for old in args.out.glob("tables.db*"):
        old.unlink()
    for export in (first, second):
        with contextlib.redirect_stdout(io.StringIO()):  # its report: timings vary
            code = ascolto(["import", str(export), "--db", str(database)])
        if code != 0:
            print(f"ascolto import {export} failed ({code})", file=sys.stderr)
            return 1
    print("\n".join(table_hashes(database)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
