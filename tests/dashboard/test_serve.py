"""``bot.dashboard.serve``, the entry ``ascolto demo`` and ``ascolto dashboard`` call: it
announces its address once, serves until SIGTERM or Ctrl-C, then returns."""

from __future__ import annotations

import os
import signal
import socket
import threading
import urllib.request
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.dashboard import serve
from bot.store import StoreError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_announces_serves_and_returns_on_sigterm(store_path: Path) -> None:
    port = _free_port()
    seen: list[object] = []

    def visit() -> None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                seen.append(response.status)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    def announce(line: str) -> None:
        seen.append(line)
        threading.Thread(target=visit).start()

    serve(store_path, port=port, announce=announce)

    assert seen == [f"Dashboard: http://127.0.0.1:{port}/ (Ctrl-C stops it)", 200]


def test_serve_refuses_another_host_without_a_password(store_path: Path) -> None:
    with pytest.raises(ValueError, match=r"may listen on 0\.0\.0\.0 only with a password"):
        serve(store_path, host="0.0.0.0", announce=print)
    with pytest.raises(ValueError):
        serve(store_path, host="192.168.1.5", password=SecretStr(""), announce=print)


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    announced: list[str] = []

    with pytest.raises(StoreError, match="no database at"):
        serve(tmp_path / "none.db", port=_free_port(), announce=announced.append)
    assert announced == [] and not (tmp_path / "none.db").exists()
