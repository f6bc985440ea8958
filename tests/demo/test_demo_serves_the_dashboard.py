"""``ascolto demo`` without ``--no-dashboard``: after writing its files it serves the
dashboard on the store it made, prints the address, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.helpers import run_cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_serves_its_store_until_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ASCOLTO_")}
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--days", "3", "--port", str(port)],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None
        lines = []
        for line in demo.stdout:  # blocks until the demo prints; ends if it exits
            lines.append(line)
            if line.startswith("Dashboard: "):
                break
        address = f"http://127.0.0.1:{port}/"
        assert lines[-1] == f"Dashboard: {address} (Ctrl-C stops it)\n", lines
        assert lines[0].startswith("3 days simulated: ")

        with urllib.request.urlopen(address, timeout=30) as response:
            page = response.read().decode()
        assert response.status == 200
        assert "Riverside Makers" in page

        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        stderr = demo.stderr.read() if demo.stderr else ""
    assert "Traceback" not in stderr
    assert (tmp_path / "ascolto-demo" / "ascolto-demo.db").is_file()


def test_the_demo_does_not_serve_off_this_machine(capsys, tmp_path: Path) -> None:
    out = tmp_path / "demo"

    code, printed, err = run_cli(capsys, "demo", "--out", str(out), "--host", "0.0.0.0")

    assert code == 2 and printed == ""
    assert err == (
        "ascolto demo: error: the demo serves its dashboard on this machine only, not on "
        "0.0.0.0: keep --host 127.0.0.1, or share the demo's store with `ascolto dashboard "
        f"--db {out / 'ascolto-demo.db'} --host 0.0.0.0` and [dashboard] password\n"
    )
    assert not out.exists()
