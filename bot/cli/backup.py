"""``ascolto backup``: a consistent copy of the live database, safe while the bot runs.

SQLite's online backup reads one snapshot of the file (WAL lets the bot go on
writing meanwhile) into ``DEST.part``, which is checked and then renamed: DEST is
either a complete, consistent database or absent.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

from bot.cli._common import (
    CliError,
    add_config_option,
    add_db_option,
    check_database_file,
    database_problem,
    settings_from,
)

HELP = "copy the database consistently, even while the bot is running"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto backup``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument("dest", type=Path, metavar="DEST", help="the copy to write (a new file)")


def run(args: argparse.Namespace) -> int:
    """Copy the database to DEST and check the copy."""
    source = settings_from(args).database.path
    dest: Path = args.dest
    if not source.is_file():
        raise CliError(f"no database at {source}")
    check_database_file(source)
    if dest.exists():
        raise CliError(f"{dest} already exists; give a new file name")
    if not dest.parent.is_dir():
        raise CliError(f"{dest.parent} is not a folder")
    began = time.perf_counter()
    partial = dest.with_name(f".{dest.name}.part")
    try:
        partial.touch()  # the folder takes a new file: said now, not as SQLite's "unable to open"
    except OSError as exc:
        raise CliError(f"cannot write {dest}: {exc.strerror}") from None
    try:
        _copy(source, partial)
        _check(partial)
        partial.replace(dest)
    except sqlite3.Error as exc:
        if "file is not a database" in str(exc):  # SQLite's header, then no database
            raise CliError(database_problem(source, exc)) from None
        raise CliError(f"backup of {source} failed: {exc}") from None
    except OSError as exc:  # the disk filled up, the folder went read-only meanwhile
        raise CliError(f"cannot write {dest}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    size = dest.stat().st_size / 1e6
    print(f"backed up {source} to {dest}: {size:,.1f} MB in {time.perf_counter() - began:.1f} s")
    return 0


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout = 5000")
        src.backup(dst)  # every page in one step: one snapshot of the file
    finally:
        dst.close()
        src.close()


def _check(copy: Path) -> None:
    db = sqlite3.connect(copy)
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()
    finally:
        db.close()
    if result is None or result[0] != "ok":
        raise sqlite3.DatabaseError(f"the copy failed its integrity check ({result})")
