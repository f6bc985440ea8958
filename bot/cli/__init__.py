"""The ``ascolto`` command line. Each subcommand is one module of this package.

A subcommand module has ``HELP`` (one line), ``configure(parser)`` and ``run(args)``,
which returns the exit code; the module ``check_config`` is ``ascolto check-config``.
Adding a subcommand is adding a module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence
from importlib import metadata
from types import ModuleType
from typing import NoReturn

from bot.cli._common import CliError
from bot.settings import ConfigError
from bot.store import StoreError

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def subcommands() -> dict[str, ModuleType]:
    """Every subcommand module, by its command-line name."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            found[info.name.replace("_", "-")] = importlib.import_module(f"{__name__}.{info.name}")
    return found


def version() -> str:
    """The installed package's version, as pip and ``pyproject.toml`` know it."""
    try:
        return metadata.version("ascolto")
    except metadata.PackageNotFoundError:
        # Run from a source tree that was never installed (pip install . gives a version).
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The parser for ``ascolto`` and all its subcommands."""
    parser = _Parser(
        prog="ascolto",
        description="Ascolto: a Discord bot that helps community managers listen.",
    )
    parser.add_argument("--version", action="version", version=f"ascolto {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in subcommands().items():
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except (CliError, ConfigError, StoreError) as exc:
        print(f"ascolto {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except sqlite3.Error as exc:
        # Each subcommand words the database's failures (bot/cli/_common.py); one it
        # did not foresee is still one line, not a traceback.
        print(f"ascolto {args.command}: error: the database cannot be used: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``ascolto check-config | head``): not an error of ours.
        sys.stderr.close()
        return 0
    return code
