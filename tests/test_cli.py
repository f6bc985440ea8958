"""The ``ascolto`` command line, run in-process; ``python -m bot`` once in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.cli import subcommands
from bot.settings import Settings, load_settings
from bot.store.connection import latest_version
from tests.helpers import run_cli

SECRET = "secret-token-value"


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


# --help and wrong arguments


def test_known_subcommands_exist() -> None:
    assert {"run", "check-config", "migrate"} <= set(subcommands())


def test_top_level_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--help")

    assert code == 0
    assert out.startswith("usage: ascolto ")
    for name in ("run", "check-config", "migrate"):
        assert name in out
    assert err == ""


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_subcommand_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run_cli(capsys, command, "--help")

    assert code == 0
    assert out.startswith(f"usage: ascolto {command}")
    assert err == ""


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_database_subcommands_take_db_option(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    _, out, _ = run_cli(capsys, command, "--help")

    assert "--db PATH" in out


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-subcommand"),
        pytest.param(["bogus"], id="unknown-subcommand"),
        pytest.param(["run", "--bogus"], id="unknown-option"),
        pytest.param(["migrate", "--db"], id="option-without-value"),
        pytest.param(["check-config", "extra"], id="extra-argument"),
        pytest.param(["check-config", "--db", "x.db"], id="option-of-another-subcommand"),
    ],
)
def test_wrong_arguments_give_one_line_error_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run_cli(capsys, *argv)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "error:" in err
    assert "Traceback" not in err


def test_version_is_the_installed_packages(capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]

    code, out, err = run_cli(capsys, "--version")

    assert (code, out, err) == (0, f"ascolto {declared}\n", "")


def test_python_dash_m_bot_is_the_ascolto_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    in_process_code, in_process_out, _ = run_cli(capsys, "--help")

    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=os.environ.copy(),
        timeout=60,
        check=False,
    )

    assert result.returncode == in_process_code == 0
    assert result.stdout == in_process_out
    assert result.stdout.startswith("usage: ascolto ")


# check-config


def test_check_config_masks_the_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)

    code, out, err = run_cli(capsys, "check-config")

    assert code == 0
    assert SECRET not in out + err
    assert 'token = "**********"' in out


def test_check_config_prints_the_effective_configuration_as_toml(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[defaults]\ntimezone = "Europe/Rome"\n[discord]\nguild_ids = [7]\n')
    monkeypatch.setenv("ASCOLTO_DATABASE__FLUSH_MAX_EVENTS", "42")

    code, out, _ = run_cli(capsys, "check-config", "--config", str(config))

    assert code == 0
    assert out.splitlines()[0] == f"# configuration file: {config}"
    printed = tomllib.loads(out)
    assert printed["defaults"]["timezone"] == "Europe/Rome"
    assert printed["discord"]["guild_ids"] == [7]
    assert printed["discord"]["token"] == ""
    assert printed["database"]["flush_max_events"] == 42
    assert printed["database"]["path"] == "data/ascolto.db"
    assert printed["logging"]["level"] == "INFO"


def test_check_config_without_file_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "check-config")

    assert code == 0
    assert out.splitlines()[0] == "# configuration file: none (defaults and environment)"


def test_check_config_finds_config_toml_in_working_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text("[privacy]\nstore_content = false\n")

    code, out, _ = run_cli(capsys, "check-config")

    assert code == 0
    assert out.splitlines()[0] == "# configuration file: config.toml"
    assert tomllib.loads(out)["privacy"]["store_content"] is False


def test_check_config_with_bad_value_exits_2_naming_the_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[defaults]\ntimezone = "Mars/Olympus_Mons"\n')

    code, out, err = run_cli(capsys, "check-config", "--config", str(config))

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ascolto check-config: error: ")
    assert "defaults.timezone: unknown time zone 'Mars/Olympus_Mons'" in err


def test_check_config_with_malformed_toml_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[database\n")

    code, _, err = run_cli(capsys, "check-config", "--config", str(config))

    assert code == 2
    assert err.count("\n") == 1
    assert "malformed TOML" in err


def test_check_config_with_missing_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "check-config", "--config", str(tmp_path / "nope.toml"))

    assert code == 2
    assert err.count("\n") == 1
    assert "nope.toml does not exist" in err


def test_bad_config_error_never_shows_the_token(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[discord]\ntoken = "{SECRET}"\n[database]\nflush_max_events = -1\n')

    code, out, err = run_cli(capsys, "check-config", "--config", str(config))

    assert code == 2
    assert SECRET not in out + err


def test_unparsable_environment_variable_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASCOLTO_DISCORD__GUILD_IDS", "123,456")

    code, _, err = run_cli(capsys, "check-config")

    assert code == 2
    assert err.count("\n") == 1


# Every key set to something other than its default, in every table.
EVERY_TABLE_SET = """
[discord]
guild_ids = [123456789012345678, 7]
shard_count = 3

[database]
path = "elsewhere/my \\"quoted\\" bot.db"
flush_interval_seconds = 2.5
flush_max_events = 42
memory_map_mib = 256
heartbeat_interval_seconds = 15
timer_recheck_seconds = 600

[privacy]
store_content = false
content_retention_days = 30

[defaults]
timezone = "Europe/Rome"
broadcaster_min_messages = 7
broadcaster_max_ratio = 0.35
alert_after_minutes = 90
newcomer_alert_after_minutes = 45
nudge_hour = 18
alert_expire_days = 14

