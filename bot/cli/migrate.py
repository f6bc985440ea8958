"""``ascolto migrate``: bring a database's schema up to date (the bot also does it on start)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli._common import (
    add_config_option,
    add_db_option,
    check_database_file,
    create_database,
    database_errors,
    settings_from,
)
from bot.store import connection

HELP = "create the database or bring its schema up to date"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto migrate``."""
    add_config_option(parser)
    add_db_option(parser)


def run(args: argparse.Namespace) -> int:
    """Apply pending migrations and say what changed."""
    path = settings_from(args).database.path
    create_database(path)
    check_database_file(path)
    with database_errors(path):
        before, after = asyncio.run(_migrate(path))
    if before == after:
        print(f"{path}: schema already up to date (version {after})")
    else:
        print(f"{path}: schema upgraded from version {before} to {after}")
    return 0


async def _migrate(path: Path) -> tuple[int, int]:
    db = await connection.connect(path)
    try:
        return await connection.migrate(db, path)
    finally:
        await db.close()
