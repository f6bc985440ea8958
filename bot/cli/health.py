"""``ascolto health``: is the bot running and its database writable? For HEALTHCHECK.

Exit code 0 when the running bot's heartbeat (written at least every minute) is
fresh, its last flush of queued writes is recent, and the database takes a write
lock; otherwise 1, with the reason on one line: a configuration that cannot be read
too, since a container's health check knows only 0 and 1 (Docker reserves 2).
"""

from __future__ import annotations

import argparse
import sqlite3
from datetime import timedelta

from bot import clock
from bot.cli._common import add_config_option, add_db_option, settings_from
from bot.render.text import quoted
from bot.settings import ConfigError
from bot.store.heartbeat import check_writable, read_heartbeat

HELP = "check that the running bot is alive and its database writable (exit 0 or 1)"

MIN_MAX_AGE_SECONDS = 120
MAX_MAX_AGE_SECONDS = 7 * 24 * 3600
HEARTBEATS_ALLOWED = 4  # heartbeats that may be missed before the bot counts as stuck
UNHEALTHY = 1


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto health``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--max-age",
        type=_seconds,
        metavar="SECONDS",
        help="how old the heartbeat and the last flush may be (default: four heartbeat "
        f"intervals, at least {MIN_MAX_AGE_SECONDS})",
    )


def run(args: argparse.Namespace) -> int:
    """Print ``healthy: ...`` and return 0, or ``unhealthy: <reason>`` and return 1."""
    try:
        problem, detail = _check(args)
    except ConfigError as exc:
        problem, detail = str(exc), ""
    if problem:
        print(f"unhealthy: {problem}")
        return UNHEALTHY
    print(f"healthy: {detail}")
    return 0


def _check(args: argparse.Namespace) -> tuple[str, str]:
    database = settings_from(args).database
    path = database.path
    seconds = args.max_age or max(
        MIN_MAX_AGE_SECONDS, HEARTBEATS_ALLOWED * database.heartbeat_interval_seconds
    )
    limit = timedelta(seconds=seconds)
    if not path.is_file():
        return f"no database at {path}: the bot has not started here", ""
    try:
        beat = read_heartbeat(path)
        check_writable(path)
    except sqlite3.Error as exc:
        return f"the database at {path} cannot be used: {exc}", ""
    if beat is None:
        return "the bot has never written a heartbeat in this database: is it running?", ""
    now = clock.utcnow()
    age = now - beat.at
    if beat.state == "stopped":
        return f"the bot stopped {_ago(age)} ago", ""
    if age > limit:
        return f"the last heartbeat is {_ago(age)} old (limit {_ago(limit)}): stuck or down", ""
    if beat.last_flush_at is None or now - beat.last_flush_at > limit:
        flushed = "never" if beat.last_flush_at is None else f"{_ago(now - beat.last_flush_at)} ago"
        return f"writes are not reaching the database (last flush: {flushed})", ""
    return "", (
        f"{beat.state}, heartbeat {_ago(age)} ago, last flush {_ago(now - beat.last_flush_at)} ago"
    )


def _seconds(text: str) -> int:
    """``--max-age``: whole seconds, from 1 to a week."""
    if (
        text.isascii()
        and text.isdigit()
        and len(text) <= 7
        and 1 <= int(text) <= MAX_MAX_AGE_SECONDS
    ):
        return int(text)
    raise argparse.ArgumentTypeError(
        f"{quoted(text)} is not a number of seconds from 1 to {MAX_MAX_AGE_SECONDS} (a week)"
    )


def _ago(span: timedelta) -> str:
    seconds = max(int(span.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
