"""The dashboard in a real browser: Playwright driving the system's Chromium (Debian's
``chromium`` package; Playwright's own browser download is never used).

Every page of the small world (tests/dashboard/world.py) is opened as a manager would:
it must load with no console error and no request to another host, show its chart,
navigate and sort, show the member named like an HTML attack as text, fit a phone's
screen, keep its text at WCAG AA contrast, and ask for the password when one is set.
Each page's screenshot is saved (to ``$ASCOLTO_SCREENSHOTS`` when set, else the test's
temporary folder) to be looked at.

Without Chromium or Playwright these tests skip with the reason, except under CI
(``CI`` set), where .ci/run installs both and a missing one fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.dashboard import create_app
from tests.dashboard.world import XSS_NAME, config
from tests.store.history import GUILD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine's probe starts it: no sandbox (root in a container), and none of the
# background connections Chromium makes to Google's hosts on its own.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"
PAGES = {
    "guilds": "/",
    "overview": f"/g/{GUILD}?day=2026-03-08",
    "waiting": f"/g/{GUILD}/waiting",
    "members": f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-08",
    "network": f"/g/{GUILD}/network?from=2026-03-02&to=2026-03-08",
    "conversations": f"/g/{GUILD}/conversations?from=2026-03-02&to=2026-03-08",
}
CHARTS = {"overview": "trends", "network": "connections graph"}


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}: .ci/run installs it, the browser tests may not skip in CI")
    pytest.skip(f"{what}, so the dashboard's browser tests cannot run here")


try:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright
except ImportError:  # pragma: no cover - installed with the test extra
    sync_playwright = None


@dataclass
class Served:
    """A dashboard served on a real port from a thread of its own."""

    base: str
    host: str


@dataclass
class Watch:
    """What a page did while it was open: console errors, script errors, dialogs, and
    every request it made."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(store_path: Path) -> Iterator[Browser]:
    """Chromium, launched once per module. Playwright's sync API runs an event loop in
    this thread, so the world is built first (``store_path``, with asyncio.run)."""
    if sync_playwright is None:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    if CHROMIUM is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _serve(path: Path, password: str | None) -> Iterator[Served]:
    """Serve the world's dashboard on a free port of 127.0.0.1 until the test ends."""
    secret = None if password is None else SecretStr(password)
    app = create_app(config(path, password=secret))
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=60)
    try:
        yield Served(f"http://127.0.0.1:{port}", f"127.0.0.1:{port}")
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=60)
        loop.close()


@pytest.fixture(scope="module")
def served(store_path: Path) -> Iterator[Served]:
    yield from _serve(store_path, None)


