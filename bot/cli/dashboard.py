"""``ascolto dashboard``: serve the read-only web dashboard of a database until Ctrl-C.

The database is opened read-only: the bot may run meanwhile, and an imported archive or
the demo's store works the same. Off this machine (any host but 127.0.0.1, localhost or
::1) it needs ``[dashboard] password``, or it refuses to start.
"""

from __future__ import annotations

import argparse

from bot.cli._common import CliError, add_config_option, add_db_option, check_database_file
from bot.dashboard import check_host, serve
from bot.settings import MAX_PORT, load_settings

HELP = "serve the read-only web dashboard of the database (127.0.0.1:8080 by default)"


def port(text: str) -> int:
    """``--port``: a TCP port, 1 to 65535 (argparse type)."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PORT:
        return int(text)
    raise argparse.ArgumentTypeError(
        f"{text[:20]!r} is not a port: a whole number from 1 to {MAX_PORT}"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto dashboard``."""
    add_config_option(parser)
    add_db_option(parser)
    parser.add_argument(
        "--host",
        metavar="HOST",
        help="address to listen on (default: [dashboard] host, 127.0.0.1); any other than "
        "this machine's needs [dashboard] password",
    )
    parser.add_argument(
        "--port", type=port, metavar="PORT", help="TCP port (default: [dashboard] port, 8080)"
    )


def run(args: argparse.Namespace) -> int:
    """Check the options and the database, then serve until Ctrl-C."""
    settings = load_settings(args.config)
    path = args.db if args.db is not None else settings.database.path
    host = args.host if args.host is not None else settings.dashboard.host
    chosen_port = args.port if args.port is not None else settings.dashboard.port
    password = settings.dashboard.password
    try:
        check_host(host, password)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if not path.is_file():
        raise CliError(
            f"no database at {path}: give Ascolto's database with --db or [database] path"
        )
    check_database_file(path)
    try:
        serve(
            path,
            host=host,
            port=chosen_port,
            password=password,
            announce=lambda line: print(line, flush=True),
            settings=settings,
        )
    except OSError as exc:
        raise CliError(f"cannot listen on {host}:{chosen_port}: {exc.strerror or exc}") from None
    return 0
