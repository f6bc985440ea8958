"""Configuration: one pydantic model per TOML table, loaded by pydantic-settings.

Sources, highest priority first: keyword arguments, the environment (``ASCOLTO_*``
variables nested with ``__``, then ``DISCORD_TOKEN``), a ``.env`` file in the working
directory (the same variables, in the same order), the TOML file, defaults.
"""

from __future__ import annotations

import functools
import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from bot.render.text import quoted

CONFIG_ENV_VAR = "ASCOLTO_CONFIG"
DEFAULT_CONFIG_FILE = Path("config.toml")
# Read from the working directory, as Docker Compose reads it: the same file serves both.
DOTENV_FILE = Path(".env")
TOKEN_VAR = "DISCORD_TOKEN"

# The file chosen by ``--config`` for the settings being built; a context variable
# rather than a class attribute so that two loads never see each other's file.
_config_file: ContextVar[Path | None] = ContextVar("ascolto_config_file", default=None)


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and the problem."""


# The longest IANA name is 32 characters (America/Argentina/ComodRivadavia).
MAX_TIMEZONE_LENGTH = 64
# Files of the system's time zone folder that are not zones people choose: the
# machine's own zone, and the rules that POSIX-style TZ strings borrow.
_NOT_ZONES = frozenset({"localtime", "posixrules"})

# Alerts wait at least 5 minutes and at most the 7 days a question is followed.
MIN_ALERT_MINUTES = 5
MAX_ALERT_MINUTES = 7 * 24 * 60
DEFAULT_ALERT_EXPIRE_DAYS = 7  # an item no one responded to leaves the board after this
MAX_ALERT_EXPIRE_DAYS = 30


# The largest id SQLite stores (a signed 64-bit integer). Discord's ids, which grow
# with time, stay below it until 2084.
MAX_ID = 2**63 - 1

# Every number has a finite range that the loops and date arithmetic that use it can
# take: an interval of ``inf`` or a retention of 800,000 days would stop the task.
MAX_SHARDS = 1000
MAX_INTERVAL_SECONDS = 24 * 3600  # a day: tests that move the clock by days flush rarely
MAX_FLUSH_EVENTS = 1_000_000
MAX_MEMORY_MAP_MIB = 65536  # 64 GiB
MAX_RETENTION_DAYS = 36_500  # a hundred years: "keep it", without overflowing a date
MAX_BROADCASTER_MESSAGES = 10_000

DiscordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class _Table(BaseModel):
    # No inf and no nan, in any float.
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)


class DiscordSettings(_Table):
    """``[discord]``: how the bot connects."""

    token: SecretStr | None = None
    guild_ids: list[DiscordId] = Field(default_factory=list)
    shard_count: int | None = Field(default=None, ge=1, le=MAX_SHARDS)

    @field_validator("token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        # ``token = ""`` (as check-config prints an unset token) means no token.
        return None if value == "" else value


class DatabaseSettings(_Table):
    """``[database]``: the SQLite file and the write batcher."""

    path: Path = Path("data/ascolto.db")
    flush_interval_seconds: float = Field(default=1.0, gt=0, le=MAX_INTERVAL_SECONDS)
    flush_max_events: int = Field(default=500, ge=1, le=MAX_FLUSH_EVENTS)
    # How much of the file the bot reads through a memory map, in MiB (0: none). A map
    # makes cold reads cheaper (the first reminder pass, a summary after a restart) but
    # its pages count in the bot's resident memory: 1024 took 91 days of summaries on a
    # 1M-message store to 1 GiB of RSS, none to 144 MiB (README, "Small hosts").
    memory_map_mib: int = Field(default=0, ge=0, le=MAX_MEMORY_MAP_MIB)
    heartbeat_interval_seconds: float = Field(default=30.0, gt=0, le=MAX_INTERVAL_SECONDS)
    # The timer dispatcher sleeps until the next digest or reminder pass, but never
    # longer than this in one go: it looks again in case the wall clock jumped (a
    # suspended machine) or another process added a timer.
    timer_recheck_seconds: float = Field(default=3600.0, ge=60, le=MAX_INTERVAL_SECONDS)


class PrivacySettings(_Table):
    """``[privacy]``: what is kept about members, and for how long."""

    store_content: bool = True
    content_retention_days: int = Field(default=90, ge=1, le=MAX_RETENTION_DAYS)


class DefaultsSettings(_Table):
    """``[defaults]``: per-guild defaults until a manager changes them."""

    timezone: str = "UTC"
    broadcaster_min_messages: int = Field(default=5, ge=1, le=MAX_BROADCASTER_MESSAGES)
    broadcaster_max_ratio: float = Field(default=0.2, gt=0, le=1)
    alert_after_minutes: int = Field(default=120, ge=MIN_ALERT_MINUTES, le=MAX_ALERT_MINUTES)
    newcomer_alert_after_minutes: int = Field(
        default=60, ge=MIN_ALERT_MINUTES, le=MAX_ALERT_MINUTES
    )
    nudge_hour: int = Field(default=9, ge=0, le=23)
    alert_expire_days: int = Field(
        default=DEFAULT_ALERT_EXPIRE_DAYS, ge=1, le=MAX_ALERT_EXPIRE_DAYS
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return validate_timezone(value)


class RemindersSettings(_Table):
    """``[reminders]``: how often the bot looks for reminders to send."""

    check_interval_seconds: float = Field(default=60.0, ge=10, le=3600)


class LoggingSettings(_Table):
    """``[logging]``: the process log (never message content, never the token)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_PORT = 65535


