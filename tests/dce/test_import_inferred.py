"""Replies inferred at import: per file, in its transaction, with the stored channel as
context."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.dce.exports import export, message, user, write
from tests.helpers import query, run_cli

ALICE, BOB, CAROL = user(1, "alice"), user(2, "bob"), user(3, "carol")
ROWS = "SELECT message_id, target_message_id, target_id, source_id FROM inferred_replies"


def morning() -> list[dict[str, Any]]:
    """Yesterday (text older than the retention period is not kept, and inference reads
    it): hellos, then Alice's question and Bob's answer typed without Reply."""
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    start -= timedelta(days=1)

    def at(seconds: int) -> str:
        return (start + timedelta(seconds=seconds)).isoformat()

    return [
        message(101, ALICE, at(0), "morning everyone"),
        message(102, BOB, at(20), "hey"),
        message(103, CAROL, at(50), "hi all, coffee time"),
        message(104, ALICE, at(420), "how do I get my printer on the wifi?"),
        message(105, BOB, at(450), "alice, try restarting the printer"),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "imported.db"


def test_an_import_infers_the_answer_typed_without_reply(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path
) -> None:
    path = write(tmp_path, "general.json", export(morning()))

    code, out, _ = run_cli(capsys, "import", str(path), "--db", str(db))

    assert code == 0
    assert query(db, ROWS) == [(105, 104, 1, 2)]
    assert "inferred     1 reply inferred from the flow of conversation" in out.splitlines()


def test_a_later_file_is_inferred_with_the_stored_messages_before_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path
) -> None:
    first, second = morning()[:4], morning()[4:]
    run_cli(capsys, "import", str(write(tmp_path, "a.json", export(first))), "--db", str(db))
    assert query(db, ROWS) == []

    run_cli(capsys, "import", str(write(tmp_path, "b.json", export(second))), "--db", str(db))

    assert query(db, ROWS) == [(105, 104, 1, 2)]


def test_a_broken_file_leaves_no_inferred_reply(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path
) -> None:
    whole = json.dumps(export(morning()), indent=2)
    broken = tmp_path / "broken.json"
    broken.write_text(whole[: len(whole) * 9 // 10], encoding="utf-8")

    code, _, err = run_cli(capsys, "import", str(broken), "--db", str(db))

    assert code == 1
    assert "nothing of it was kept" in err
    assert query(db, "SELECT count(*) FROM messages") == [(0,)]
    assert query(db, ROWS) == []
