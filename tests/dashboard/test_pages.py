"""Every page of the dashboard on a small real store: what a manager sees on each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.dashboard.world import (
    EVE_TEXT,
    GUILD,
    WAITING_QUESTION,
    XSS_NAME,
    client,
)

PAGES = ("", "/waiting", "/members", "/network", "/conversations")


async def test_the_first_page_lists_the_servers_with_their_days_and_counts(
    store_path: Path,
) -> None:
    async with client(store_path) as c:
        response = await c.get("/")
        html = await response.text()

    assert response.status == 200
    assert response.content_type == "text/html"
    assert "1 server in the database" in html
    assert f'<a href="/g/{GUILD}">Test guild</a>' in html
    assert "<td>2026-03-02</td>" in html and "<td>2026-03-09</td>" in html


async def test_the_overview_shows_the_digest_figures_of_the_latest_stored_day(
    store_path: Path,
) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}")).text()

    assert "The digest's figures for 2026-03-08" in html
    # 2026-03-08: 4 messages (question, answer, reply, Dora's hello) against a usual 3.
    assert '<dt>Messages</dt><dd>4 ▲</dd><dd class="usual">usually 3</dd>' in html
    assert "<dt>Questions answered</dt><dd>1 of 1 ▶</dd>" in html
    assert f'<img src="/g/{GUILD}/trends.svg?day=2026-03-08"' in html
    assert 'alt="Three charts of the 90 days ending 2026-03-08' in html


async def test_a_day_without_a_stored_summary_says_how_to_compute_it(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}?day=2026-03-09")).text()

    assert "2026-03-09 is not computed yet" in html
    assert f"ascolto report --guild {GUILD} --from 2026-03-09 --to 2026-03-09" in html
    assert "The digest's figures" not in html


async def test_a_range_lists_each_day_latest_first(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}?from=2026-03-06&to=2026-03-09")).text()

    days = re.findall(r'<th scope="row"><a href="[^"]+">(2026-03-\d\d)</a></th>', html)
    assert days == ["2026-03-09", "2026-03-08", "2026-03-07", "2026-03-06"]
    assert html.count("not computed yet</td>") == 1


async def test_the_trends_are_an_svg_picture(store_path: Path) -> None:
    async with client(store_path) as c:
        response = await c.get(f"/g/{GUILD}/trends.svg?day=2026-03-08")
        body = await response.read()

    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    assert body.startswith(b"<?xml") and b"<svg" in body
    assert b"<script" not in body


async def test_waiting_now_lists_the_open_question_and_the_newcomer_with_links(
    store_path: Path,
) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}/waiting")).text()

    assert 'Questions <span class="count">1</span>' in html
    assert 'Newcomers <span class="count">1</span>' in html
    assert "<strong>Alice</strong> in #general, 26 hours ago" in html
    assert f"<blockquote>{WAITING_QUESTION}</blockquote>" in html
    assert "<strong>Dora</strong> in #general, 2 days ago" in html
    assert re.search(rf'href="https://discord.com/channels/{GUILD}/2000/\d+"', html)


async def test_members_shows_each_members_figures_and_flags(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-09")).text()

    rows = member_rows(html)
    assert rows["Fred"] == ["6", "0", "0", "0%", "0", "broadcaster"]
    assert rows["Dora"] == ["1", "0", "0", "0%", "0", "newcomer"]
    # Alice: 7 questions, the open one, and her reply to Eve, which stays but is no
    # longer a reply (Eve is gone); 7 reactions: 7 / (9 + 7) listening.
    assert rows["Alice"] == ["9", "0", "7", "44%", "1", ""]
    assert rows["Bob"][:5] == ["7", "7", "0", "100%", "2"]


def member_rows(html: str) -> dict[str, list[str]]:
    """Each member's cells on the Members page, flags as words, by name (as shown)."""
    found = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, flags=re.S):
        name, rest = row.split("</th>", 1)
        cells = [
            re.sub(r"<[^>]+>", " ", c).split()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", rest, flags=re.S)
        ]
        found[name] = [" ".join(c) for c in cells]
    return found


async def test_members_sort_by_a_column_link_and_reverse(store_path: Path) -> None:
    base = f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-09"
    async with client(store_path) as c:
        by_name = await (await c.get(f"{base}&sort=name&order=asc")).text()
        by_name_down = await (await c.get(f"{base}&sort=name&order=desc")).text()
        by_listening = await (await c.get(f"{base}&sort=listening&order=desc")).text()

    names = ["&lt;img src=x onerror=alert(1)&gt;", "Alice", "Bob", "Dora", "Fred"]
    assert list(member_rows(by_name)) == names
    assert list(member_rows(by_name_down)) == names[::-1]
    assert list(member_rows(by_listening))[:2] == ["&lt;img src=x onerror=alert(1)&gt;", "Bob"]
    assert 'aria-sort="descending"' in by_listening
    # The sorted column's link reverses it, keeping the days.
    assert (
        f'href="/g/{GUILD}/members?from=2026-03-02&amp;to=2026-03-09&amp;sort=listening&amp;order=asc"'
        in by_listening
    )


