"""``ascolto report`` and ``ascolto export summaries`` on imported history whose export
recorded no replies or mentions: those numbers are unknown ("—", null, an empty cell),
with one line saying why, never zero."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot import clock
from tests.dce.exports import GENERAL, export, message, reply_to, user, write
from tests.helpers import query, run_cli
from tests.store.history import at

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "dce"
LEGACY = SHARED / "legacy-2020-python-course-general.json"
LEGACY_GUILD = "742745493570060302"
RANDOM = "900000000000000011"
ADA, BEN = user(1, "ada"), user(2, "ben")
WHY = (
    "unknown, because the export these messages were imported from (an older "
    "DiscordChatExporter) did not record replies or mentions."
)
# The channel of every export made by hand here, whose listening is all inferred.
INFERRED_ONLY = (
    "note: #a channel was imported from an export that recorded no replies: all its "
    "listening is inferred from the flow of conversation (the *_inferred figures)."
)
# What an old export cannot know about a day with messages and questions.
UNKNOWN = {
    "conversation_starters",
    "replies",
    "listening_ratio",
    "questions_answered",
    "unanswered_questions",
    "response_rate",
    "median_first_response_seconds",
    "active_connections",
    "new_connections",
    "reciprocal_connections",
    "network_size",
    "network_growth_7d",
    "top_connectors",
    "broadcasters",
    "top_conversations",
    # Inferred replies stand in for replies, not for the mentions it did not record.
    "questions_answered_inferred",
    "response_rate_inferred",
    "new_connections_inferred",
}
# On the first day, ada's and ben's first messages: whether they were answered is unknown.
UNKNOWN_FIRST_DAY = UNKNOWN | {"newcomers_answered"}
SPAN = ("--from", "2024-05-01", "--to", "2024-05-02")


def conversation(first_id: int, day: str, channel: str = GENERAL) -> list[dict[str, Any]]:
    """A question, its answer by reply and a thank-you, as a new exporter writes them."""
    answer = reply_to(first_id, channel)
    return [
        message(first_id, ADA, f"{day}T10:00:00Z", "How do I join the call?"),
        message(first_id + 1, BEN, f"{day}T10:05:00Z", "Top right", **answer),
        message(first_id + 2, ADA, f"{day}T10:06:00Z", "thanks"),
    ]


def old_style(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as an exporter before 2.25 wrote it: no mention lists, no references, no
    channel categoryId, so nobody can tell who replied to whom."""
    del data["channel"]["categoryId"]
    for item in data["messages"]:
        del item["mentions"]
        item.pop("reference", None)
    return data


def imported(capsys: pytest.CaptureFixture[str], db: Path, *files: Path) -> Path:
    code, _, err = run_cli(capsys, "import", *map(str, files), "--db", str(db))
    assert code == 0, err
    return db


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: at("2026-03-05 12:00"))


@pytest.fixture
def old_db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """Two days imported from an old export."""
    items = conversation(10, "2024-05-01") + conversation(20, "2024-05-02")
    path = write(tmp_path, "old.json", old_style(export(items)))
    return imported(capsys, tmp_path / "old.db", path)


@pytest.fixture
def new_db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """The same two days imported from a new export."""
    items = conversation(10, "2024-05-01") + conversation(20, "2024-05-02")
    path = write(tmp_path, "new.json", export(items))
    return imported(capsys, tmp_path / "new.db", path)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, list[str]]:
    """Standard output and the lines on standard error of a command that succeeds."""
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return out, err.splitlines()


# ascolto report


def test_report_json_has_null_for_what_the_old_export_could_not_know(
    capsys: pytest.CaptureFixture[str], old_db: Path
) -> None:
    out, notes = cli(capsys, "report", "--db", str(old_db), "--json", *SPAN)

    days = json.loads(out)
    assert [d["day"] for d in days] == ["2024-05-01", "2024-05-02"]
    assert [{key for key, value in d.items() if value is None} for d in days] == [
        UNKNOWN_FIRST_DAY,
        UNKNOWN,
    ]
    for day in days:
        # Counts that need no reply data stay numbers.
        assert (day["messages"], day["questions"], day["active_members"]) == (3, 1, 2)
    assert notes == [f"note: null: {WHY}", INFERRED_ONLY]  # once, not once per day


