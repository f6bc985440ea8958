"""``ascolto report`` on a real database built from a small hand-made history."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot import clock
from bot.analysis.summary import DailySummary
from bot.events import GuildInfo
from bot.store import Store
from tests.dce import exports as dce
from tests.helpers import run_cli
from tests.store.history import GENERAL, GUILD, History, at

A, B, C = 11, 12, 13
NOW = at("2026-03-05 12:00")  # yesterday (UTC) is 2026-03-04
FIELDS = set(DailySummary(guild_id=0, day="", timezone="", computed_at="").to_json())
METRICS_MD = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
REMINDER_FIELDS = {"reminders_sent", "reminders_followed"}


def metrics_md_fields() -> set[str]:
    """The field names of docs/metrics.md's table "The daily summary, field by field"."""
    text = METRICS_MD.read_text(encoding="utf-8")
    section = text.split("## The daily summary, field by field", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE))


async def _build(
    path: Path,
    *,
    timezone: str | None = None,
    stored: DailySummary | None = None,
    more_posts: tuple[str, ...] = (),
) -> None:
    """Two active days (03-02 and 03-03) and a quiet one (03-04), guild seen on 03-02;
    ``more_posts`` adds a message of A at each of those times."""
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        # 2026-03-02: a question answered in 5 minutes, a reaction.
        question = history.post(A, "2026-03-02 10:00", "How do I join the call?")
        history.post(B, "2026-03-02 10:05", "Top right button", reply_to=question)
        morning = history.post(C, "2026-03-02 11:00", "Morning all")
        history.react(A, morning, "2026-03-02 11:10")
        # 2026-03-03: a question answered in 30 minutes, a reply, a reaction.
        plans = history.post(B, "2026-03-03 09:00", "Plans for tonight?")
        park = history.post(C, "2026-03-03 09:30", "Park", reply_to=plans)
        me_too = history.post(A, "2026-03-03 10:00", "me too", reply_to=park)
        history.react(B, me_too, "2026-03-03 10:05")
        for when in more_posts:
            history.post(A, when, "one more")
        await history.store.flush()
        if timezone is not None:
            async with history.store.transaction() as db:
                await db.execute(
                    """INSERT INTO digest_settings
                       (guild_id, channel_id, post_time, timezone)
                       VALUES (?, 1, '09:00', ?)""",
                    (GUILD, timezone),
                )
        if stored is not None:
            await history.store.summaries.save(stored)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    asyncio.run(_build(path))
    return path


def rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def report_json(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> list[dict[str, Any]]:
    code, out, err = run_cli(
        capsys, "report", "--db", str(db), "--guild", str(GUILD), "--json", *argv
    )
    assert (code, err) == (0, "")
    data: list[dict[str, Any]] = json.loads(out)
    return data


# --json


def test_json_has_exactly_the_metrics_fields_in_day_order(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    days = report_json(capsys, db, "--from", "2026-03-02", "--to", "2026-03-04")

    assert [d["day"] for d in days] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    for day in days:
        assert set(day) == FIELDS
        assert (day["guild_id"], day["timezone"]) == (GUILD, "UTC")
        assert day["computed_at"] == "2026-03-05T12:00:00.000Z"


def test_json_fields_are_the_metrics_md_fields_and_the_reminders(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    documented = metrics_md_fields()
    (day,) = report_json(capsys, db, "--day", "2026-03-02")

    assert REMINDER_FIELDS.issubset(documented)  # the two new counts are defined in metrics.md
    assert set(day) == documented  # every documented field, and no other


def test_reminders_in_json_and_table(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.executemany(
            """INSERT INTO reminders (guild_id, kind, user_id, sent_at, answered_at)
               VALUES (?, 'listening', ?, ?, ?)""",
            [
                (GUILD, A, "2026-03-03T08:00:00.000Z", "2026-03-03T09:00:00.000Z"),
                (GUILD, B, "2026-03-03T08:00:00.000Z", "2026-03-04T09:00:00.000Z"),  # 25 h
                (GUILD, C, "2026-03-03T08:00:00.000Z", None),
            ],
        )

    (day,) = report_json(capsys, db, "--day", "2026-03-03")
    code, out, _ = run_cli(
        capsys, "report", "--db", str(db), "--guild", str(GUILD), "--day", "2026-03-03"
    )

    assert (day["reminders_sent"], day["reminders_followed"]) == (3, 1)
    assert code == 0
    header, line = out.splitlines()
    assert header.endswith("reminders followed/sent")
    assert line.split()[-1] == "1/3"
    assert rows(
        db,
        "SELECT reminders_sent, reminders_followed FROM daily_summaries WHERE day = '2026-03-03'",
    ) == [(3, 1)]


def test_json_numbers_of_the_built_days(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    first, second, quiet = report_json(capsys, db, "--from", "2026-03-02", "--to", "2026-03-04")

    assert first["messages"] == 3
    assert (first["replies"], first["conversation_starters"], first["reactions"]) == (1, 2, 1)
    assert first["listening_ratio"] == 0.5
    assert first["active_members"] == 3
    assert (first["questions"], first["questions_answered"], first["response_rate"]) == (1, 1, 1.0)
    assert first["median_first_response_seconds"] == 300
    assert (first["new_connections"], first["network_size"], first["network_growth_7d"]) == (
        2,
        2,
        2,
    )
    ((question,),) = rows(db, "SELECT message_id FROM messages WHERE content LIKE 'How do I%'")
    assert first["top_conversations"] == [
        {
            "channel_id": GENERAL,
            "message_id": question,
            "messages": 2,
            "participants": 2,
        }
    ]

    assert second["messages"] == 3
    assert (second["replies"], second["conversation_starters"], second["reactions"]) == (2, 1, 1)
    assert second["listening_ratio"] == 0.75
    assert second["median_first_response_seconds"] == 1800
    assert (second["active_connections"], second["new_connections"]) == (3, 1)
    assert (second["network_size"], second["network_growth_7d"]) == (3, 3)
    assert {c["user_id"] for c in second["top_connectors"]} == {A, B, C}

    assert (quiet["messages"], quiet["active_members"], quiet["reactions"]) == (0, 0, 0)
    assert quiet["listening_ratio"] is None and quiet["median_first_response_seconds"] is None
    assert (quiet["network_size"], quiet["network_growth_7d"]) == (3, 3)
    assert quiet["top_connectors"] == quiet["broadcasters"] == quiet["top_conversations"] == []


def test_missing_days_are_computed_and_saved(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert rows(db, "SELECT count(*) FROM daily_summaries") == [(0,)]

    printed = report_json(capsys, db, "--from", "2026-03-02", "--to", "2026-03-04")

    saved = rows(db, "SELECT day, computed_at, messages FROM daily_summaries ORDER BY day")
    assert saved == [
        ("2026-03-02", "2026-03-05T12:00:00.000Z", 3),
        ("2026-03-03", "2026-03-05T12:00:00.000Z", 3),
        ("2026-03-04", "2026-03-05T12:00:00.000Z", 0),
    ]
    # A second run reads them back identically.
    assert report_json(capsys, db, "--from", "2026-03-02", "--to", "2026-03-04") == printed


def test_a_stored_day_is_printed_as_stored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    old = DailySummary(
        guild_id=GUILD,
        day="2026-03-02",
        timezone="UTC",
        computed_at="2026-03-03T00:00:07.000Z",
        messages=99,
    )
    asyncio.run(_build(path, stored=old))

    days = report_json(capsys, path, "--from", "2026-03-02", "--to", "2026-03-03")

    assert days[0] == old.to_json()
    assert days[1]["messages"] == 3  # the missing day next to it is computed
    assert rows(
        path, "SELECT computed_at, messages FROM daily_summaries WHERE day = '2026-03-02'"
    ) == [("2026-03-03T00:00:07.000Z", 99)]


def test_default_day_is_yesterday_in_utc(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    asyncio.run(_build(path, more_posts=("2026-03-04 18:00",)))

    (day,) = report_json(capsys, path)  # and no note on stderr

    assert day["day"] == "2026-03-04"


def test_default_day_follows_the_guilds_time_zone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "a.db"
    # NOW is 2026-03-06 01:00 in Auckland; the last post is on 03-05 at 22:00 there.
    asyncio.run(_build(path, timezone="Pacific/Auckland", more_posts=("2026-03-05 09:00",)))

    (day,) = report_json(capsys, path)

    assert (day["day"], day["timezone"]) == ("2026-03-05", "Pacific/Auckland")


def test_single_day(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    (day,) = report_json(capsys, db, "--day", "2026-03-03")

    assert (day["day"], day["messages"]) == ("2026-03-03", 3)


def test_a_range_starting_before_the_first_observed_day_starts_there(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        "report",
        "--db",
        str(db),
        "--guild",
        str(GUILD),
        "--json",
        "--from",
        "2026-02-20",
        "--to",
        "2026-03-02",
    )

    assert code == 0
    assert [d["day"] for d in json.loads(out)] == ["2026-03-02"]
    assert err == f"note: guild {GUILD} was first observed on 2026-03-02; the report starts there\n"
    assert rows(db, "SELECT day FROM daily_summaries") == [("2026-03-02",)]


def test_the_configured_database_is_used_without_db(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\npath = "{db.as_posix()}"\n')

    code, out, _ = run_cli(
        capsys,
        "report",
        "--config",
        str(config),
        "--guild",
        str(GUILD),
        "--json",
        "--day",
        "2026-03-02",
    )

    assert code == 0
    assert json.loads(out)[0]["messages"] == 3


# the table


def test_table_has_a_header_and_one_aligned_row_per_day(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(
        capsys,
        "report",
        "--db",
        str(db),
        "--guild",
        str(GUILD),
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
    )

    assert (code, err) == (0, "")
    header, *lines = out.splitlines()
    assert header.split()[:4] == ["day", "messages", "active", "listening"]
    assert [line.split()[0] for line in lines] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert lines[0].split() == [
        "2026-03-02",
        "3",
        "3",
        "50.0%",
        "1/1",
        "5",
        "min",
        "2",
        "2",
        "(+2)",
        "0/0",
    ]
    assert lines[1].split() == [
        "2026-03-03",
        "3",
        "3",
        "75.0%",
        "1/1",
        "30",
        "min",
        "1",
        "3",
        "(+3)",
        "0/0",
    ]
    assert lines[2].split() == ["2026-03-04", "0", "0", "—", "0/0", "—", "0", "3", "(+3)", "0/0"]
    # Right-aligned numbers: every line is as long as the header's last column ends.
    assert len({len(line) for line in [header, *lines]}) == 1
    assert "member" not in out  # no names, no per-person lists


# errors: one line on stderr, exit 2, nothing written


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["--guild", "999"], "unknown guild 999", id="unknown-guild"),
        pytest.param(["--day", "2026-13-01"], "'2026-13-01' is not a day", id="malformed-day"),
        pytest.param(["--day", "yesterday"], "is not a day written as YYYY-MM-DD", id="word-day"),
        pytest.param(
            ["--from", "2026-03-02", "--to", "03/03/2026"], "--to: '03/03/2026'", id="malformed-to"
        ),
        pytest.param(
            ["--from", "2026-03-03", "--to", "2026-03-02"],
            "--from 2026-03-03 is after --to 2026-03-02",
            id="from-after-to",
        ),
        pytest.param(["--from", "2026-03-02"], "--from needs --to", id="from-without-to"),
        pytest.param(["--to", "2026-03-02"], "--to needs --from", id="to-without-from"),
        pytest.param(
            ["--day", "2026-03-02", "--from", "2026-03-02", "--to", "2026-03-03"],
            "either --day or --from and --to",
            id="day-with-range",
        ),
        pytest.param(["--day", "2026-03-05"], "2026-03-05 has not ended yet in UTC", id="today"),
        pytest.param(
            ["--from", "2026-03-01", "--to", "2026-03-10"],
            "2026-03-10 has not ended yet",
            id="range-into-the-future",
        ),
        pytest.param(
            ["--from", "2025-03-01", "--to", "2026-03-02"],
            "the range has 367 days; at most 366",
            id="range-too-long",
        ),
        pytest.param(
            ["--day", "2026-03-01"], "first observed on 2026-03-02", id="before-first-observed"
        ),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db: Path, argv: list[str], expected: str
) -> None:
    if "--guild" not in argv:
        argv = ["--guild", str(GUILD), *argv]

    code, out, err = run_cli(capsys, "report", "--db", str(db), *argv)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("ascolto report: error: ")
    assert expected in err
    assert rows(db, "SELECT count(*) FROM daily_summaries") == [(0,)]


def test_a_range_of_366_days_is_allowed(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run_cli(
        capsys,
        "report",
        "--db",
        str(db),
        "--guild",
        str(GUILD),
        "--json",
        "--from",
        "2025-03-04",
        "--to",
        "2026-03-04",
    )

    assert code == 0
    assert [d["day"] for d in json.loads(out)] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert "first observed on 2026-03-02" in err


def test_a_missing_database_is_an_error_not_a_new_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "a.db"

    code, out, err = run_cli(capsys, "report", "--db", str(missing), "--guild", str(GUILD))

    assert code == 2
    assert out == ""
    assert err == f"ascolto report: error: no database at {missing}\n"
    assert not missing.parent.exists()


def test_without_day_the_report_is_of_the_latest_day_with_messages(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run_cli(capsys, "report", "--db", str(db), "--guild", str(GUILD), "--json")

    assert code == 0
    assert [d["day"] for d in json.loads(out)] == ["2026-03-03"]  # 03-04 had no message
    assert err == "note: no --day given: reporting 2026-03-03, the latest day with messages\n"
    assert rows(db, "SELECT day FROM daily_summaries") == [("2026-03-03",)]


def test_an_imported_archive_is_reported_by_default_and_leaves_no_empty_days(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    alice, bob = dce.user(21, "alice"), dce.user(22, "bob")
    archive = dce.export(
        [
            dce.message(901, alice, "2020-11-01T10:00:00+00:00", "Anyone here?"),
            dce.message(902, bob, "2020-11-03T09:00:00+00:00", "Yes!", **dce.reply_to(901)),
            dce.message(903, alice, "2020-11-03T09:05:00+00:00", "Great"),
        ]
    )
    path = dce.write(tmp_path, "archive.json", archive)
    assert run_cli(capsys, "import", str(path), "--db", str(db))[0] == 0

    code, out, err = run_cli(capsys, "report", "--db", str(db), "--json")  # its only guild

    assert code == 0
    [day] = json.loads(out)
    assert (day["day"], day["messages"]) == ("2020-11-03", 2)
    assert err == "note: no --day given: reporting 2020-11-03, the latest day with messages\n"
    code, _, err = run_cli(capsys, "export", "summaries", "--db", str(db), "--format", "csv")
    assert code == 0
    assert err == (
        "note: no --from/--to given: exporting 2020-11-01 to 2020-11-03, "
        "ending on the latest day with messages\n"
    )
    assert rows(db, "SELECT min(day), max(day), count(*) FROM daily_summaries") == [
        ("2020-11-01", "2020-11-03", 3)  # nothing before the first message, nor after the last
    ]


# which guild


def test_without_guild_the_only_guild_is_used(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, err = run_cli(capsys, "report", "--db", str(db), "--day", "2026-03-02", "--json")

    assert (code, err) == (0, "")
    assert json.loads(out)[0]["guild_id"] == GUILD


def test_without_guild_several_guilds_are_listed_in_the_error(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO guilds (guild_id, name, first_seen_at) VALUES (?, 'Other guild', ?)",
            (GUILD + 1, "2026-03-01T00:00:00.000Z"),
        )

    code, out, err = run_cli(capsys, "report", "--db", str(db))

    assert (code, out) == (2, "")
    assert err == (
        f"ascolto report: error: {db} holds 2 guilds; choose one with --guild: "
        f"{GUILD} (Test guild), {GUILD + 1} (Other guild)\n"
    )


def test_without_guild_an_empty_database_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    assert run_cli(capsys, "migrate", "--db", str(empty))[0] == 0

    code, out, err = run_cli(capsys, "report", "--db", str(empty))

    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"ascolto report: error: no guilds in {empty} yet")


# GuildQueries


async def test_guild_queries(tmp_path: Path) -> None:
    store = Store(tmp_path / "g.db")
    await store.open()
    try:
        guilds = store.guilds
        history = History(store)
        await history.policy.load()
        assert not await guilds.known(GUILD)
        assert await guilds.first_seen_day(GUILD, "UTC") is None

        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 23:30"))
        assert await guilds.known(GUILD)  # queued writes are flushed first
        assert not await guilds.known(GUILD + 1)
        assert await guilds.first_seen_day(GUILD, "UTC") == date(2026, 3, 2)
        assert await guilds.first_seen_day(GUILD, "Europe/Rome") == date(2026, 3, 3)

        history.post(A, "2026-02-27 12:00", "imported from before the bot came")
        assert await guilds.first_seen_day(GUILD, "UTC") == date(2026, 2, 27)

        assert await guilds.timezone(GUILD, "Europe/Rome") == "Europe/Rome"
        async with store.transaction() as db:
            await db.execute(
                """INSERT INTO digest_settings
                   (guild_id, channel_id, post_time, timezone)
                   VALUES (?, 1, '09:00', 'America/New_York')""",
                (GUILD,),
            )
        assert await guilds.timezone(GUILD, "Europe/Rome") == "America/New_York"
        assert await guilds.timezone(GUILD + 1, "Europe/Rome") == "Europe/Rome"
    finally:
        await store.close()
