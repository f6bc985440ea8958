"""``ascolto import``: one bad value in one file refuses that file, with where and why on
one line, and leaves nothing of it; the good file beside it is imported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.dce.format import FormatError, parse_header, parse_message
from tests.dce.exports import GUILD, export, message, user, write
from tests.helpers import query
from tests.test_cli import run_cli

ADA, BEN = user(1, "ada"), user(2, "ben")
OVER_2_63 = str(2**63)
OVER_2_64 = str(2**64 + 5)
WHEN = "2024-05-01T13:00:00Z"


def bad_message(**fields: Any) -> dict[str, Any]:
    """Message #2 (id 21) of the bad file, with ``fields`` replacing or adding its own."""
    return {**message(21, BEN, WHEN), **fields}


# (message #2's fields, what the error line says after "bad.json: message #2 (id 21): ")
MESSAGE_CASES = [
    pytest.param({"attachments": 5}, "attachments is a number (5), not a list", id="attachments-5"),
    pytest.param(
        {"attachments": "a.png"}, "attachments is text ('a.png'), not a list", id="att-text"
    ),
    pytest.param(
        {"timestamp": "9999-99-99"},
        "timestamp '9999-99-99' is not an ISO-8601 time",
        id="9999-99-99",
    ),
    pytest.param(
        {"timestamp": "9999-12-31T23:59:59-05:00"},
        "timestamp '9999-12-31T23:59:59-05:00' is not a time Discord can have written "
        "(from 2015-01-01 to 9998-12-31)",
        id="past-the-calendar",
    ),
    pytest.param(
        {"timestamp": "0001-01-01T00:00:00+05:00"},
        "timestamp '0001-01-01T00:00:00+05:00' is not a time Discord can have written",
        id="before-the-calendar",
    ),
    pytest.param(
        {"timestamp": "2014-12-31T23:59:59Z"},
        "timestamp '2014-12-31T23:59:59Z' is not a time Discord can have written",
        id="before-discord",
    ),
    pytest.param(
        {"timestamp": 1714564800}, "timestamp 1714564800 is not an ISO-8601", id="ts-number"
    ),
    pytest.param(
        {"timestamp": "2024-05-01T13:00:00Z" * 300},
        "timestamp '2024-05-01T13:00:00Z2024-05-01T13:00:00Z…' (6,000 characters) is not an "
        "ISO-8601 time",
        id="ts-6000-characters",
    ),
    pytest.param(
        {"timestampEdited": "yesterday"},
        "timestampEdited 'yesterday' is not an ISO-8601",
        id="edited",
    ),
    pytest.param(
        {"id": OVER_2_63},
        f"id '{OVER_2_63}' is larger than any Discord id (2^63 - 1)",
        id="id-2-63",
    ),
    pytest.param({"id": "-3"}, "id '-3' is not an id (digits only)", id="id-negative"),
    pytest.param({"id": "²"}, "id '²' is not an id (digits only)", id="id-superscript"),
    pytest.param({"id": 21.5}, "id 21.5 is not an id", id="id-fraction"),
    pytest.param(
        {"author": user(int(OVER_2_64), "eve")},
        f"author.id '{OVER_2_64}' is larger than any Discord id",
        id="author-id-2-64",
    ),
    pytest.param({"author": "ben"}, "author is text ('ben'), not a user object", id="author-text"),
    pytest.param({"author": None}, "author is null, not a user object", id="author-missing"),
    pytest.param(
        {"author": {**BEN, "isBot": "false"}},
        "author.isBot is text ('false'), not true or false",
        id="is-bot-text",
    ),
    pytest.param(
        {"author": {**BEN, "nickname": 7}}, "author.nickname is a number (7)", id="name-number"
    ),
    pytest.param(
        {"content": {"text": "hi"}}, "content is an object, not text", id="content-object"
    ),
    pytest.param({"type": ["Reply"]}, "type is a list, not text", id="type-list"),
    pytest.param({"mentions": "ada"}, "mentions is text ('ada'), not a list", id="mentions-text"),
    pytest.param(
        {"mentions": [1]}, "mentions[0] is a number (1), not a user object", id="mention-number"
    ),
    pytest.param({"reactions": 5}, "reactions is a number (5), not a list", id="reactions-5"),
    pytest.param(
        {"reactions": [{"emoji": "👍", "users": []}]},
        "reactions[0].emoji is text ('👍'), not an object",
        id="emoji-text",
    ),
    pytest.param(
        {"reactions": [{"emoji": {"name": "👍"}, "users": 3}]},
        "reactions[0].users is a number (3), not a list",
        id="reaction-users-3",
    ),
    pytest.param(
        {"reactions": [{"emoji": {"name": "👍"}, "users": [user(int(OVER_2_63), "x")]}]},
        f"reactions[0].users[0].id '{OVER_2_63}' is larger than any Discord id",
        id="reactor-id-2-63",
    ),
    pytest.param(
        {"reference": "20"}, "reference is text ('20'), not an object", id="reference-text"
    ),
    pytest.param(
        {"reference": {"messageId": OVER_2_64}},
        f"reference.messageId '{OVER_2_64}' is larger than any Discord id",
        id="reply-to-2-64",
    ),
]


