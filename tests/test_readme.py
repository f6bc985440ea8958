"""The README's command reference covers every command there is."""

from __future__ import annotations

from pathlib import Path

from discord import app_commands

from bot.app import AscoltoBot
from bot.cli import subcommands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_line_subcommand_is_in_the_readme() -> None:
    missing = [name for name in subcommands() if f"ascolto {name} " not in README]

    assert missing == []


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
