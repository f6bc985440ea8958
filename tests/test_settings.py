"""The configuration loader: defaults, sources and their priority, and readable errors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from bot.settings import ConfigError, DatabaseSettings, Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO_ROOT / "config.example.toml"
SECRET = "secret-token-value"


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def table_models() -> dict[str, type[BaseModel]]:
    """Every TOML table of the settings, with the model that validates it."""
    tables = {}
    for name, field in Settings.model_fields.items():
        model = field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel), name
        tables[name] = model
    return tables


# Defaults


def test_settings_build_with_no_file_and_no_environment() -> None:
    settings = Settings()

    assert settings.discord.token is None
    assert settings.discord.guild_ids == []
    assert settings.database.path == Path("data/ascolto.db")
    assert settings.database.flush_interval_seconds == 1.0
    assert settings.database.flush_max_events == 500
    assert settings.privacy.store_content is True
    assert settings.privacy.content_retention_days == 90
    assert settings.defaults.timezone == "UTC"
    assert settings.defaults.alert_expire_days == 7
    assert settings.logging.level == "INFO"


def test_load_settings_without_any_source_gives_the_defaults() -> None:
    assert load_settings() == Settings()


def test_keyword_arguments_build_settings_without_file_or_environment() -> None:
    settings = Settings(database=DatabaseSettings(path=Path("x.db"), flush_max_events=7))

    assert settings.database.path == Path("x.db")
    assert settings.database.flush_max_events == 7
    assert settings.database.flush_interval_seconds == 1.0


# Each source


def test_toml_file_given_explicitly_is_read(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "mine.toml",
        '[database]\npath = "elsewhere.db"\nflush_max_events = 42\n'
        '[defaults]\ntimezone = "Europe/Rome"\n'
        "[discord]\nguild_ids = [1, 2]\n",
    )

    settings = load_settings(config)

    assert settings.database.path == Path("elsewhere.db")
    assert settings.database.flush_max_events == 42
    assert settings.database.flush_interval_seconds == 1.0
    assert settings.defaults.timezone == "Europe/Rome"
    assert settings.discord.guild_ids == [1, 2]


def test_nested_environment_variable_sets_a_table_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASCOLTO_DATABASE__PATH", "from-env.db")
    monkeypatch.setenv("ASCOLTO_PRIVACY__STORE_CONTENT", "false")

    settings = load_settings()

    assert settings.database.path == Path("from-env.db")
    assert settings.privacy.store_content is False


def test_discord_token_environment_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)

    token = load_settings().discord.token

    assert token is not None
    assert token.get_secret_value() == SECRET


def test_empty_discord_token_variable_means_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "")

    assert load_settings().discord.token is None


def test_empty_token_in_the_file_means_no_token(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", '[discord]\ntoken = ""\n')

    assert load_settings(config).discord.token is None


def test_logging_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASCOLTO_LOGGING__LEVEL", "debug")

    assert load_settings().logging.level == "DEBUG"


# Priority: kwargs > ASCOLTO_* > DISCORD_TOKEN > .env > TOML > defaults


def test_environment_beats_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path / "c.toml", "[database]\nflush_max_events = 10\n")
    monkeypatch.setenv("ASCOLTO_DATABASE__FLUSH_MAX_EVENTS", "20")

    assert load_settings(config).database.flush_max_events == 20


def test_environment_and_toml_merge_within_one_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "c.toml", "[database]\nflush_max_events = 10\n")
    monkeypatch.setenv("ASCOLTO_DATABASE__PATH", "env.db")

    database = load_settings(config).database

    assert database.path == Path("env.db")
    assert database.flush_max_events == 10


def test_keyword_arguments_beat_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASCOLTO_DATABASE__FLUSH_MAX_EVENTS", "20")

    settings = load_settings(database={"flush_max_events": 30})

    assert settings.database.flush_max_events == 30


def test_keyword_arguments_beat_toml(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", '[defaults]\ntimezone = "Europe/Rome"\n')

    settings = load_settings(config, defaults={"timezone": "Asia/Tokyo"})

    assert settings.defaults.timezone == "Asia/Tokyo"


def test_discord_token_variable_beats_toml_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "c.toml", '[discord]\ntoken = "from-toml"\n')
    monkeypatch.setenv("DISCORD_TOKEN", "from-discord-token")

    token = load_settings(config).discord.token

    assert token is not None
    assert token.get_secret_value() == "from-discord-token"


def test_toml_token_is_used_without_discord_token_variable(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", '[discord]\ntoken = "from-toml"\n')

    token = load_settings(config).discord.token

    assert token is not None
    assert token.get_secret_value() == "from-toml"


def test_ascolto_discord_token_beats_discord_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "from-discord-token")
    monkeypatch.setenv("ASCOLTO_DISCORD__TOKEN", "from-ascolto")

    token = load_settings().discord.token

    assert token is not None
    assert token.get_secret_value() == "from-ascolto"


def test_keyword_token_beats_every_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "from-discord-token")
    monkeypatch.setenv("ASCOLTO_DISCORD__TOKEN", "from-ascolto")

    token = load_settings(discord={"token": "from-kwargs"}).discord.token

    assert token is not None
    assert token.get_secret_value() == "from-kwargs"


def test_discord_token_variable_keeps_other_discord_keys_from_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "c.toml", "[discord]\nguild_ids = [5]\n")
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)

    discord = load_settings(config).discord

    assert discord.guild_ids == [5]
    assert discord.token is not None


# .env in the working directory: below the environment, above the file


def write_dotenv(folder: Path, *lines: str) -> Path:
    return write_config(folder / ".env", "\n".join(lines) + "\n")


def test_dotenv_ranks_between_the_environment_and_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_dotenv(
        tmp_path,
        "# the README's .env, with more in it",
        "DISCORD_TOKEN=from-dotenv",
        "COMPOSE_PROJECT_NAME=not-ours",
        "ASCOLTO_LOGGING__LEVEL=DEBUG",
        "ASCOLTO_DEFAULTS__TIMEZONE=Europe/Rome",
        "ASCOLTO_DATABASE__FLUSH_MAX_EVENTS=11",
    )
    config = write_config(
        tmp_path / "c.toml",
        '[discord]\ntoken = "from-toml"\n'
        '[defaults]\ntimezone = "Asia/Tokyo"\nnudge_hour = 7\n'
        "[database]\nflush_max_events = 22\n",
    )
    monkeypatch.setenv("ASCOLTO_LOGGING__LEVEL", "WARNING")

    settings = load_settings(config)

    assert settings.logging.level == "WARNING"  # environment > .env
    assert settings.defaults.timezone == "Europe/Rome"  # .env > file
    assert settings.database.flush_max_events == 11  # .env > file
    assert settings.defaults.nudge_hour == 7  # file > defaults
    assert settings.database.flush_interval_seconds == 1.0  # defaults
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == "from-dotenv"  # .env > file


@pytest.mark.parametrize(
    ("environment", "dotenv", "expected"),
    [
        pytest.param({"DISCORD_TOKEN": "env"}, ["ASCOLTO_DISCORD__TOKEN=dotenv"], "env"),
        pytest.param({}, ["DISCORD_TOKEN=plain", "ASCOLTO_DISCORD__TOKEN=prefixed"], "prefixed"),
        pytest.param({"ASCOLTO_DISCORD__TOKEN": "env"}, ["DISCORD_TOKEN=dotenv"], "env"),
        pytest.param({"DISCORD_TOKEN": ""}, ["DISCORD_TOKEN=dotenv"], "dotenv"),
    ],
)
def test_the_token_follows_the_same_order(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    dotenv: list[str],
    expected: str,
) -> None:
    write_dotenv(tmp_path, *dotenv)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    token = load_settings().discord.token

    assert token is not None
    assert token.get_secret_value() == expected


def test_dotenv_is_read_only_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_dotenv(elsewhere, "ASCOLTO_DATABASE__FLUSH_MAX_EVENTS=11")
    config = write_config(elsewhere / "c.toml", "")

    assert load_settings(config).database.flush_max_events == 500

    monkeypatch.chdir(elsewhere)
    assert load_settings(config).database.flush_max_events == 11


def test_bad_dotenv_value_names_key_and_the_dotenv_file(tmp_path: Path) -> None:
    write_dotenv(tmp_path, "ASCOLTO_DATABASE__FLUSH_MAX_EVENTS=-1")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert "database.flush_max_events: Input should be greater than or equal to 1" in str(
        caught.value
    )
    assert "also read: .env" in str(caught.value)


# Which file


def test_config_toml_in_working_directory_is_found(tmp_path: Path) -> None:
    write_config(tmp_path / "config.toml", "[database]\nflush_max_events = 11\n")

    assert load_settings().database.flush_max_events == 11
    assert Settings().database.flush_max_events == 11


def test_ascolto_config_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path / "config.toml", "[database]\nflush_max_events = 11\n")
    other = write_config(tmp_path / "other.toml", "[database]\nflush_max_events = 22\n")
    monkeypatch.setenv("ASCOLTO_CONFIG", str(other))

    assert load_settings().database.flush_max_events == 22


def test_config_argument_beats_ascolto_config_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = write_config(tmp_path / "env.toml", "[database]\nflush_max_events = 22\n")
    chosen = write_config(tmp_path / "chosen.toml", "[database]\nflush_max_events = 33\n")
    monkeypatch.setenv("ASCOLTO_CONFIG", str(from_env))

    assert load_settings(chosen).database.flush_max_events == 33


def test_config_argument_applies_only_to_its_own_load(tmp_path: Path) -> None:
    chosen = write_config(tmp_path / "chosen.toml", "[database]\nflush_max_events = 33\n")

    load_settings(chosen)

    assert load_settings().database.flush_max_events == 500


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_missing_ascolto_config_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASCOLTO_CONFIG", str(tmp_path / "gone.toml"))

    with pytest.raises(ConfigError, match=r"gone\.toml does not exist"):
        load_settings()


# Bad input: one message naming the key and the problem


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        pytest.param(
            '[defaults]\ntimezone = "Mars/Olympus_Mons"\n',
            "defaults.timezone: unknown time zone 'Mars/Olympus_Mons'",
            id="unknown-timezone",
        ),
        pytest.param(
            "[database]\nflush_interval_seconds = -1\n",
            "database.flush_interval_seconds: Input should be greater than 0",
            id="negative-interval",
        ),
        pytest.param(
            "[database]\nflush_max_events = 0\n",
            "database.flush_max_events: Input should be greater than or equal to 1",
            id="zero-batch",
        ),
        pytest.param(
            "[database]\nmemory_map_mib = -1\n",
            "database.memory_map_mib: Input should be greater than or equal to 0",
            id="negative-memory-map",
        ),
        pytest.param(
            "[database]\nmemory_map_mib = 65537\n",
            "database.memory_map_mib: Input should be less than or equal to 65536",
            id="memory-map-over-64-gib",
        ),
        pytest.param(
            "[privacy]\ncontent_retention_days = -3\n",
            "privacy.content_retention_days: Input should be greater than or equal to 1",
            id="negative-retention",
        ),
        pytest.param(
            '[logging]\nlevel = "LOUD"\n',
            "logging.level: Input should be",
            id="unknown-level",
        ),
        pytest.param(
            '[database]\npth = "typo.db"\n',
            "database.pth: unknown key",
            id="unknown-key-in-table",
        ),
        pytest.param(
            "[databse]\nflush_max_events = 3\n",
            "databse: unknown key",
            id="unknown-table",
        ),
        pytest.param(
            'discord = "not a table"\n',
            "discord: Input should be",
            id="table-as-string",
        ),
    ],
)
def test_bad_toml_value_names_key_and_problem(tmp_path: Path, toml: str, expected: str) -> None:
    config = write_config(tmp_path / "bad.toml", toml)

    with pytest.raises(ConfigError) as caught:
        load_settings(config)

    message = str(caught.value)
    assert expected in message
    assert "bad.toml" in message
    assert "\n" not in message


def test_every_bad_key_is_reported_in_one_message(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "bad.toml",
        '[defaults]\ntimezone = "Nowhere/City"\n[database]\nflush_interval_seconds = 0\n',
    )

    with pytest.raises(ConfigError) as caught:
        load_settings(config)

    message = str(caught.value)
    assert "defaults.timezone: unknown time zone 'Nowhere/City'" in message
    assert "database.flush_interval_seconds: Input should be greater than 0" in message


def test_malformed_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "broken.toml", '[database]\npath = "unterminated\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(config)

    message = str(caught.value)
    assert message.startswith(f"{config}: malformed TOML: ")
    assert "line 2" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ASCOLTO_DEFAULTS__TIMEZONE", "Mars/Olympus_Mons", "defaults.timezone: unknown time zone"),
        (
            "ASCOLTO_DATABASE__FLUSH_INTERVAL_SECONDS",
            "-5",
            "database.flush_interval_seconds: Input should be greater than 0",
        ),
        (
            "ASCOLTO_DATABASE__FLUSH_MAX_EVENTS",
            "many",
            "database.flush_max_events: Input should be a valid integer",
        ),
        ("ASCOLTO_DATABASE__PTH", "typo.db", "database.pth: unknown key"),
    ],
)
def test_bad_environment_value_names_key_and_problem(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_keyword_argument_names_key_and_problem() -> None:
    with pytest.raises(ConfigError, match=r"^invalid configuration: database\.flush_max_events: "):
        load_settings(database={"flush_max_events": -1})


def test_unparsable_environment_list_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASCOLTO_DISCORD__GUILD_IDS", "123,456")

    with pytest.raises(ConfigError, match="discord"):
        load_settings()


def test_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "latin1.toml"
    config.write_bytes('[defaults]\ntimezone = "Europe/Zürich"\n'.encode("latin-1"))

    with pytest.raises(ConfigError, match=r"latin1\.toml"):
        load_settings(config)


# The token is a secret


def test_token_is_a_secret_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)

    assert isinstance(load_settings().discord.token, SecretStr)


def test_token_never_appears_in_repr_or_str_of_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    settings = load_settings()

    for text in (repr(settings), str(settings), repr(settings.discord), str(settings.discord)):
        assert SECRET not in text
        assert "**********" in text


def test_token_of_wrong_type_is_reported_without_its_value(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c.toml", f'[discord]\ntoken = ["{SECRET}"]\n')

    with pytest.raises(ConfigError) as caught:
        load_settings(config)

    assert "discord.token: Input should be a valid string" in str(caught.value)
    assert SECRET not in str(caught.value)


# config.example.toml


def example_config() -> Path:
    if not EXAMPLE_CONFIG.is_file():
        pytest.skip("config.example.toml is not written yet")
    return EXAMPLE_CONFIG


def test_example_config_loads_without_error() -> None:
    settings = load_settings(example_config())

    assert isinstance(settings, Settings)


def test_example_config_is_valid_toml() -> None:
    with example_config().open("rb") as file:
        tomllib.load(file)


def documented_keys(text: str) -> dict[str, set[str]]:
    """Keys per table, commented-out examples (``# key = ...``) included."""
    found: dict[str, set[str]] = {}
    table = ""
    for line in text.splitlines():
        header = re.match(r"^\s*#?\s*\[([A-Za-z0-9_]+)\]\s*(#.*)?$", line)
        if header:
            table = header.group(1)
            found.setdefault(table, set())
            continue
        key = re.match(r"^\s*#?\s*([A-Za-z0-9_]+)\s*=", line)
        if key:
            found.setdefault(table, set()).add(key.group(1))
    return found


def test_example_config_documents_every_key() -> None:
    documented = documented_keys(example_config().read_text(encoding="utf-8"))

    missing = [
        f"{table}.{key}"
        for table, model in table_models().items()
        for key in model.model_fields
        if key not in documented.get(table, set())
    ]
    assert missing == []


def test_documented_keys_reader_sees_tables_and_commented_keys() -> None:
    text = '[discord]\n# token = ""\nguild_ids = []\n\n[database]\npath = "x.db"  # where\n'

    assert documented_keys(text) == {"discord": {"token", "guild_ids"}, "database": {"path"}}


# Every number has a finite range that the loops and date arithmetic can use


def numeric_fields() -> list[tuple[str, str]]:
    """(table, key) of every number in the settings, ids in lists included."""
    return [
        (table, key)
        for table, model in table_models().items()
        for key, field in model.model_fields.items()
        if re.search(r"\b(int|float)\b", str(field.annotation))
    ]


def bounds(table: str, key: str) -> tuple[float, float]:
    """The lowest and highest value a numeric setting takes, from its constraints."""
    field = table_models()[table].model_fields[key]
    metadata = list(field.metadata)
    if not metadata:  # list[DiscordId]: the constraints are on the items
        (item,) = field.annotation.__args__  # type: ignore[union-attr]
        metadata = list(item.__metadata__[0].metadata)
    low = [getattr(m, "ge", None) for m in metadata] + [getattr(m, "gt", None) for m in metadata]
    high = [getattr(m, "le", None) for m in metadata] + [getattr(m, "lt", None) for m in metadata]
    return next(v for v in low if v is not None), next(v for v in high if v is not None)


def test_every_number_has_a_finite_range() -> None:
    fields = numeric_fields()

    assert ("database", "flush_interval_seconds") in fields
    assert ("discord", "guild_ids") in fields
    for table, key in fields:
        low, high = bounds(table, key)
        assert low < high < 2**63, (table, key)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        pytest.param(
            "[database]\nflush_interval_seconds = inf\n",
            "database.flush_interval_seconds: Input should be a finite number",
            id="infinite-flush-interval",
        ),
        pytest.param(
            "[database]\nheartbeat_interval_seconds = inf\n",
            "database.heartbeat_interval_seconds: Input should be a finite number",
            id="infinite-heartbeat",
        ),
        pytest.param(
            "[database]\nheartbeat_interval_seconds = 1e9\n",
            "database.heartbeat_interval_seconds: Input should be less than or equal to 86400",
            id="heartbeat-of-thirty-years",
        ),
        pytest.param(
            "[database]\nflush_max_events = 10000000000\n",
            "database.flush_max_events: Input should be less than or equal to 1000000",
            id="huge-batch",
        ),
        pytest.param(
            "[privacy]\ncontent_retention_days = 800000\n",
            "privacy.content_retention_days: Input should be less than or equal to 36500",
            id="retention-past-year-one",
        ),
        pytest.param(
            "[defaults]\nbroadcaster_max_ratio = nan\n",
            "defaults.broadcaster_max_ratio: Input should be a finite number",
            id="ratio-nan",
        ),
        pytest.param(
            "[defaults]\nalert_expire_days = 0\n",
            "defaults.alert_expire_days: Input should be greater than or equal to 1",
            id="alerts-never-shown",
        ),
        pytest.param(
            "[defaults]\nalert_expire_days = 31\n",
            "defaults.alert_expire_days: Input should be less than or equal to 30",
            id="alerts-kept-a-month-and-more",
        ),
        pytest.param(
            "[reminders]\ncheck_interval_seconds = -inf\n",
            "reminders.check_interval_seconds: Input should be a finite number",
            id="interval-minus-infinity",
        ),
        pytest.param(
            "[discord]\nshard_count = 1000000\n",
            "discord.shard_count: Input should be less than or equal to 1000",
            id="too-many-shards",
        ),
        pytest.param(
            "[discord]\nguild_ids = [1, 18446744073709551616]\n",
            "discord.guild_ids.1: Input should be less than or equal to 9223372036854775807",
            id="guild-id-over-2-64",
        ),
        pytest.param(
            '[defaults]\ntimezone = "localtime"\n',
            "defaults.timezone: unknown time zone 'localtime'",
            id="machine-timezone",
        ),
        pytest.param(
            f'[defaults]\ntimezone = "{"Europe/" * 400}"\n',
            "defaults.timezone: unknown time zone 'Europe/Europe/Europe/Europe/Europe/Europ…' "
            "(2,800 characters) (expected an IANA name such as Europe/Rome)",
            id="over-long-timezone",
        ),
    ],
)
def test_a_number_out_of_its_range_or_a_strange_zone_names_key_and_problem(
    tmp_path: Path, toml: str, expected: str
) -> None:
    config = write_config(tmp_path / "bad.toml", toml)

    with pytest.raises(ConfigError) as caught:
        load_settings(config)

    message = str(caught.value)
    assert expected in message
    assert "\n" not in message and len(message) < 300


