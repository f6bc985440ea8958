"""Take the README's screenshots of the dashboard from the demo's store.

Run from the repository root, with the test extra installed (Playwright) and Debian's
``chromium``::

    ascolto demo --no-dashboard --out /tmp/ascolto-demo
    python tools/dashboard_screenshots.py /tmp/ascolto-demo/ascolto-demo.db docs/

It serves the dashboard on the store (read-only, on a free port of 127.0.0.1), opens
the first server's overview, network and members pages in Chromium at 1280 pixels wide
and writes ``dashboard-overview.png``, ``dashboard-network.png`` and
``dashboard-members.png`` into the folder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from playwright.sync_api import sync_playwright

from bot.dashboard import DashboardConfig, create_app

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PAGES = {"overview": "Overview", "network": "Network", "members": "Members"}


def serve(database: Path) -> tuple[str, Callable[[], None]]:
    """Serve the dashboard from a thread of its own; its address, and how to stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(DashboardConfig(database)), access_log=None)

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    loop.run_until_complete(start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)

    return f"http://127.0.0.1:{port}", stop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="the demo's ascolto-demo.db")
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("dashboard_screenshots: Chromium is not installed", file=sys.stderr)
        return 2
    base, stop = serve(args.database)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        page.locator("main table tbody a").first.click()
        for name, label in PAGES.items():
            page.get_by_role("navigation").get_by_role("link", name=label).click()
            page.wait_for_load_state("load")
            target = args.out / f"dashboard-{name}.png"
            page.screenshot(path=target, full_page=True)
            print(f"{target}: {page.url.removeprefix(base)}", flush=True)
        browser.close()
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