class DashboardSettings(_Table):
    """``[dashboard]``: the read-only web dashboard that ``ascolto run`` serves beside the
    bot when enabled (``ascolto dashboard`` serves it alone)."""

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1, max_length=253)
    port: int = Field(default=8080, ge=1, le=MAX_PORT)
    # Required for any host but the machine itself: without it the dashboard refuses to
    # start there (bot/dashboard/__init__.py).
    password: SecretStr | None = None

    @field_validator("password", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value


class Settings(BaseSettings):
    """Everything the bot reads from its configuration."""

    model_config = SettingsConfigDict(
        env_prefix="ASCOLTO_",
        env_nested_delimiter="__",
        env_file=DOTENV_FILE,
        env_file_encoding="utf-8",
        # A .env also holds what is not ours (DISCORD_TOKEN, Compose's variables):
        # read only the ASCOLTO_* keys that are settings, as from the environment.
        dotenv_filtering="only_existing",
        extra="forbid",
        validate_default=True,
    )

    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    defaults: DefaultsSettings = Field(default_factory=DefaultsSettings)
    reminders: RemindersSettings = Field(default_factory=RemindersSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            _DiscordTokenSource(settings_cls, os.environ.get(TOKEN_VAR)),
            dotenv_settings,
        ]
        if isinstance(dotenv_settings, DotEnvSettingsSource):
            # The source lower-cases names, as settings are not case-sensitive.
            from_dotenv = dotenv_settings.env_vars.get(TOKEN_VAR.lower())
            sources.append(_DiscordTokenSource(settings_cls, from_dotenv))
        config_file = resolve_config_file()
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


class _DiscordTokenSource(PydanticBaseSettingsSource):
    """The conventional ``DISCORD_TOKEN`` variable, given as ``discord.token``."""

    def __init__(self, settings_cls: type[BaseSettings], token: str | None) -> None:
        super().__init__(settings_cls)
        self._token = token

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {"discord": {"token": self._token}} if self._token else {}


def validate_timezone(value: str) -> str:
    """Return ``value`` if it is an IANA time zone name, else raise ValueError.

    Only the names of the time zone database are accepted, checked by length first:
    ``ZoneInfo`` alone would also take the machine's own ``localtime``, ``posixrules``
    or an absolute path, and fail on a very long name with an OSError.
    """
    if len(value) <= MAX_TIMEZONE_LENGTH and value in _iana_names():
        try:
            ZoneInfo(value)
            return value
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    raise ValueError(
        f"unknown time zone {quoted(value)} (expected an IANA name such as Europe/Rome)"
    )


@functools.cache
def _iana_names() -> frozenset[str]:
    # Read once (tens of milliseconds): the database does not change while we run.
    return frozenset(available_timezones()) - _NOT_ZONES


def resolve_config_file() -> Path | None:
    """The TOML file to read: ``--config``, else ``$ASCOLTO_CONFIG``, else ./config.toml."""
    chosen = _config_file.get()
    if chosen is not None:
        return chosen
    from_env = os.environ.get(CONFIG_ENV_VAR)
    if from_env:
        return Path(from_env)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings, turning every problem into one readable ConfigError."""
    token = _config_file.set(config_file)
    try:
        path = resolve_config_file()
        if path is not None and not path.is_file():
            raise ConfigError(f"configuration file {path} does not exist")
        try:
            return Settings(**overrides)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: malformed TOML: {exc}") from None
        except (UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"{path}: cannot read the file as UTF-8 text: {exc}") from None
        except SettingsError as exc:
            # pydantic-settings could not parse an environment variable: lists and
            # tables given through the environment must be JSON.
            raise ConfigError(
                f"invalid configuration: {exc} (lists in environment variables are JSON, "
                "e.g. ASCOLTO_DISCORD__GUILD_IDS='[123, 456]')"
            ) from None
        except ValidationError as exc:
            # The bad value may come from the file, .env, the environment or the caller.
            read = [f"configuration file: {path}"] if path is not None else []
            if DOTENV_FILE.is_file():
                read.append(f"also read: {DOTENV_FILE}")
            source = f" ({'; '.join(read)})" if read else ""
            raise ConfigError("invalid configuration: " + describe_errors(exc) + source) from None
    finally:
        _config_file.reset(token)


def describe_errors(exc: ValidationError) -> str:
    """Render validation errors as ``key: problem`` items, secrets never echoed."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            problem = "unknown key"
        else:
            problem = error["msg"].removeprefix("Value error, ")
        parts.append(f"{key}: {problem}")
    return "; ".join(parts)