async def test_members_search_by_name_keeps_the_days_and_the_order(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-09&q=DO")).text()
        nobody = await (await c.get(f"/g/{GUILD}/members?q=zzz")).text()

    assert list(member_rows(html)) == ["Dora"]
    assert "1 member whose name holds “DO”" in html
    assert "0 members whose name holds “zzz”" in nobody


async def test_the_network_page_draws_the_graph_and_lists_its_members(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}/network?from=2026-03-02&to=2026-03-09")).text()
        picture = await c.get(f"/g/{GUILD}/network.svg?from=2026-03-02&to=2026-03-09")
        body = await picture.read()

    assert "3 members linked by 2 connections in these days." in html
    assert f'<img src="/g/{GUILD}/network.svg?from=2026-03-02&amp;to=2026-03-09"' in html
    assert '<tr><th scope="row">Bob</th><td class="num">2</td></tr>' in html
    assert picture.content_type == "image/svg+xml" and b"<svg" in body


async def test_conversations_lists_each_days_top_conversations(store_path: Path) -> None:
    async with client(store_path) as c:
        html = await (await c.get(f"/g/{GUILD}/conversations?from=2026-03-07&to=2026-03-09")).text()

    assert html.index('id="d-2026-03-08"') < html.index('id="d-2026-03-07"')
    assert "<strong>Alice</strong>: Who is coming on day 8?" in html
    assert "1 day of these is not computed yet" in html


async def test_every_response_forbids_scripts_other_origins_and_framing(store_path: Path) -> None:
    async with client(store_path) as c:
        urls = ["/", "/static/dashboard.css", "/nope", f"/g/{GUILD}/trends.svg"]
        urls += [f"/g/{GUILD}{page}" for page in PAGES]
        urls += [f"/g/{GUILD}/export/summaries.csv"]
        for url in urls:
            response = await c.get(url)
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp, url
            assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp, url
            assert response.headers["X-Content-Type-Options"] == "nosniff", url
            assert response.headers["Referrer-Policy"] == "no-referrer", url


async def test_pages_load_nothing_from_another_host(store_path: Path) -> None:
    async with client(store_path) as c:
        for page in ("/", *(f"/g/{GUILD}{p}" for p in PAGES)):
            html = await (await c.get(page)).text()
            sources = re.findall(r'(?:src|href)="([^"]+)"', html)
            linked_out = [s for s in sources if not s.startswith(("/", "#"))]
            # Only links into Discord leave the dashboard, and only when followed.
            assert all(s.startswith("https://discord.com/channels/") for s in linked_out), page
            assert "<script" not in html and " style=" not in html, page


async def test_the_opted_out_member_appears_nowhere(store_path: Path) -> None:
    async with client(store_path) as c:
        for page in ("/", *(f"/g/{GUILD}{p}?from=2026-03-02&to=2026-03-09" for p in PAGES[1:])):
            html = await (await c.get(page)).text()
            assert "Eve" not in html and EVE_TEXT not in html, page
        for export in ("connections.csv", "summaries.json", "connections.graphml"):
            body = await (
                await c.get(f"/g/{GUILD}/export/{export}?from=2026-03-02&to=2026-03-09")
            ).text()
            assert "Eve" not in body and "15" not in re.findall(r"\b15\b", body), export


async def test_the_xss_name_is_text_on_every_page_and_in_the_pictures(store_path: Path) -> None:
    async with client(store_path) as c:
        for page in (f"/g/{GUILD}{p}?from=2026-03-02&to=2026-03-09" for p in PAGES[1:]):
            html = await (await c.get(page)).text()
            assert XSS_NAME not in html and "<script>alert" not in html, page
        members = await (await c.get(f"/g/{GUILD}/members")).text()
        svg = await (await c.get(f"/g/{GUILD}/network.svg?from=2026-03-02&to=2026-03-09")).text()

    assert "&lt;img src=x onerror=alert(1)&gt;" in members
    assert XSS_NAME not in svg and "<img" not in svg
    assert "&lt;img src=x onerro" in svg  # the label, clipped, as escaped text


async def test_a_long_members_table_comes_a_page_at_a_time(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.dashboard.pages import people

    monkeypatch.setattr(people, "MEMBERS_PAGE", 2)
    base = f"/g/{GUILD}/members?from=2026-03-02&to=2026-03-09&sort=name&order=asc"
    async with client(store_path) as c:
        first = await (await c.get(base)).text()
        last = await (await c.get(f"{base}&page=3")).text()

    assert list(member_rows(first)) == ["&lt;img src=x onerror=alert(1)&gt;", "Alice"]
    assert "Members 1 to 2 of 5 (page 1 of 3)." in first
    query = "from=2026-03-02&amp;to=2026-03-09&amp;sort=name&amp;order=asc&amp;page=2"
    assert f'href="/g/{GUILD}/members?{query}" rel="next"' in first
    assert list(member_rows(last)) == ["Fred"]
    assert "Members 5 to 5 of 5 (page 3 of 3)." in last and 'rel="next"' not in last
