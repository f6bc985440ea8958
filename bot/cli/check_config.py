"""``ascolto check-config``: print the effective configuration, the token masked."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from bot.cli._common import add_config_option, settings_from
from bot.settings import Settings, resolve_config_file

HELP = "check the configuration and print it as the bot sees it (the token masked)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto check-config``."""
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    """Load the configuration (exit 2 with the problem if it is wrong) and print it."""
    settings = settings_from(args)
    source = args.config or resolve_config_file()
    print(render(settings, source))
    return 0


def render(settings: Settings, source: Path | None) -> str:
    """The settings as TOML, secrets masked."""
    lines = [f"# configuration file: {source if source else 'none (defaults and environment)'}"]
    for table, model in settings:
        assert isinstance(model, BaseModel)
        lines.append(f"\n[{table}]")
        for key, value in model:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, SecretStr):
        return '"**********"' if value.get_secret_value() else '""'
    if value is None:
        return '""  # not set'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
