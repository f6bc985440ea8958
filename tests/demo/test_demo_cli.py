"""``ascolto demo``'s options and folder: mistakes in one line, data never overwritten,
the same seed the same output."""

from __future__ import annotations

import io
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli.demo import _progress, check_out_folder, clear_previous_run
from tests.helpers import run_cli


@pytest.mark.parametrize(
    ("days", "shown"),
    [("0", "'0'"), ("91", "'91'"), ("two", "'two'"), ("-3", "'-3'")],
)
def test_days_out_of_range_get_one_line_and_exit_2(capsys, days, shown) -> None:
    code, out, err = run_cli(capsys, "demo", "--days", days, "--no-dashboard")

    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "--days" in err and "from 3 to 90" in err and shown in err
    assert not Path("ascolto-demo").exists()


def test_an_out_that_is_a_file_is_refused(capsys, tmp_path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")

    code, out, err = run_cli(capsys, "demo", "--out", str(target), "--no-dashboard")

    assert code == 2 and out == ""
    assert err == (
        f"ascolto demo: error: --out {target} is a file, not a folder: "
        "give a folder (it is created if missing)\n"
    )
    assert target.read_text() == "mine\n"


@pytest.mark.parametrize("name", ["ascolto.db", "ascolto-demo.db"])
def test_an_out_that_holds_somebody_elses_database_is_refused(capsys, tmp_path, name) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / name
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES (42)")
    before = database.read_bytes()

    code, out, err = run_cli(capsys, "demo", "--out", str(folder), "--no-dashboard")

    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert f"already holds a database the demo did not write ({name})" in err
    assert database.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [name]


def test_the_same_seed_gives_the_same_transcript_and_store_and_another_seed_differs(
    capsys, tmp_path
) -> None:
    out = tmp_path / "demo"

    def run(seed: str) -> tuple[str, list[tuple[str, list[str]]]]:
        code, _out, err = run_cli(
            capsys, "demo", "--out", str(out), "--days", "3", "--seed", seed, "--no-dashboard"
        )
        assert code == 0, err
        return (out / "index.html").read_text(encoding="utf-8"), store_rows(out / "ascolto-demo.db")

    first_page, first_store = run("1")
    again_page, again_store = run("1")  # into the same folder: replaces its own output
    other_page, _ = run("2")

    assert again_page == first_page
    assert again_store == first_store
    assert other_page != first_page


def store_rows(path: Path) -> list[tuple[str, list[str]]]:
    """Every table's rows, sorted; the heartbeat's process id is the one value a run
    cannot repeat (its times are simulated)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        rows = []
        for table in sorted(tables):
            columns = "at, state, last_flush_at" if table == "heartbeat" else "*"
            found = db.execute(f'SELECT {columns} FROM "{table}"').fetchall()  # noqa: S608
            rows.append((table, sorted(map(repr, found))))
    return rows


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_counts_simulated_days_on_a_terminals_stderr(monkeypatch) -> None:
    terminal, piped = _Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", piped)
    monkeypatch.setattr(sys, "stderr", terminal)

    with _progress(21) as advance:
        for day in range(1, 22):
            advance(day)

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())  # colours, cursor
    assert "Simulating" in shown and "21/21 days" in shown
    assert piped.getvalue() == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)

    with _progress(21) as advance:
        advance(1)

    assert piped.getvalue() == ""


def test_a_run_stopped_half_way_can_be_run_again(capsys, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "demo"

    def interrupted(*_args, **_kwargs):
        with sqlite3.connect(folder / "ascolto-demo.db") as db:  # the store, half written
            db.execute("CREATE TABLE messages (x)")
        raise KeyboardInterrupt

    monkeypatch.setattr("bot.demo.run.play", interrupted)
    code, _out, _err = run_cli(capsys, "demo", "--out", str(folder), "--no-dashboard")
    assert code == 130

    check_out_folder(folder)  # the half-written store is the demo's own: no refusal
    clear_previous_run(folder)
    assert list(folder.iterdir()) == []
