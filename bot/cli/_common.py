"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.render.text import quoted
from bot.settings import MAX_ID, Settings, load_settings
from bot.store.connection import is_busy

# The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config PATH``: the TOML file (else $ASCOLTO_CONFIG, else ./config.toml)."""
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="configuration file (default: $ASCOLTO_CONFIG, else ./config.toml if present)",
    )


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: the database file, instead of the configured one."""
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="database file (default: [database] path)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings named by ``--config``, with ``--db`` applied when given."""
    settings = load_settings(getattr(args, "config", None))
    db = getattr(args, "db", None)
    if db is not None:
        settings.database.path = db
    return settings


def guild_id(text: str) -> int:
    """``--guild ID``: a server id, a whole number from 1 to 2^63 - 1 (argparse type)."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)):
        number = int(text)
        if 1 <= number <= MAX_ID:
            return number
    raise argparse.ArgumentTypeError(
        f"{quoted(text)} is not a server id: a whole number from 1 to {MAX_ID} "
        "(ascolto guilds lists them)"
    )


def check_database_file(path: Path) -> None:
    """Refuse, before SQLite opens it, a database path that is a folder or a file that is
    not an SQLite database (an empty file is a new database)."""
    if path.is_dir():
        raise CliError(f"{path} is a folder, not a database file")
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_HEADER))
    except (FileNotFoundError, NotADirectoryError):
        return  # a new database: create_folder says if its folder cannot be made
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    if start and start != SQLITE_HEADER:
        raise CliError(
            f"{path} is not an SQLite database: give Ascolto's database with --db or "
            "[database] path"
        )


def create_database(path: Path) -> None:
    """The database file and its folder, created empty if they are not there (SQLite
    takes an empty file as a new database); a CliError when they cannot be (a file in
    the way, no permission, a read-only disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        in_the_way = next((p for p in path.parents if p.is_file()), None)
        why = f"{in_the_way} is a file" if in_the_way is not None else exc.strerror or str(exc)
        raise CliError(
            f"cannot create the folder {path.parent} for the database {path}: {why}"
        ) from None
    if path.exists():
        return
    try:
        # Made here, not by SQLite: its "unable to open database file" says less, and
        # aiosqlite, failing to open, can print a stray traceback from its thread.
        path.touch()
    except OSError as exc:
        raise CliError(f"cannot create {path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def database_errors(path: Path) -> Iterator[None]:
    """SQLite's failures on the database ``path`` as one-line CliErrors."""
    try:
        yield
    except sqlite3.Error as exc:
        raise CliError(database_problem(path, exc)) from None


def database_problem(path: Path, error: sqlite3.Error) -> str:
    """What a person reads when SQLite cannot use the database ``path``."""
    reason = str(error)
    if "file is not a database" in reason:
        return (
            f"{path} is not an SQLite database: give Ascolto's database with --db or "
            "[database] path"
        )
    if "readonly" in reason or "read-only" in reason:
        return f"cannot write to {path}: the file or its folder is read-only ({reason})"
    if "unable to open" in reason:
        return f"cannot open {path}: its folder cannot be written, or is missing ({reason})"
    if is_busy(error):
        return f"{path} is busy: another process holds it ({reason}); try again"
    return f"the database {path} cannot be used: {reason}"
