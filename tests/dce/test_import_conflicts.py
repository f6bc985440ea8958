"""``ascolto import``: one message id in two places is a conflict, not a known message;
the same file imported again is known, whatever the number of times."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dce.exports import GENERAL, THREAD, export, message, reply_to, user, write
from tests.helpers import query
from tests.test_cli import run_cli

ADA, BEN, CAT = user(1, "ada"), user(2, "ben"), user(3, "cat")
OTHER = "900000000000000011"
WHEN = "2024-05-01T12:00:00Z"


def ascolto_import(capsys: pytest.CaptureFixture[str], db: Path, *paths: Path) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "import", *map(str, paths), "--db", str(db))
    assert "Traceback" not in err and "failed:" not in err
    return code, out


def everything(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """What an import writes, table by table, in the order the messages came."""
    return {
        table: query(db, f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608
        for table, order in (
            ("messages", "message_id"),
            ("interactions", "message_id, source_id"),
            ("reactions", "message_id, user_id"),
            ("message_mentions", "message_id, user_id"),
            ("members", "user_id"),
        )
    }


def general(folder: Path) -> Path:
    return write(
        folder,
        "general.json",
        export(
            [
                message(10, ADA, WHEN, "the original"),
                message(11, BEN, "2024-05-01T12:01:00Z", "a reply to ada", **reply_to(10)),
            ]
        ),
    )


@pytest.mark.parametrize(
    ("place", "where", "new_interactions"),
    [
        pytest.param({"channel": OTHER}, int(OTHER), [], id="another-channel"),
        pytest.param(
            {"channel": THREAD, "channel_type": "GuildPublicThread", "parent": GENERAL},
            int(THREAD),
            # ben's message opens what is stored of the thread; ada's answers him there.
            [(1, 2, "thread_reply", 13)],
            id="a-thread",
        ),
    ],
)
def test_an_id_stored_in_another_place_is_a_conflict_and_nothing_of_it_is_merged(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    place: dict[str, str],
    where: int,
    new_interactions: list[tuple[object, ...]],
) -> None:
    db = tmp_path / "db.sqlite"
    assert ascolto_import(capsys, db, general(tmp_path))[0] == 0
    before = everything(db)
    elsewhere = write(
        tmp_path,
        "elsewhere.json",
        export(
            [
                # Id 10 again, from cat, with a reaction and a mention: none of it is ada's.
                message(
                    10,
                    CAT,
                    WHEN,
                    "hi <@1>",
                    mentions=[ADA],
                    reactions=[{"emoji": {"id": "", "name": "👍"}, "users": [BEN]}],
                ),
                message(
                    12,
                    BEN,
                    "2024-05-01T12:02:00Z",
                    "to cat's",
                    **reply_to(10, channel=str(where)),
                ),
                message(13, ADA, "2024-05-01T12:03:00Z", "something new"),
            ],
            **place,
        ),
    )

    code, out = ascolto_import(capsys, db, elsewhere)

    assert code == 0
    assert "3 read" in out and "2 new, 0 already known, 0 skipped" in out
    assert ", 1 in conflict" in out
    assert (
        "conflicts    1 message not imported: its id is stored already in another channel, "
        f"so nothing of it was merged (the first: message 10 of {elsewhere} (channel {where}) "
        f"is stored already in channel {int(GENERAL)}, written by member 1)"
    ) in out
    after = everything(db)
    # Message 10 is still ada's, in general; only 12 and 13 came in, 12 replying to nobody.
    assert after["messages"][:2] == before["messages"]
    assert query(
        db,
        "SELECT message_id, author_id, reply_to_message_id FROM messages WHERE message_id > 11",
    ) == [(12, 2, None), (13, 1, None)]
    assert after["interactions"][: len(before["interactions"])] == before["interactions"]
    assert [row[1:5] for row in after["interactions"][len(before["interactions"]) :]] == (
        new_interactions
    )
    assert after["reactions"] == after["message_mentions"] == []
    assert query(db, "SELECT user_id FROM members ORDER BY 1") == [(1,), (2,)]  # no cat


def test_the_same_file_again_is_known_and_the_conflict_is_told_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite"
    other = write(tmp_path, "other.json", export([message(10, CAT, WHEN)], channel=OTHER))
    general(tmp_path)
    assert ascolto_import(capsys, db, tmp_path)[0] == 0  # general first: its channel sorts first
    stored = everything(db)

    code, out = ascolto_import(capsys, db, tmp_path)

    assert code == 0
    assert "3 read" in out and "0 new, 2 already known, 0 skipped" in out
    assert f"(the first: message 10 of {other} (channel {int(OTHER)})" in out
    assert everything(db) == stored


def test_importing_one_file_twice_is_idempotent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite"
    path = general(tmp_path)
    assert ascolto_import(capsys, db, path)[0] == 0
    stored = everything(db)

    code, out = ascolto_import(capsys, db, path)

    assert code == 0
    assert "0 new, 2 already known, 0 skipped" in out and "conflict" not in out
    assert everything(db) == stored
