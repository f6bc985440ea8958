"""One demo run: the real bot on a fresh store, the community played day by day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.app import AscoltoBot, create_bot
from bot.demo import community
from bot.demo.capture import Capture, Post
from bot.demo.stage import SETTLE_TIMEOUT_SECONDS, DemoEnv, Stage
from bot.settings import DatabaseSettings, RemindersSettings, Settings

DAY_SECONDS = 24 * 3600
HOUR_SECONDS = 3600
# Each flush of the bot's loop also wakes reply inference; every three hours keeps the
# inferred replies current for the board and the digests at a third of the cost.
FLUSH_SECONDS = 3 * HOUR_SECONDS
# The morning after the last day: its digest has been posted by then (server time).
LAST_MORNING_MINUTE = community.at(10, 0)


class DemoError(Exception):
    """The bot failed during the demo; the message says how."""


class DemoSettings(Settings):
    """The bot's settings for the demo, from the arguments only: no config file, .env or
    ASCOLTO_* variable of the machine changes what the demo shows."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def demo_settings(database: Path) -> Settings:
    """The default settings, with the clock-driven loops at coarse intervals: the demo's
    clock moves by minutes and hours, and each tick of a loop costs real time."""
    return DemoSettings(
        database=DatabaseSettings(
            path=database,
            flush_interval_seconds=FLUSH_SECONDS,
            heartbeat_interval_seconds=DAY_SECONDS,
            timer_recheck_seconds=DAY_SECONDS,
        ),
        reminders=RemindersSettings(check_interval_seconds=HOUR_SECONDS),
    )


@dataclass(frozen=True)
class Outcome:
    """What a run produced, for the transcript and the closing summary."""

    days: int
    messages: int  # sent by members, opted-out member included
    members: int  # who posted at least once
    posts: list[Post]
    files: dict[str, bytes]
    names: dict[int, str]
    places: dict[int, str]


async def play(
    database: Path, *, days: int, seed: int, on_day: Callable[[int], None] | None = None
) -> Outcome:
    """Run the bot on ``database`` while the community lives ``days`` days; ``on_day``
    is called after each simulated day (for a progress bar)."""
    rng = Random(seed)
    bot = create_bot(demo_settings(database))
    env = DemoEnv(bot, settle_timeout=SETTLE_TIMEOUT_SECONDS, check_errors=False)
    stage = Stage(env)
    await env.start()
    try:
        # The bot closes inside the simulated clock too: its last heartbeat row then
        # holds a simulated time, not the machine's.
        with env.time_context():
            try:
                capture = await _live(stage, bot, days, rng, on_day)
            finally:
                await bot.close()
        errors = env.errors
    finally:
        await env.shutdown()
    if errors:
        raise DemoError(f"the bot failed during the demo: {errors[0]!r}")
    return Outcome(
        days=days,
        messages=stage.sent,
        members=len(stage.speakers),
        posts=capture.in_order(),
        files=capture.files,
        names=capture.names,
        places=capture.places,
    )


async def _live(
    stage: Stage, bot: AscoltoBot, days: int, rng: Random, on_day: Callable[[int], None] | None
) -> Capture:
    """Play every day's beats, then wait for the morning after the last day (its digest)."""
    assert bot.user is not None
    capture = Capture(bot_id=bot.user.id)
    stage.attach(capture)
    await stage.guild_available()
    for day in range(days):
        for beat in community.day_beats(day, days, rng):
            await stage.advance_to(stage.moment(day, beat.minute))
            await stage.play(beat)
        await stage.advance_to(stage.moment(day + 1, 0))
        if on_day is not None:
            on_day(day + 1)
    await stage.advance_to(stage.moment(days, LAST_MORNING_MINUTE))
    await bot.store.flush()
    await capture.observe()
    return capture
