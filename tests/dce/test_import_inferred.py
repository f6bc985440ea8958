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
LEGACY = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "dce"
    / "legacy-2020-python-course-general.json"
)
ROWS = "SELECT message_id, target_message_id, target_id, source_id FROM inferred_replies"


def morning(days_ago: int = 1) -> list[dict[str, Any]]:
    """Hellos, then Alice's question and Bob's answer typed without Reply."""
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    start -= timedelta(days=days_ago)

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


def test_text_past_the_retention_period_is_not_kept_but_still_says_who_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path
) -> None:
    path = write(tmp_path, "old.json", export(morning(days_ago=400)))

    code, _, _ = run_cli(capsys, "import", str(path), "--db", str(db))

    assert code == 0
    assert query(db, "SELECT count(*) FROM messages WHERE content IS NOT NULL") == [(0,)]
    assert query(db, ROWS) == [(105, 104, 1, 2)]


@pytest.mark.skipif(not LEGACY.is_file(), reason="the shared example exports are not here")
def test_the_2020_export_without_replies_gets_its_listening_from_inference(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    run_cli(capsys, "import", str(LEGACY), "--db", str(db))

    (interactions,), (inferred, sources, targets) = (
        query(db, "SELECT count(*) FROM interactions WHERE kind != 'reaction'")[0],
        query(
            db,
            "SELECT count(*), count(DISTINCT source_id), count(DISTINCT target_id) "
            "FROM inferred_replies",
        )[0],
    )
    messages = query(db, "SELECT count(*) FROM messages WHERE kind = 'message'")[0][0]
    assert interactions == 0
    # A lively course channel: some messages in twenty answer someone without Reply.
    assert messages / 50 < inferred < messages / 2
    assert sources > 10 and targets > 10


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


def test_ascolto_infer_keeps_the_rows_of_imported_text_it_no_longer_has(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path
) -> None:
    path = write(tmp_path, "old.json", export(morning(days_ago=400)))
    run_cli(capsys, "import", str(path), "--db", str(db))

    code, out, _ = run_cli(capsys, "infer", "--db", str(db))

    assert code == 0
    assert query(db, ROWS) == [(105, 104, 1, 2)]
    assert "summaries of 0 days computed again" in out
