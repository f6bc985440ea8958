"""Options and helpers shared by subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.settings import Settings, load_settings


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