[reminders]
check_interval_seconds = 120

[logging]
level = "debug"

[dashboard]
enabled = true
host = "localhost"
port = 8081
"""


def read_back(capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str) -> Path:
    """``ascolto check-config argv... > rt.toml``; returns the file."""
    code, out, _ = run_cli(capsys, "check-config", *argv)
    assert code == 0
    printed = tmp_path / "rt.toml"
    printed.write_text(out, encoding="utf-8")
    return printed


def test_check_config_output_reads_back_to_the_defaults(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    printed = read_back(capsys, tmp_path)

    code, again, err = run_cli(capsys, "check-config", "--config", str(printed))

    assert (code, err) == (0, "")
    assert load_settings(printed) == load_settings() == Settings()
    assert again.splitlines()[1:] == printed.read_text().splitlines()[1:]


def test_check_config_output_reads_back_to_every_table_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    config = tmp_path / "c.toml"
    config.write_text(EVERY_TABLE_SET, encoding="utf-8")
    original = load_settings(config)
    for table, model in original:
        assert isinstance(model, BaseModel)
        for key, value in model:
            if key not in ("token", "password"):  # secrets: from the environment, as advised
                assert value != getattr(type(model)(), key), f"{table}.{key} is the default"

    printed = read_back(capsys, tmp_path, "--config", str(config))

    assert SECRET not in printed.read_text()
    assert load_settings(printed) == original
    code, _, err = run_cli(capsys, "check-config", "--config", str(printed))
    assert (code, err) == (0, "")


def test_check_config_output_never_holds_a_token_from_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[discord]\ntoken = "{SECRET}"\n', encoding="utf-8")

    printed = read_back(capsys, tmp_path, "--config", str(config)).read_text()

    assert SECRET not in printed
    assert "# discord.token is masked: put the real token in DISCORD_TOKEN" in printed
    assert tomllib.loads(printed)["discord"]["token"] == "**********"


def test_check_config_output_never_holds_the_dashboards_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[dashboard]\npassword = "{SECRET}"\n', encoding="utf-8")

    printed = read_back(capsys, tmp_path, "--config", str(config)).read_text()

    assert SECRET not in printed
    assert "# dashboard.password is masked: put the real one in" in printed


def test_check_config_says_when_it_read_a_dotenv_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=x\nASCOLTO_PRIVACY__STORE_CONTENT=false\n")

    code, out, _ = run_cli(capsys, "check-config")

    assert code == 0
    assert out.splitlines()[1].startswith("# also read: .env ")
    assert tomllib.loads(out)["privacy"]["store_content"] is False
    assert tomllib.loads(out)["discord"]["token"] == "**********"


def test_check_config_lists_the_keys_it_leaves_unset(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "check-config")

    assert "# not set: discord.shard_count" in out.splitlines()
    assert "shard_count" not in tomllib.loads(out)["discord"]


# migrate


def test_migrate_creates_the_database_and_reports_versions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "sub" / "new.db"

    code, out, err = run_cli(capsys, "migrate", "--db", str(db))

    assert code == 0
    assert err == ""
    assert out == f"{db}: schema upgraded from version 0 to {latest_version()}\n"
    assert user_version(db) == latest_version()


def test_migrate_twice_reports_up_to_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "new.db"
    run_cli(capsys, "migrate", "--db", str(db))

    code, out, _ = run_cli(capsys, "migrate", "--db", str(db))

    assert code == 0
    assert out == f"{db}: schema already up to date (version {latest_version()})\n"


def test_migrate_without_db_uses_the_configured_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    configured = tmp_path / "configured" / "a.db"
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{configured.as_posix()}"\n')

    code, _, _ = run_cli(capsys, "migrate", "--config", str(config))

    assert code == 0
    assert user_version(configured) == latest_version()


def test_migrate_db_option_beats_the_configured_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    configured = tmp_path / "configured.db"
    chosen = tmp_path / "chosen.db"
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{configured.as_posix()}"\n')

    code, _, _ = run_cli(capsys, "migrate", "--config", str(config), "--db", str(chosen))

    assert code == 0
    assert chosen.is_file()
    assert not configured.exists()


def test_migrate_on_database_from_newer_version_exits_2_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "future.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")

    code, out, err = run_cli(capsys, "migrate", "--db", str(db))

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ascolto migrate: error: ")
    assert "newer version of Ascolto (schema 99" in err
    assert user_version(db) == 99


# run


def test_run_without_token_explains_how_to_get_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "run")

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ascolto run: error: no Discord bot token is configured")
    assert "DISCORD_TOKEN" in err
    assert "https://discord.com/developers/applications" in err


def test_run_with_empty_token_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[discord]\ntoken = ""\n')

    code, _, err = run_cli(capsys, "run", "--config", str(config))

    assert code == 2
    assert "no Discord bot token is configured" in err


def test_run_with_bad_config_exits_2_before_connecting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    monkeypatch.setenv("ASCOLTO_DATABASE__FLUSH_INTERVAL_SECONDS", "-1")

    code, _, err = run_cli(capsys, "run")

    assert code == 2
    assert err.count("\n") == 1
    assert "database.flush_interval_seconds: Input should be greater than 0" in err
    assert SECRET not in err
    assert not (tmp_path / "data").exists()
