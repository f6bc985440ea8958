"""CI runs the README's development command, after the checks a contributor runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ci_commands() -> list[str]:
    """The command lines of .ci/run, without comments and blank lines."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def readme_development_command() -> str:
    """The one command in the README's Development section that installs and tests."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Development\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    [command] = block.strip().splitlines()
    return command


def test_ci_ends_with_the_readmes_development_command() -> None:
    # .ci/run picks python or python3 for the one machine that lacks `python`.
    last = ci_commands()[-1].replace('"$python"', "python")

    assert last == readme_development_command()


def test_ci_checks_lint_format_and_types_and_runs_the_container_test() -> None:
    commands = ci_commands()

    for check in (
        ".venv/bin/ruff check",
        ".venv/bin/ruff format --check",
        ".venv/bin/mypy",
        ".venv/bin/python -m pytest -m container",
    ):
        assert check in commands
        assert commands.index(check) < len(commands) - 1  # before the tests, so CI fails fast