def test_the_ranges_edges_are_accepted(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "edges.toml",
        "[database]\nflush_interval_seconds = 86400\nheartbeat_interval_seconds = 86400\n"
        "flush_max_events = 1000000\n[privacy]\ncontent_retention_days = 36500\n"
        '[discord]\nguild_ids = [9223372036854775807]\n[defaults]\ntimezone = "Etc/GMT+12"\n'
        "alert_expire_days = 30\n",
    )

    settings = load_settings(config)

    assert settings.defaults.alert_expire_days == 30
    assert settings.privacy.content_retention_days == 36500
    assert settings.discord.guild_ids == [2**63 - 1]


def test_the_readmes_configuration_table_gives_every_numbers_range() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table_rows = [line for line in readme.splitlines() if line.startswith("| `[")]
    rows = {line.split("|")[1].strip(): line for line in table_rows}
    missing = []
    for table, key in numeric_fields():
        row = rows[f"`[{table}] {key}`"]
        for bound in bounds(table, key):
            forms = {f"{bound:g}", f"{int(bound):,}", f"{int(bound)}"}
            # The number on its own, not inside another one (1 is not in 10,080).
            alone = [rf"(?<![\d.])(?<!\d,){re.escape(f)}(?!\d|,\d)" for f in forms]
            if not any(re.search(pattern, row) for pattern in alone):
                missing.append(f"[{table}] {key}: {bound:g}")

    assert missing == []
