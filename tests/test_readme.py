"""The README covers every command and setting there is, and speaks of servers."""

from __future__ import annotations

import re
from pathlib import Path

from discord import app_commands
from pydantic import BaseModel

from bot.app import AscoltoBot
from bot.cli import build_parser, subcommands
from bot.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_line_subcommand_is_in_the_readme() -> None:
    missing = [name for name in subcommands() if f"ascolto {name} " not in README]

    assert missing == []


def test_every_top_level_option_is_in_the_readme() -> None:
    options = [
        flag
        for action in build_parser()._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    ]

    assert "--version" in options
    assert [flag for flag in options if f"`ascolto {flag}`" not in README] == []


def test_every_setting_is_in_the_configuration_table() -> None:
    keys = []
    for table, field in Settings.model_fields.items():
        model = field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        keys += [f"[{table}] {key}" for key in model.model_fields]

    missing = [key for key in keys if f"| `{key}` |" not in README]

    assert "[database] heartbeat_interval_seconds" in keys
    assert missing == []


def test_the_prose_says_server_and_keeps_guild_for_names_in_code() -> None:
    prose = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
    prose = re.sub(r"`[^`]*`", "", prose)
    prose = re.sub(r"\]\(#[^)]*\)", "]", prose)  # anchors of links

    assert re.findall(r"[^\n]*\bguilds?\b[^\n]*", prose, flags=re.IGNORECASE) == []


async def test_every_slash_command_is_in_the_readme(
    simcord_env: object, simcord_bot: AscoltoBot
) -> None:
    names = [
        command.qualified_name
        for command in simcord_bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
    ]

    missing = [name for name in names if f"`/{name}" not in README]

    assert len(names) >= 20
    assert missing == []
