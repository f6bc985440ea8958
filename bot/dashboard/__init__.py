"""The read-only web dashboard over an Ascolto store: ``ascolto dashboard`` serves it on
its own, ``ascolto run`` beside the bot (``[dashboard] enabled``), ``ascolto demo`` on
the store it made.

Safe by default: it listens on 127.0.0.1 unless told otherwise, and any other address
needs a password (:func:`check_host` refuses to start without one); it opens the
database read-only; its pages run no script and load nothing from another host.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from pydantic import SecretStr

from bot.dashboard.app import create_app
from bot.dashboard.config import DashboardConfig, Rules
from bot.settings import LOOPBACK_HOSTS, Settings

__all__ = ["Dashboard", "DashboardConfig", "Rules", "check_host", "create_app", "serve"]

NO_PASSWORD = (
    "the dashboard may listen on {host} only with a password: set [dashboard] password "
    "(or ASCOLTO_DASHBOARD__PASSWORD), or keep the host 127.0.0.1"
)


def check_host(host: str, password: SecretStr | None) -> None:
    """Refuse (ValueError, one readable line) any address but this machine's without a
    password: the dashboard shows members' names and messages."""
    if host not in LOOPBACK_HOSTS and (password is None or not password.get_secret_value()):
        raise ValueError(NO_PASSWORD.format(host=host))


def address(host: str, port: int) -> str:
    """The dashboard's address as a browser takes it."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class Dashboard:
    """The dashboard served on a running event loop: :meth:`start`, then :meth:`stop`
    (``ascolto run`` starts it in the bot's set-up and stops it when the bot closes)."""

    def __init__(
        self,
        database: Path,
        rules: Rules | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        password: SecretStr | None = None,
    ) -> None:
        check_host(host, password)
        self.host = host
        self.port = port
        self.app = create_app(DashboardConfig(database, rules or Rules(), password))
        self._runner: web.AppRunner | None = None

    @property
    def address(self) -> str:
        """Where a browser finds it."""
        return address(self.host, self.port)

    async def start(self) -> None:
        """Open the database and listen; OSError when the port is taken."""
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening and close the database; nothing when not started."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


def serve(
    database: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    password: SecretStr | None = None,
    announce: Callable[[str], None] = print,
    settings: Settings | None = None,
) -> None:
    """Serve the dashboard of ``database`` until Ctrl-C or SIGTERM, then return cleanly;
    ``announce`` is called once with the address. A ValueError (readable) for a host off
    this machine without a password; the store's errors (StoreError) for a database
    that is missing or not Ascolto's. ``settings`` gives the rules of privacy and the
    guilds' defaults (``[privacy]``, ``[defaults]``); without, their defaults."""
    rules = None if settings is None else Rules.of(settings)
    dashboard = Dashboard(database, rules, host=host, port=port, password=password)
    # Where signals cannot be caught by the loop (Windows), Ctrl-C is a KeyboardInterrupt:
    # asyncio.run cancels the serving task, which stops the dashboard on its way out.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(dashboard, announce))


async def _serve(dashboard: Dashboard, announce: Callable[[str], None]) -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stopped.set)
    await dashboard.start()
    try:
        announce(f"Dashboard: {dashboard.address} (Ctrl-C stops it)")
        await stopped.wait()
    finally:
        await dashboard.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
