"""``ascolto demo`` end to end: the command a new user runs, in a subprocess, and what
it leaves behind (the store, the transcript, the summary it prints)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store

DAYS = 7


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One run of ``ascolto demo --no-dashboard --days 7``, as the issue asks, from a
    clean environment (no config file, no ASCOLTO_* variable)."""
    where = tmp_path_factory.mktemp("demo")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ASCOLTO_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--no-dashboard", "--days", str(DAYS)],
        cwd=where,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done, where / "ascolto-demo"


def stored(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` read through the project's Store."""

    async def read() -> list[tuple[Any, ...]]:
        store = Store(path)
        await store.open()
        try:
            async with store.reading() as db, db.execute(sql) as cursor:
                return [tuple(row) for row in await cursor.fetchall()]
        finally:
            await store.close()

    return asyncio.run(read())


def test_the_run_ends_with_a_summary_for_a_busy_reader(demo) -> None:
    done, _out = demo
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not a terminal: no progress bar
    first, *rest = done.stdout.splitlines()
    assert re.fullmatch(
        rf"{DAYS} days simulated: \d+ messages by \d+ members; {DAYS} digests, \d+ versions "
        r"of the alert board, \d+ DMs, \d+ command answers\.",
        first,
    ), first
    text = "\n".join(rest)
    assert f"Open {Path('ascolto-demo') / 'index.html'} in a browser" in text
    assert f"ascolto dashboard --db {Path('ascolto-demo') / 'ascolto-demo.db'}" in text
    assert "ascolto run" in text


def test_the_store_holds_the_community_its_summaries_and_the_digests_posted(demo) -> None:
    _done, out = demo
    database = out / "ascolto-demo.db"

    [(messages,)] = stored(database, "SELECT count(*) FROM messages")
    days = stored(database, "SELECT day, messages FROM daily_summaries ORDER BY day")
    posted = stored(database, "SELECT day FROM digest_posts ORDER BY day")
    inferred = stored(database, "SELECT count(*) FROM inferred_replies")
    [(guild,)] = stored(database, "SELECT name FROM guilds")

    assert messages > 100
    assert len(days) == DAYS and all(count > 0 for _day, count in days)
    assert [day for (day,) in posted] == [day for day, _count in days]
    assert inferred[0][0] > 0  # answers typed without Reply
    assert guild == "Riverside Makers"


def test_the_member_who_opted_out_is_not_in_the_store(demo) -> None:
    _done, out = demo
    database = out / "ascolto-demo.db"

    franks = stored(database, "SELECT count(*) FROM messages WHERE content LIKE 'frank here:%'")
    others = stored(database, "SELECT count(*) FROM messages WHERE content LIKE 'Welcome%'")

    assert franks == [(0,)]
    assert others[0][0] > 0  # the content of everyone else is kept
    assert "frank here:" not in (out / "index.html").read_text(encoding="utf-8")


def test_the_transcript_shows_digests_with_charts_the_board_dms_and_answers(demo) -> None:
    _done, out = demo
    html = (out / "index.html").read_text(encoding="utf-8")

    charts = re.findall(r'<img src="(assets/[^"]+\.png)"', html)
    assert html.count('<div class="title">Daily digest — 2026-03-') == DAYS
    # One chart a digest, and one for each /trend the manager ran.
    assert len(charts) > DAYS and all((out / chart).is_file() for chart in charts)
    assert "<b>maria</b> used <code>/trend days:7</code>" in html
    assert "The alert board, edited in place:" in html and "waiting" in html
    assert "in DM to alice" in html and "Waiting for your reply" in html
    assert "<b>maria</b> used <code>/summary</code>" in html
    assert "Only maria can see this" in html
    assert "<b>alice</b> used <code>/inbox</code>" in html


def test_alice_marks_a_reply_done_and_her_inbox_shows_one_fewer(demo) -> None:
    _done, out = demo
    html = (out / "index.html").read_text(encoding="utf-8")

    pressed = html.index("<b>alice</b> pressed <b>Done 1</b> on the answer to <code>/inbox</code>")
    asked = html.rindex("<b>alice</b> used <code>/inbox</code>", 0, pressed)
    before = re.findall(r'<div class="title">(\d+) waiting for your reply', html[asked:pressed])
    after = re.search(r'<div class="title">(\d+) waiting for your reply', html[pressed:])
    assert before and after is not None
    assert int(after.group(1)) == int(before[0]) - 1
    assert len(stored(out / "ascolto-demo.db", "SELECT message_id FROM inbox_done")) == 1


def test_the_transcript_needs_no_server_and_asks_nothing_of_another_host(demo) -> None:
    _done, out = demo
    html = (out / "index.html").read_text(encoding="utf-8")

    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
