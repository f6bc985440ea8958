"""``ascolto dashboard``: its refusals are one line and exit code 2; it serves until
Ctrl-C and then exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.dashboard.world import build
from tests.helpers import run_cli


def test_a_missing_database_is_one_line_and_no_new_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.db"
    code, out, err = run_cli(capsys, "dashboard", "--db", str(missing))

    assert (code, out) == (2, "")
    assert err == (
        f"ascolto dashboard: error: no database at {missing}: give Ascolto's database with "
        "--db or [database] path\n"
    )
    assert not missing.exists()


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_bad_port_is_one_line(capsys: pytest.CaptureFixture[str], port: str) -> None:
    code, out, err = run_cli(capsys, "dashboard", "--port", port)

    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "is not a port: a whole number from 1 to 65535" in err


def test_another_host_without_a_password_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "dashboard", "--host", "0.0.0.0", "--db", str(tmp_path))

    assert (code, out) == (2, "")
    assert err == (
        "ascolto dashboard: error: the dashboard may listen on 0.0.0.0 only with a password: "
        "set [dashboard] password (or ASCOLTO_DASHBOARD__PASSWORD), or keep the host 127.0.0.1\n"
    )


def test_a_file_that_is_not_a_database_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    code, _, err = run_cli(capsys, "dashboard", "--db", str(text))

    assert code == 2
    assert err == (
        f"ascolto dashboard: error: {text} is not an SQLite database: give Ascolto's "
        "database with --db or [database] path\n"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_it_serves_until_ctrl_c_then_exits_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "ascolto.db"
    asyncio.run(build(db))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASCOLTO_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "dashboard", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line == f"Dashboard: http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            page = response.read().decode("utf-8")
        assert "Test guild" in page
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, err
    assert err == ""
