"""``ascolto infer``: recompute inferred replies for a guild, or every guild."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.events import GuildInfo
from tests.helpers import query, run_cli
from tests.store.history import GUILD, History, at

ALICE, BOB, CAROL = 1, 2, 3
ROWS = (
    "SELECT message_id, target_message_id, target_id, source_id, model_version "
    "FROM inferred_replies"
)


async def _build(path: Path) -> tuple[int, int]:
    """A morning in #general: hellos, Alice's question, Bob's answer without Reply."""
    async with History.opened(path) as history:
        history.recorder.guild_available(GuildInfo(GUILD, "Test guild"), at("2026-03-02 08:00"))
        history.post(ALICE, "2026-03-02 10:00", "morning everyone")
        history.post(BOB, "2026-03-02 10:00:20", "hey")
        history.post(CAROL, "2026-03-02 10:00:50", "hi all, coffee time")
        question = history.post(ALICE, "2026-03-02 10:07", "how do I get my printer on the wifi?")
        answer = history.post(BOB, "2026-03-02 10:07:30", "alice, try restarting the printer")
        for user, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
            history.recorder.member_renamed(GUILD, user, name)
    return question, answer


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, int, int]:
    path = tmp_path / "a.db"
    question, answer = asyncio.run(_build(path))
    return path, question, answer


def test_infer_writes_the_rows_and_summarises_the_day_again(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, int, int]
) -> None:
    db, question, answer = built

    code, out, _ = run_cli(capsys, "infer", "--db", str(db), "--guild", str(GUILD))

    assert code == 0
    assert query(
        db, "SELECT message_id, target_message_id, target_id, source_id FROM inferred_replies"
    ) == [(answer, question, ALICE, BOB)]
    assert out.startswith(
        "inferred 5 messages in 1 channel or thread: 1 inferred reply written, "
        "summaries of 1 day computed again, in "
    )
    assert out.count("\n") == 1
    assert query(db, "SELECT day FROM daily_summaries WHERE guild_id = ?", GUILD) == [
        ("2026-03-02",)
    ]


def test_infer_twice_gives_the_same_rows_and_changes_no_day(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, int, int]
) -> None:
    db, _, _ = built
    run_cli(capsys, "infer", "--db", str(db))
    first = query(db, ROWS)

    code, out, _ = run_cli(capsys, "infer", "--db", str(db))

    assert code == 0
    assert query(db, ROWS) == first
    assert "1 inferred reply written, summaries of 0 days computed again" in out


def test_infer_shows_its_progress_channel_by_channel(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, int, int]
) -> None:
    db, _, _ = built

    _, _, err = run_cli(capsys, "infer", "--db", str(db))

    lines = err.splitlines()
    assert lines[0] == "inferring replies, channel by channel"
    assert lines[-1].startswith(f"inferring: guild {GUILD}, 1 of 1 channel or thread, 5 messages (")


def test_an_unknown_guild_is_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, int, int]
) -> None:
    db, _, _ = built

    code, out, err = run_cli(capsys, "infer", "--db", str(db), "--guild", "999")

    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        f"ascolto infer: error: unknown guild 999: the bot has never seen it in {db}"
    ]
    assert query(db, "SELECT count(*) FROM inferred_replies") == [(0,)]


def test_a_missing_database_is_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.db"

    code, out, err = run_cli(capsys, "infer", "--db", str(missing))

    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [f"ascolto infer: error: no database at {missing}"]
    assert not missing.exists()


def test_a_guild_id_that_is_not_a_number_is_refused(
    capsys: pytest.CaptureFixture[str], built: tuple[Path, int, int]
) -> None:
    db, _, _ = built

    code, _, err = run_cli(capsys, "infer", "--db", str(db), "--guild", "abc")

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "'abc' is not a server id" in err
