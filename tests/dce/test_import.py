"""``ascolto import``: real exports, each trap of the format, and broken files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.dce.exports import (
    GENERAL,
    GUILD,
    THREAD,
    export,
    message,
    reply_to,
    user,
    write,
)
from tests.helpers import query, run_cli

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "dce"
ADA, BEN, CAT, BOT = user(1, "ada"), user(2, "ben"), user(3, "cat"), user(9, "robot", bot=True)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "imported.db"


def ascolto_import(
    capsys: pytest.CaptureFixture[str], db: Path, *paths: Path
) -> tuple[int, str, str]:
    return run_cli(capsys, "import", *map(str, paths), "--db", str(db))


# Real exports, checked against counts read from the files here


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared example exports are not here")
def test_the_real_exports_import_with_their_replies_threads_and_joins(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    files = [read(path) for path in sorted(SHARED.glob("*.json"))]
    people = [m for f in files for m in f["messages"] if not m["author"].get("isBot")]
    joins = sum(1 for m in people if m["type"] == "GuildMemberJoin")
    in_thread = sum(
        len(f["messages"]) for f in files if f["channel"]["type"] == "GuildPublicThread"
    )
    replies = sum(
        1
        for m in people
        if m.get("reference", {}).get("messageId") and m["type"] in ("Default", "Reply")
    )

    code, out, err = ascolto_import(capsys, db, SHARED)

    assert code == 0, err
    assert "files        3 imported" in out
    assert query(db, "SELECT count(*) FROM messages") == [(len(people),)]
    assert len(people) == 3965  # 35 + 5 + 3,925, no bots among them
    assert query(db, "SELECT count(*) FROM member_events WHERE kind = 'join'") == [(joins,)]
    assert query(db, "SELECT count(*) FROM messages WHERE reply_to_message_id IS NOT NULL") == [
        (replies,)
    ]
    thread = read(SHARED / "example-guild-thread.json")["channel"]
    assert query(
        db, "SELECT DISTINCT channel_id, thread_id FROM messages WHERE thread_id IS NOT NULL"
    ) == [(int(thread["categoryId"]), int(thread["id"]))]
    assert query(db, "SELECT count(*) FROM messages WHERE thread_id IS NOT NULL") == [(in_thread,)]
    # The legacy file has no reference, no mention list and no reaction users.
    assert query(db, "SELECT count(*) FROM reactions") == [(0,)]
    assert query(db, "SELECT count(*) FROM daily_summaries") != [(0,)]

    again, out, _ = ascolto_import(capsys, db, SHARED)

    assert again == 0
    assert "0 new, 3,965 already known" in out
    assert query(db, "SELECT count(*) FROM messages") == [(len(people),)]
    assert query(db, "SELECT count(*) FROM member_events") == [(joins,)]


# The traps, one by one


def test_timestamps_with_any_precision_and_offset_are_stored_in_utc(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "times.json",
        export(
            [
                message(10, ADA, "2024-05-01T12:00:00.31+02:00"),
                message(11, BEN, "2024-05-01T12:00:01.3900215-05:00"),
                message(12, CAT, "2024-05-01T12:00:02Z"),
            ]
        ),
    )

    assert ascolto_import(capsys, db, path)[0] == 0

    assert query(db, "SELECT created_at FROM messages ORDER BY message_id") == [
        ("2024-05-01T10:00:00.310Z",),
        ("2024-05-01T17:00:01.390Z",),
        ("2024-05-01T12:00:02.000Z",),
    ]


def test_only_real_replies_are_replies(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "refs.json",
        export(
            [
                message(10, ADA, "2024-05-01T12:00:00Z", "the original"),
                message(11, BEN, "2024-05-01T12:01:00Z", "a reply typed Default", **reply_to(10)),
                message(
                    12, CAT, "2024-05-01T12:02:00Z", "forwarded", **reply_to(10, type="Forward")
                ),
                message(
                    13, CAT, "2024-05-01T12:03:00Z", "", type="ChannelPinnedMessage", **reply_to(10)
                ),
                message(
                    14,
                    CAT,
                    "2024-05-01T12:04:00Z",
                    "",
                    type="ThreadCreated",
                    reference={"messageId": None, "channelId": THREAD, "guildId": GUILD},
                ),
                message(
                    15,
                    CAT,
                    "2024-05-01T12:05:00Z",
                    "cross-post",
                    reference={"messageId": "10", "channelId": GENERAL, "guildId": "123"},
                ),
                message(
                    16,
                    CAT,
                    "2024-05-01T12:06:00Z",
                    "in another channel",
                    **reply_to(10, channel="555"),
                ),
            ]
        ),
    )

    assert ascolto_import(capsys, db, path)[0] == 0

    assert query(db, "SELECT message_id FROM messages WHERE reply_to_message_id IS NOT NULL") == [
        (11,)
    ]
    assert query(db, "SELECT source_id, target_id, kind FROM interactions") == [(2, 1, "reply")]


def test_a_reply_to_a_message_outside_the_files_counts_only_when_it_is_known(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    first = write(tmp_path, "first.json", export([message(10, ADA, "2024-05-01T12:00:00Z")]))
    assert ascolto_import(capsys, db, first)[0] == 0
    second = write(
        tmp_path,
        "second.json",
        export(
            [
                message(20, BEN, "2024-05-02T12:00:00Z", "to a known message", **reply_to(10)),
                message(21, BEN, "2024-05-02T12:01:00Z", "to an unknown one", **reply_to(7)),
            ]
        ),
    )

    assert ascolto_import(capsys, db, second)[0] == 0

    assert query(db, "SELECT count(*) FROM messages WHERE reply_to_message_id IS NOT NULL") == [
        (2,)
    ]
    assert query(db, "SELECT message_id, target_id FROM interactions") == [(20, 1)]


def test_partitions_and_overlapping_exports_merge_by_message_id(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    first = [message(10 + n, ADA, f"2024-05-01T12:0{n}:00Z") for n in range(4)]
    second = [message(12 + n, BEN, f"2024-05-01T12:0{n + 2}:00Z") for n in range(4)]
    write(tmp_path, "general [part 2].json", export(second))
    write(tmp_path, "general [part 1].json", export(first))
    write(tmp_path, "general again.json", export(first[1:3]))

    code, out, _ = ascolto_import(capsys, db, tmp_path)

    assert code == 0
    assert query(db, "SELECT count(*), min(message_id), max(message_id) FROM messages") == [
        (6, 10, 15)
    ]
    assert "6 new, 4 already known" in out


def test_a_thread_file_takes_its_parent_and_listens_to_the_threads_owner(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "general.json",
        export(
            [
                message(int(THREAD), ADA, "2024-05-01T12:00:00Z", "", type="ThreadCreated"),
            ]
        ),
    )
    write(
        tmp_path,
        "thread.json",
        export(
            [message(30, BEN, "2024-05-01T12:01:00Z", "in the thread")],
            channel=THREAD,
            channel_type="GuildPublicThread",
            parent=GENERAL,
        ),
    )

    assert ascolto_import(capsys, db, tmp_path)[0] == 0

    assert query(db, "SELECT channel_id, thread_id FROM messages WHERE message_id = 30") == [
        (int(GENERAL), int(THREAD))
    ]
    assert query(db, "SELECT source_id, target_id, kind FROM interactions") == [
        (2, 1, "thread_reply")
    ]


def test_reactions_come_from_the_users_listed_at_the_messages_time(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    reactions = [
        {"emoji": {"id": "", "name": "👍"}, "count": 5, "users": [BEN, CAT, BOT]},
        {"emoji": {"id": "77", "name": "party"}, "count": 1, "users": [BEN]},
    ]
    path = write(
        tmp_path,
        "reactions.json",
        export(
            [
                message(10, ADA, "2024-05-01T12:00:00Z", reactions=reactions),
            ]
        ),
    )

    assert ascolto_import(capsys, db, path)[0] == 0

    assert query(
        db, "SELECT user_id, emoji, created_at FROM reactions ORDER BY user_id, emoji"
    ) == [
        (2, "<:party:77>", "2024-05-01T12:00:00.000Z"),
        (2, "👍", "2024-05-01T12:00:00.000Z"),
        (3, "👍", "2024-05-01T12:00:00.000Z"),
    ]
    assert query(db, "SELECT source_id, kind FROM interactions ORDER BY source_id") == [
        (2, "reaction"),
        (3, "reaction"),
    ]


def test_bots_are_never_stored_and_old_exports_mention_through_the_text(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    old = [
        message(10, BOT, "2024-05-01T12:00:00Z", "beep"),
        message(11, ADA, "2024-05-01T12:01:00Z", "<@2> and <@!9>, look"),
    ]
    for item in old:
        del item["mentions"]
    path = write(tmp_path, "old.json", export(old))

    assert ascolto_import(capsys, db, path)[0] == 0

    assert query(db, "SELECT author_id FROM messages") == [(1,)]
    assert query(db, "SELECT source_id, target_id, kind FROM interactions") == [(1, 2, "mention")]


def test_joins_names_and_privacy_choices_are_kept(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "people.json",
        export(
            [
                message(10, ADA, "2024-05-01T12:00:00Z", "", type="GuildMemberJoin"),
                message(11, ADA, "2024-05-01T12:01:00Z", "hi <@3>", mentions=[CAT]),
                message(12, CAT, "2024-05-01T12:02:00Z", "I opted out long ago"),
            ]
        ),
    )
    assert ascolto_import(capsys, db, write(tmp_path, "seed.json", export([])))[0] == 0
    with __import__("sqlite3").connect(db) as conn:
        conn.execute(
            "INSERT INTO members (guild_id, user_id, opted_out) VALUES (?, 3, 1)", (int(GUILD),)
        )

    code, out, _ = ascolto_import(capsys, db, path)

    assert code == 0
    assert query(db, "SELECT user_id, at FROM member_events") == [(1, "2024-05-01T12:00:00.000Z")]
    assert query(db, "SELECT user_id, display_name FROM members ORDER BY user_id") == [
        (1, "ada"),
        (3, None),
    ]
    assert query(db, "SELECT message_id FROM messages ORDER BY message_id") == [(10,), (11,)]
    assert query(db, "SELECT count(*) FROM interactions") == [(0,)]
    assert "1 skipped" in out


# Broken input


def test_a_truncated_file_is_reported_and_leaves_nothing_while_others_go_on(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    good = write(tmp_path, "good.json", export([message(10, ADA, "2024-05-01T12:00:00Z")]))
    whole = json.dumps(export([message(20 + n, BEN, "2024-05-01T13:00:00Z") for n in range(50)]))
    broken = tmp_path / "broken.json"
    broken.write_text(whole[: len(whole) * 2 // 3], encoding="utf-8")

    code, out, err = ascolto_import(capsys, db, good, broken)

    assert code == 1
    [line] = [line for line in err.splitlines() if line.startswith("failed:")]
    assert "broken.json" in line and "near byte" in line and "nothing of it was kept" in line
    assert query(db, "SELECT message_id FROM messages") == [(10,)]
    assert "files        1 imported, 1 failed" in out


def test_a_message_without_a_timestamp_is_reported_by_position(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    messages = [message(10, ADA, "2024-05-01T12:00:00Z"), message(11, BEN, "not a time")]
    path = write(tmp_path, "bad.json", export(messages))

    code, _, err = ascolto_import(capsys, db, path)

    assert code == 1
    assert "bad.json: message #2 (id 11): timestamp 'not a time' is not an ISO-8601 time" in err
    assert query(db, "SELECT count(*) FROM messages") == [(0,)]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("list.json", "[1, 2, 3]", "not a DiscordChatExporter export"),
        ("text.json", "hello", "not JSON"),
        ("dm.json", json.dumps(export([], channel_type="DirectTextChat")), "not a server channel"),
    ],
)
def test_a_file_that_is_not_an_export_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    tmp_path: Path,
    name: str,
    content: str,
    expected: str,
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    code, out, err = ascolto_import(capsys, db, path)

    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err and name in err
    assert not db.exists()


def test_a_missing_path_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    code, _, err = ascolto_import(capsys, db, tmp_path / "nowhere")

    assert code == 2
    assert err.strip() == f"ascolto import: error: {tmp_path / 'nowhere'}: no such file or folder"


def test_imported_days_are_summarised_and_the_guilds_records_start_with_them(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "day.json",
        export(
            [
                message(10, ADA, "2024-05-01T09:00:00Z", "Who is in?"),
                message(11, BEN, "2024-05-01T09:05:00Z", "me", **reply_to(10)),
                message(12, CAT, "2024-05-02T10:00:00Z", "late to the party"),
            ]
        ),
    )

    code, out, _ = ascolto_import(capsys, db, path)

    assert code == 0
    assert "summaries    2 days computed again" in out
    assert query(db, "SELECT day, messages, replies, questions_answered FROM daily_summaries") == [
        ("2024-05-01", 2, 1, 1),
        ("2024-05-02", 1, 0, 0),
    ]
    assert query(db, "SELECT first_seen_at FROM guilds") == [("2024-05-01T09:00:00.000Z",)]


def test_a_large_file_written_in_bulk_gives_the_same_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.dce.importer as importer

    people = [ADA, BEN, CAT]
    messages = []
    for n in range(60):
        extra: dict[str, Any] = {}
        if n % 3 == 1:
            extra |= reply_to(100 + n - 1)
        if n % 5 == 0:
            extra["reactions"] = [{"emoji": {"id": "", "name": "👍"}, "users": people[:2]}]
        if n % 7 == 0:
            extra["mentions"] = [people[(n + 1) % 3]]
        messages.append(
            message(100 + n, people[n % 3], f"2024-05-01T12:{n:02d}:00Z", f"m{n}?", **extra)
        )
    path = write(tmp_path, "big.json", export(messages))
    databases = {}
    for mode, threshold in (("normal", 1 << 40), ("bulk", 0)):
        monkeypatch.setattr(importer, "BULK_BYTES", threshold)
        databases[mode] = tmp_path / f"{mode}.db"
        assert ascolto_import(capsys, databases[mode], path)[0] == 0

    for sql in (
        "SELECT * FROM messages ORDER BY message_id",
        "SELECT * FROM interactions ORDER BY message_id, source_id, target_id",
        "SELECT * FROM connections ORDER BY a, b",
        "SELECT * FROM reactions ORDER BY message_id, user_id",
        "SELECT type, name, sql FROM sqlite_master ORDER BY name",
    ):
        assert query(databases["bulk"], sql) == query(databases["normal"], sql), sql
    assert query(databases["bulk"], "SELECT count(*) FROM connections") == [(3,)]


def test_one_day_of_history_is_one_day_not_one_days(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "day.json", export([message(10, ADA, "2024-05-01T09:00:00Z", "hi")]))

    code, out, _ = ascolto_import(capsys, db, path)

    assert code == 0
    assert f"guild {int(GUILD)}: 2024-05-01 to 2024-05-01 (UTC), 1 day\n" in out
    assert "summaries    1 day computed again" in out


# What imported history keeps so that it tells the truth


def test_members_who_only_react_or_are_mentioned_keep_the_exports_name(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    dan, eve, fay = user(4, "dan"), user(5, "eve"), user(6, "fay")
    gus = {**user(7, "gus"), "nickname": None}  # no server nickname: the user name
    reactions = [{"emoji": {"id": "", "name": "👍"}, "count": 4, "users": [eve, gus, BOT, fay]}]
    path = write(
        tmp_path,
        "names.json",
        export(
            [
                message(10, ADA, "2024-05-01T12:00:00Z", "hi <@4>", mentions=[dan]),
                message(11, BEN, "2024-05-01T12:01:00Z", "look", reactions=reactions),
            ]
        ),
    )
    assert ascolto_import(capsys, db, write(tmp_path, "seed.json", export([])))[0] == 0
    with __import__("sqlite3").connect(db) as conn:  # fay opted out before the import
        conn.execute(
            "INSERT INTO members (guild_id, user_id, opted_out) VALUES (?, 6, 1)", (int(GUILD),)
        )

    assert ascolto_import(capsys, db, path)[0] == 0

    assert query(db, "SELECT user_id, display_name FROM members ORDER BY user_id") == [
        (1, "ada"),
        (2, "ben"),
        (4, "dan"),
        (5, "eve"),
        (6, None),
        (7, "gus"),
    ]


def test_each_file_records_its_stretch_and_what_its_exporter_recorded(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    old = [
        message(10, ADA, "2020-08-11T16:00:00.1+00:00", "first"),
        message(
            11,
            BEN,
            "2020-08-12T09:30:00+00:00",
            "last",
            reactions=[{"emoji": {"id": None, "name": "👋"}, "count": 2}],
        ),
    ]
    for item in old:
        del item["mentions"]
    legacy = export(old)
    del legacy["channel"]["categoryId"]
    write(tmp_path, "legacy.json", legacy)
    quiet = [message(20, ADA, "2020-08-12T10:00:00Z"), message(21, BEN, "2020-08-12T10:05:00Z")]
    write(tmp_path, "thread.json", export(quiet, channel=THREAD, channel_type="GuildPublicThread"))

    assert ascolto_import(capsys, db, tmp_path)[0] == 0
    assert ascolto_import(capsys, db, tmp_path)[0] == 0  # the same files again add nothing

    assert query(db, "SELECT * FROM channel_sources ORDER BY first_at") == [
        (int(GUILD), int(GENERAL), "2020-08-11T16:00:00.100Z", "2020-08-12T09:30:00.000Z", 0, 0, 0),
        (int(GUILD), int(THREAD), "2020-08-12T10:00:00.000Z", "2020-08-12T10:05:00.000Z", 1, 1, 1),
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared example exports are not here")
def test_the_real_2020_export_is_recorded_as_lacking_replies_mentions_and_reactors(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    assert ascolto_import(capsys, db, SHARED)[0] == 0

    legacy = read(SHARED / "legacy-2020-python-course-general.json")["channel"]
    assert query(
        db,
        "SELECT reply_data, mention_data, reaction_data FROM channel_sources WHERE channel_id = ?",
        int(legacy["id"]),
    ) == [(0, 0, 0)]
    # The 2023 example files have replies and mention lists, not who reacted (2.40.4).
    assert query(
        db,
        "SELECT DISTINCT reply_data, mention_data, reaction_data FROM channel_sources "
        "WHERE channel_id != ?",
        int(legacy["id"]),
    ) == [(1, 1, 0)]
