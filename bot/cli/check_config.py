"""``ascolto check-config``: print the effective configuration, the token masked.

The output is itself a configuration file: ``ascolto check-config > rt.toml`` and then
``--config rt.toml`` give the same settings (the token aside, which is never printed).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import tomli_w

from bot.cli._common import add_config_option, settings_from
from bot.settings import DOTENV_FILE, Settings, resolve_config_file

HELP = "check the configuration and print it as the bot sees it (the token masked)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto check-config``."""
    add_config_option(parser)


def run(args: argparse.Namespace) -> int:
    """Load the configuration (exit 2 with the problem if it is wrong) and print it."""
    settings = settings_from(args)
    source = args.config or resolve_config_file()
    print(render(settings, source), end="")
    return 0


def render(settings: Settings, source: Path | None) -> str:
    """The settings as a TOML configuration file, secrets masked, unset keys listed."""
    # JSON mode turns paths into text and a set token into pydantic's mask.
    tables: dict[str, dict[str, Any]] = settings.model_dump(mode="json")
    header = [f"# configuration file: {source if source else 'none (defaults and environment)'}"]
    if DOTENV_FILE.is_file():
        header.append(f"# also read: {DOTENV_FILE} (below the environment, above the file)")
    if settings.discord.token is not None:
        header.append(
            "# discord.token is masked: put the real token in DISCORD_TOKEN (or here) "
            "before using this file"
        )
    else:
        tables["discord"]["token"] = ""  # shown so the key is found; reads back as not set
    if settings.dashboard.password is not None:
        header.append(
            "# dashboard.password is masked: put the real one in ASCOLTO_DASHBOARD__PASSWORD "
            "(or here) before using this file"
        )
    else:
        tables["dashboard"]["password"] = ""  # as the token: reads back as not set
    # TOML has no null: a key without a value is left out, which reads back as its default.
    unset = [
        f"{table}.{key}"
        for table, values in tables.items()
        for key, value in values.items()
        if value is None
    ]
    if unset:
        header.append("# not set: " + ", ".join(unset))
    cleaned = {
        table: {key: value for key, value in values.items() if value is not None}
        for table, values in tables.items()
    }
    return "\n".join(header) + "\n\n" + tomli_w.dumps(cleaned)