def good_and_bad(tmp_path: Path, bad: dict[str, Any]) -> tuple[Path, Path]:
    """good.json (message 10) and bad.json: a good message 20, then ``bad`` as message #2."""
    good = write(tmp_path, "good.json", export([message(10, ADA, "2024-05-01T12:00:00Z")]))
    path = write(tmp_path, "bad.json", bad)
    return good, path


def import_both(
    capsys: pytest.CaptureFixture[str], db: Path, good: Path, bad: Path
) -> tuple[int, str, str]:
    code, out, err = run_cli(capsys, "import", str(good), str(bad), "--db", str(db))
    assert "Traceback" not in err
    assert code == 1
    assert "files        1 imported, 1 failed" in out
    # The good file is in, nothing of the bad one (its first message was fine).
    assert query(db, "SELECT message_id FROM messages") == [(10,)]
    assert query(db, "SELECT count(*) FROM channel_sources") == [(1,)]
    [line] = [line for line in err.splitlines() if line.startswith("failed:")]
    assert line.endswith(" (nothing of it was kept)") and len(line) < 400
    return code, out, line


@pytest.mark.parametrize(("fields", "reason"), MESSAGE_CASES)
def test_a_bad_value_in_a_message_refuses_its_file_and_the_others_go_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fields: dict[str, Any], reason: str
) -> None:
    data = export([message(20, ADA, WHEN), bad_message(**fields)])
    good, bad = good_and_bad(tmp_path, data)

    _, _, line = import_both(capsys, tmp_path / "db.sqlite", good, bad)

    where = "message #2 (id 21)" if "id" not in fields else "message #2"
    assert f"failed: {bad}: {where}" in line
    assert reason in line


def test_a_lone_surrogate_in_a_name_is_reported_by_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # json.dumps escapes a lone surrogate as \udc00, as some tools write a cut emoji.
    data = export([message(20, ADA, WHEN), bad_message(author=user(2, "ben\udc00"))])
    good, bad = good_and_bad(tmp_path, data)

    _, _, line = import_both(capsys, tmp_path / "db.sqlite", good, bad)

    assert f"failed: {bad}: text that is not UTF-8 near byte " in line
    assert (
        "after message #1 (id 20): a lone surrogate (\\udXXX) or bytes that are not UTF-8" in line
    )


