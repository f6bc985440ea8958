"""The Bot subclass: services come in through the constructor and go out in close()."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any

import discord
from discord.ext import commands, tasks

from bot.clock import utcnow
from bot.dashboard import Dashboard, Rules
from bot.digests import DigestService
from bot.errors import AscoltoTree
from bot.extensions import discover
from bot.inferred import InferenceService
from bot.policy import LoggingPolicy
from bot.recorder import ConversationRecorder
from bot.reminders import ReminderService
from bot.settings import Settings
from bot.store import Store
from bot.store.timers import Timer
from bot.summaries import SummaryService
from bot.timers import TimerDispatcher

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """The gateway intents the bot needs; two of them are privileged (see the README)."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    wanted.members = True
    return wanted


class AscoltoBot(commands.Bot):
    """Ascolto: logs conversations, reminds members to listen, summarises each day."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        dashboard: Dashboard | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            tree_cls=AscoltoTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.store = store
        self.dashboard = dashboard
        self.policy = LoggingPolicy(store)
        self.recorder = ConversationRecorder(store, self.policy, settings.privacy)
        self.timer_dispatcher = TimerDispatcher(
            store.timers,
            self._fire_timer,
            max_sleep=settings.database.timer_recheck_seconds,
        )
        self.summaries = SummaryService(store, settings.defaults)
        self.inference = InferenceService(store)
        self.reminders = ReminderService(store, self.timer_dispatcher, settings, self.summaries)
        self.digests = DigestService(
            store, self.timer_dispatcher, self.summaries, reminders=self.reminders
        )
        self._flusher = tasks.loop(seconds=settings.database.flush_interval_seconds)(self._flush)
        self._heart = tasks.loop(seconds=settings.database.heartbeat_interval_seconds)(self._beat)
        self._connected = False

    async def setup_hook(self) -> None:
        """Open the store, load every cog, sync the slash commands, start flushing."""
        await self.store.open()
        await self.policy.load()
        await self.digests.resume(utcnow())
        await self.reminders.resume(utcnow())
        for extension in discover():
            await self.load_extension(extension)
        await self._sync_commands()
        self._flusher.start()
        self._heart.start()
        self.timer_dispatcher.start()
        await self._start_dashboard()

    async def _start_dashboard(self) -> None:
        # After the store: the file exists and has its schema. A dashboard that cannot
        # listen (the port taken) is logged; the bot runs on without it.
        if self.dashboard is None:
            return
        try:
            await self.dashboard.start()
        except OSError as exc:
            log.error(
                "the dashboard cannot listen at %s (%s); the bot runs without it",
                self.dashboard.address,
                exc.strerror or exc,
            )
            return
        log.info("dashboard at %s", self.dashboard.address)

    async def _sync_commands(self) -> None:
        guild_ids = self.settings.discord.guild_ids
        if not guild_ids:
            await self.tree.sync()
            return
        for guild_id in guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message, /) -> None:
        """Ascolto has no prefix commands: messages are only for the logging cog."""

    async def _flush(self) -> None:
        # A failure is logged by the batcher, and the rows wait for the next try. The
        # shield lets a flush under way finish when close() cancels this loop; the
        # store's own close then waits for it and flushes the rest.
        with contextlib.suppress(Exception):
            await asyncio.shield(self.store.flush())
        # What the flushes wrote gets its inferred replies in the background.
        self.inference.wake()

    async def on_ready(self) -> None:
        """Connected (again): one log line, and the heartbeat says so at once."""
        self._connected = True
        log.info("connected as %s to %d guilds", self.user, len(self.guilds))
        await self._beat()

    async def on_resumed(self) -> None:
        """The gateway session came back after a drop."""
        self._connected = True
        log.info("connection resumed")

    async def on_disconnect(self) -> None:
        """The gateway dropped; discord.py reconnects by itself."""
        if self._connected:
            log.warning("disconnected from Discord; reconnecting")
        self._connected = False

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Invited to a new server."""
        log.info("joined guild %d (%d members)", guild.id, guild.member_count or 0)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server (its data stays until deleted)."""
        log.info("left guild %d", guild.id)

    async def _beat(self, state: str | None = None) -> None:
        # A failed heartbeat is only logged: `ascolto health` will notice it is stale.
        state = state or ("connected" if self._connected else "reconnecting")
        try:
            await self.store.heartbeat.beat(
                utcnow(), state, self.store.batcher.last_flush_at, os.getpid()
            )
        except Exception:
            log.exception("the heartbeat could not be written")

    async def _fire_timer(self, timer: Timer) -> None:
        # A due timer becomes an event, e.g. ``on_digest_timer_complete(timer)``.
        self.dispatch(f"{timer.kind}_timer_complete", timer)

    async def close(self) -> None:
        """Disconnect, then write every pending row and close the database."""
        await self.timer_dispatcher.stop()
        if self.dashboard is not None:
            await self.dashboard.stop()
        self._flusher.cancel()
        self._heart.cancel()
        await super().close()
        if self.store.is_open:
            with contextlib.suppress(Exception):  # store.close() logs what is left
                await self.store.flush()
            # The last messages get their inferred replies before the store closes.
            with contextlib.suppress(Exception):
                await self.inference.settle()
            await self.inference.close()
            await self._beat("stopped")
        await self.store.close()


class ShardedAscoltoBot(AscoltoBot, commands.AutoShardedBot):
    """The same bot over several gateway connections, for bots in many servers."""


def create_bot(settings: Settings) -> AscoltoBot:
    """Build the bot and its store, not yet connected or opened; sharded when
    ``[discord] shard_count`` is set; with the dashboard when ``[dashboard] enabled``
    (a ValueError when it would listen off this machine without a password)."""
    store = Store(
        settings.database.path,
        flush_max_events=settings.database.flush_max_events,
        memory_map_mib=settings.database.memory_map_mib,
    )
    dashboard = None
    if settings.dashboard.enabled:
        dashboard = Dashboard(
            settings.database.path,
            Rules.of(settings),
            host=settings.dashboard.host,
            port=settings.dashboard.port,
            password=settings.dashboard.password,
        )
    shards = settings.discord.shard_count
    if shards is None:
        return AscoltoBot(settings, store, dashboard=dashboard)
    return ShardedAscoltoBot(settings, store, dashboard=dashboard, shard_count=shards)