def test_report_table_shows_a_dash_and_says_why_once(
    capsys: pytest.CaptureFixture[str], old_db: Path
) -> None:
    out, notes = cli(capsys, "report", "--db", str(old_db), *SPAN)

    _, first, second = out.splitlines()
    assert first.split() == ["2024-05-01", "3", "2", "—", "—/1", "—", "—", "—", "(—)", "0/0"]
    assert second.split()[0] == "2024-05-02"
    assert notes == [f"note: —: {WHY}", INFERRED_ONLY]


def test_unknowns_are_read_not_stored(capsys: pytest.CaptureFixture[str], old_db: Path) -> None:
    cli(capsys, "report", "--db", str(old_db), "--json", *SPAN)

    # The stored summary keeps the counts as computed; "unknown" is decided when read,
    # so that importing a newer export of the same days makes them known.
    assert query(old_db, "SELECT listening_ratio, questions_answered FROM daily_summaries") == [
        (0.0, 0),
        (0.0, 0),
    ]


def test_a_newer_export_of_the_same_day_makes_its_numbers_known(
    capsys: pytest.CaptureFixture[str], old_db: Path, tmp_path: Path
) -> None:
    newer = export(conversation(30, "2024-05-01", RANDOM), channel=RANDOM)
    imported(capsys, old_db, write(tmp_path, "newer.json", newer))

    out, notes = cli(capsys, "report", "--db", str(old_db), "--json", *SPAN)

    first, second = json.loads(out)
    # docs/metrics.md: one message from a source that had the data makes the day known.
    assert (first["questions"], first["questions_answered"]) == (2, 1)
    assert first["listening_ratio"] is not None
    assert second["listening_ratio"] is None  # 2024-05-02 is still only the old export's
    assert notes == [f"note: null: {WHY}", INFERRED_ONLY]


def test_a_new_export_reports_numbers_and_no_note(
    capsys: pytest.CaptureFixture[str], new_db: Path
) -> None:
    out, notes = cli(capsys, "report", "--db", str(new_db), "--json", *SPAN)
    table, table_notes = cli(capsys, "report", "--db", str(new_db), *SPAN)

    first, _ = json.loads(out)
    assert (first["listening_ratio"], first["questions_answered"]) == (0.333, 1)
    assert first["median_first_response_seconds"] == 300
    assert notes == table_notes == []
    assert "—" not in table


# ascolto export summaries


def test_export_csv_leaves_unknown_cells_empty_and_says_why_once(
    capsys: pytest.CaptureFixture[str], old_db: Path
) -> None:
    out, notes = cli(capsys, "export", "summaries", "--db", str(old_db), "--format", "csv", *SPAN)

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [{key for key, value in r.items() if value == ""} for r in rows] == [
        UNKNOWN_FIRST_DAY,
        UNKNOWN,
    ]
    for row in rows:
        assert (row["messages"], row["questions"]) == ("3", "1")
    assert notes == [f"note: empty: {WHY}"]


def test_export_json_has_null_like_the_report(
    capsys: pytest.CaptureFixture[str], old_db: Path
) -> None:
    out, notes = cli(capsys, "export", "summaries", "--db", str(old_db), "--format", "json", *SPAN)
    report, _ = cli(capsys, "report", "--db", str(old_db), "--json", *SPAN)

    assert json.loads(out) == json.loads(report)
    assert json.loads(out)[0]["top_connectors"] is None
    assert notes == [f"note: null: {WHY}"]


def test_export_of_a_new_export_has_every_cell_it_had(
    capsys: pytest.CaptureFixture[str], new_db: Path
) -> None:
    out, notes = cli(capsys, "export", "summaries", "--db", str(new_db), "--format", "csv", *SPAN)

    first = next(csv.DictReader(io.StringIO(out)))
    assert first["listening_ratio"] == "0.333"
    assert first["top_connectors"].startswith("[{")
    assert notes == []


# the real 2020 export


@pytest.mark.skipif(not LEGACY.is_file(), reason="the shared example exports are not here")
def test_the_real_2020_export_reports_unknown_listening_not_zero(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = imported(capsys, tmp_path / "legacy.db", LEGACY)
    day = ("--guild", LEGACY_GUILD, "--day", "2020-08-25")

    out, notes = cli(capsys, "report", "--db", str(db), "--json", *day)
    table, _ = cli(capsys, "report", "--db", str(db), *day)

    [summary] = json.loads(out)
    assert summary["listening_ratio"] is None
    assert (summary["questions"], summary["questions_answered"]) == (55, None)
    assert summary["messages"] > 0
    assert notes == [f"note: null: {WHY}", INFERRED_ONLY.replace("#a channel", "#general")]
    assert "—/55" in table and "0/55" not in table and "0.0%" not in table