def with_header(**changes: Any) -> dict[str, Any]:
    data = export([message(20, ADA, WHEN)])
    for key, value in changes.items():
        table, field = key.split("__")
        data[table][field] = value
    return data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            with_header(guild__id=OVER_2_64),
            f"guild.id '{OVER_2_64}' is larger than any Discord id (2^63 - 1)",
            id="guild-id-2-64",
        ),
        pytest.param(
            with_header(channel__id=OVER_2_63),
            f"channel.id '{OVER_2_63}' is larger than any Discord id",
            id="channel-id-2-63",
        ),
        pytest.param(
            with_header(channel__categoryId="general"),
            "channel.categoryId 'general' is not an id (digits only)",
            id="category-text",
        ),
        pytest.param(
            with_header(channel__name=["a", "b"]),
            "channel.name is a list, not text",
            id="name-list",
        ),
        pytest.param(
            with_header(guild__name="Lab \udc00"),
            "the guild or channel holds text that is not UTF-8: a lone surrogate",
            id="guild-name-surrogate",
        ),
        pytest.param(
            {**export([]), "messages": {"20": message(20, ADA, WHEN)}},
            "messages is an object, not a list",
            id="messages-object",
        ),
    ],
)
@pytest.mark.parametrize("named", ["file", "folder"])
def test_a_bad_value_in_the_guild_or_channel_refuses_the_file_and_the_others_go_on(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data: dict[str, Any],
    reason: str,
    named: str,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    good, bad = good_and_bad(folder, data)
    db = tmp_path / "db.sqlite"

    if named == "file":
        _, _, line = import_both(capsys, db, good, bad)
    else:
        code, out, err = run_cli(capsys, "import", str(folder), "--db", str(db))
        assert code == 1 and "files        1 imported, 1 failed" in out
        assert query(db, "SELECT message_id FROM messages") == [(10,)]
        [line] = [line for line in err.splitlines() if line.startswith("failed:")]

    assert line == f"failed: {bad}: {reason}" + line.split(reason, 1)[1]
    assert line.endswith(" (nothing of it was kept)")


def test_several_bad_files_are_one_line_each_and_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "a-good.json", export([message(10, ADA, "2024-05-01T12:00:00Z")]))
    write(tmp_path, "b-bad.json", export([bad_message(attachments=5)]))
    write(tmp_path, "c-bad.json", with_header(guild__id=OVER_2_64))
    write(tmp_path, "d-good.json", export([message(30, BEN, WHEN)], channel="900000000000000011"))

    code, out, err = run_cli(capsys, "import", str(tmp_path), "--db", str(tmp_path / "db.sqlite"))

    assert code == 1
    assert "files        2 imported, 2 failed" in out
    failed = [line for line in err.splitlines() if line.startswith("failed:")]
    assert [Path(line.split(": ")[1]).name for line in failed] == ["c-bad.json", "b-bad.json"]
    assert query(tmp_path / "db.sqlite", "SELECT message_id FROM messages ORDER BY 1") == [
        (10,),
        (30,),
    ]


# The rules themselves, on values the JSON reader never hands over as such


def test_a_lone_surrogate_in_any_text_is_a_format_error() -> None:
    header = parse_header(
        {"id": GUILD, "name": "Lab"}, {"id": "900000000000000010", "type": "GuildTextChat"}
    )

    with pytest.raises(FormatError, match=r"^content 'hi \\ud83d' holds a lone surrogate"):
        parse_message(message(20, ADA, WHEN, "hi \ud83d"), header)
    with pytest.raises(FormatError, match=r"^guild\.name .* holds a lone surrogate"):
        parse_header({"id": GUILD, "name": "\udc00"}, {"id": "1"})


def test_a_mention_in_old_text_that_is_no_id_is_not_a_mention() -> None:
    header = parse_header({"id": GUILD}, {"id": "900000000000000010"})
    raw = message(20, ADA, WHEN, f"<@2> <@{OVER_2_64}> <@{'9' * 40}>")
    del raw["mentions"]

    parsed = parse_message(raw, header)

    assert parsed.mentioned_ids() == [2]
    assert parsed.created_at == datetime(2024, 5, 1, 13, tzinfo=UTC)