@pytest.fixture(scope="module")
def guarded(store_path: Path) -> Iterator[Served]:
    yield from _serve(store_path, PASSWORD)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("ASCOLTO_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Browser, **options: Any) -> tuple[Page, Watch]:
    context = browser.new_context(**options)
    context.set_default_timeout(60_000)
    page = context.new_page()
    watch = Watch()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.errors.append(message.text)

    def request(sent: Request) -> None:
        watch.requests.append(sent.url)

    page.on("console", console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", request)
    return page, watch


def _assert_clean(watch: Watch, served: Served, expected: tuple[str, ...] = ()) -> None:
    assert watch.errors == list(expected)
    assert watch.dialogs == []
    foreign = [url for url in watch.requests if urlsplit(url).netloc != served.host]
    assert foreign == []


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_clean_with_its_chart_and_fits_a_phone(
    browser: Browser, served: Served, shots: Path, name: str
) -> None:
    for device, options in {
        "desktop": {"viewport": {"width": 1280, "height": 900}},
        "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
    }.items():
        page, watch = _open(browser, **options)
        response = page.goto(served.base + PAGES[name])
        assert response is not None and response.status == 200
        page.wait_for_load_state("load")

        if name in CHARTS:
            chart = page.locator("main img").first
            assert chart.is_visible()
            shown = chart.evaluate("img => img.complete && img.naturalWidth > 0")
            assert shown, f"the {CHARTS[name]} did not load"
        # Nothing wider than the screen: no sideways scrolling of the whole page.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"] + 1  # type: ignore[index]
        page.screenshot(path=shots / f"{name}-{device}.png", full_page=True)
        _assert_clean(watch, served)
        page.context.close()


def test_navigation_from_the_servers_to_every_page_of_one(browser: Browser, served: Served) -> None:
    page, watch = _open(browser)
    page.goto(served.base + "/")
    page.get_by_role("link", name="Test guild").click()
    assert page.url.startswith(f"{served.base}/g/{GUILD}")
    assert page.get_by_role("heading", level=1).first.is_visible()

    nav = page.get_by_role("navigation", name="Pages of this server")
    for label in ("Waiting now", "Members", "Network", "Conversations", "Overview"):
        nav.get_by_role("link", name=label).click()
        page.wait_for_load_state("load")
        current = nav.locator("[aria-current=page]")
        assert current.inner_text() == label
    _assert_clean(watch, served)
    page.context.close()


def test_the_keyboard_reaches_the_content_and_the_pages(browser: Browser, served: Served) -> None:
    page, watch = _open(browser)
    page.goto(served.base + PAGES["overview"])

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content" and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # From the top, Tab walks the links in order; Enter on "Members" opens it.
    page.goto(served.base + PAGES["overview"])
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Members":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served.base}/g/{GUILD}/members*")
    _assert_clean(watch, served)
    page.context.close()


def _column(page: Page, index: int) -> list[str]:
    return page.locator(f"main table tbody tr td:nth-child({index})").all_inner_texts()


def test_the_members_table_sorts_by_a_column_and_reverses(browser: Browser, served: Served) -> None:
    page, watch = _open(browser)
    page.goto(served.base + PAGES["members"])
    headers = page.locator("main table thead th").all_inner_texts()
    column = 1 + next(i for i, text in enumerate(headers) if text.startswith("Messages"))

    page.locator("main table thead th a", has_text="Messages").click()
    page.wait_for_load_state("load")
    first = [int(text.replace(",", "")) for text in _column(page, column)]
    assert len(first) >= 3
    assert first in (sorted(first), sorted(first, reverse=True))
    assert "sort=messages" in page.url

    page.locator("main table thead th a", has_text="Messages").click()
    page.wait_for_load_state("load")
    second = [int(text.replace(",", "")) for text in _column(page, column)]
    assert sorted(second) == sorted(first) and second != first
    assert second in (sorted(first), sorted(first, reverse=True))
    _assert_clean(watch, served)
    page.context.close()


def test_a_member_named_like_html_shows_as_text_and_runs_nothing(
    browser: Browser, served: Served
) -> None:
    page, watch = _open(browser)
    for name in ("members", "network"):
        page.goto(served.base + PAGES[name])
        page.wait_for_load_state("load")
        assert page.get_by_text(XSS_NAME, exact=True).first.is_visible()
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("main script").count() == 0
    assert watch.dialogs == []
    _assert_clean(watch, served)
    page.context.close()


# WCAG 2.x relative luminance and contrast of every element's own text against the
# first opaque background behind it.
CONTRAST = """
() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest(".sr, .skip")) continue;
    const fg = parse(style.color), bg = background(el);
    const alpha = fg.length === 4 ? fg[3] : 1;
    const mixed = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
    const [a, b] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}
"""


@pytest.mark.parametrize("name", list(PAGES))
def test_text_keeps_wcag_aa_contrast(browser: Browser, served: Served, name: str) -> None:
    page, watch = _open(browser)
    page.goto(served.base + PAGES[name])
    page.wait_for_load_state("load")
    assert page.evaluate(CONTRAST) == []
    _assert_clean(watch, served)
    page.context.close()


def test_with_a_password_every_page_asks_for_it_first(
    browser: Browser, guarded: Served, shots: Path
) -> None:
    page, watch = _open(browser)
    page.goto(guarded.base + PAGES["members"])
    assert urlsplit(page.url).path == "/login"
    assert page.get_by_text(XSS_NAME, exact=True).count() == 0
    page.screenshot(path=shots / "login-desktop.png", full_page=True)

    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").inner_text().startswith("Wrong password.")
    assert page.context.cookies() == []

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == f"/g/{GUILD}/members"
    assert page.get_by_text(XSS_NAME, exact=True).first.is_visible()
    (cookie,) = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    page.goto(guarded.base + PAGES["overview"])
    assert urlsplit(page.url).path == "/login"
    # The wrong password's answer is a 401, which Chromium notes in the console.
    refused = "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    _assert_clean(watch, guarded, expected=(refused,))
    page.context.close()
