"""Every bad address and parameter gets a page in the dashboard's layout that says what
was expected, with a 400 or 404, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard.world import GUILD, client

G = f"/g/{GUILD}"
CASES = [
    ("/nope", 404, "No such page", "/nope is not a page of this dashboard"),
    (f"{G}/nope", 404, "No such page", "start from the list of servers"),
    ("/g/abc", 400, "Not a server id", "&#39;abc&#39; is not a server id: expected a whole number"),
    ("/g/0", 400, "Not a server id", "from 1 to 9223372036854775807"),
    ("/g/99999999999999999999", 400, "Not a server id", "is not a server id"),
    ("/g/4242", 404, "Unknown server", "The database holds no server 4242"),
    (
        f"{G}?day=2026-13-01",
        400,
        "Bad day",
        "day: &#39;2026-13-01&#39; is not a day written as YYYY-MM-DD",
    ),
    (f"{G}?day=yesterday", 400, "Bad day", "YYYY-MM-DD"),
    (
        f"{G}/members?from=2026-03-05&to=2026-03-01",
        400,
        "Range backwards",
        "from 2026-03-05 is after to 2026-03-01",
    ),
    (f"{G}/network?from=2026-03-05", 400, "Half a range", "from needs to as well"),
    (
        f"{G}?day=2026-03-05&from=2026-03-01&to=2026-03-02",
        400,
        "Too many days",
        "either a day, or a first and a last day",
    ),
    (
        f"{G}/conversations?from=2024-01-01&to=2026-03-01",
        400,
        "Range too long",
        "at most 366 at a time",
    ),
    (f"{G}?day=2026-03-10", 400, "Day not ended", "the latest complete day is 2026-03-09"),
    (f"{G}?day=2026-02-01", 400, "Before the first day", "first observed on 2026-03-02"),
    (
        f"{G}/members?sort=karma",
        400,
        "Bad sort",
        "sort &#39;karma&#39; is not one of: name, messages",
    ),
    (f"{G}/members?order=up", 400, "Bad order", "is not one of: asc, desc"),
    (f"{G}/members?q=" + "x" * 101, 400, "Search too long", "at most 100 characters"),
    (f"{G}/members?page=0", 400, "Bad page", "page &#39;0&#39; is not one of the pages: 1 to 1."),
    (f"{G}/members?page=2", 400, "Bad page", "1 to 1"),
    (f"{G}/members?page=two", 400, "Bad page", "1 to 1"),
    (f"{G}/export/karma.csv", 404, "No such export", "unknown kind &#39;karma&#39;"),
    (f"{G}/export/summaries.xlsx", 404, "No such export", "unknown format &#39;xlsx&#39;"),
    (
        f"{G}/export/messages.json",
        404,
        "No such export",
        "messages cannot be exported as json, only as csv",
    ),
    (f"{G}/export/summaries", 404, "No such export", "has no format"),
    (f"{G}/export/connections.csv?from=2026-03-09&to=2026-03-02", 400, "Range backwards", "after"),
    (f"{G}/trends.svg?day=20260301", 400, "Bad day", "YYYY-MM-DD"),
    (f"{G}/network.svg?from=x&to=y", 400, "Bad from", "from: &#39;x&#39; is not a day"),
]


@pytest.mark.parametrize(("url", "status", "title", "detail"), CASES, ids=[c[0] for c in CASES])
async def test_a_bad_request_is_a_page_that_says_what_was_expected(
    store_path: Path, url: str, status: int, title: str, detail: str
) -> None:
    async with client(store_path) as c:
        response = await c.get(url)
        html = await response.text()

    assert response.status == status
    assert response.content_type == "text/html"
    assert f'<h1 class="error">{title}</h1>' in html
    assert f"Error {status}" in html and detail in html
    assert '<a href="/">Back to the list of servers</a>' in html
    assert "Traceback" not in html


async def test_a_method_the_page_does_not_take_is_a_page_too(store_path: Path) -> None:
    async with client(store_path) as c:
        response = await c.post(f"{G}/members")
        html = await response.text()

    assert response.status == 405
    assert "POST is not how /g/1000/members is used." in html


async def test_an_unexpected_failure_is_a_500_page_with_the_traceback_only_in_the_log(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.dashboard import data

    async def broken(*_: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(data.DashboardData, "guilds", broken)
    async with client(store_path) as c:
        response = await c.get("/")
        html = await response.text()

    assert response.status == 500
    assert "Something went wrong" in html and "the disk caught fire" not in html
    assert "the disk caught fire" in caplog.text


async def test_a_trailing_slash_leads_to_the_page(store_path: Path) -> None:
    async with client(store_path) as c:
        moved = await c.get(f"{G}/members/", allow_redirects=False)
        followed = await c.get(f"{G}/members/?q=Do")
        html = await followed.text()

    assert moved.status in (301, 308) and moved.headers["Location"] == f"{G}/members"
    assert followed.status == 200 and "1 member whose name holds “Do”" in html
