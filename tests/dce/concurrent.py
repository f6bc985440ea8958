"""An import in a second process that pauses where a test says, to reproduce races
between it and the bot exactly rather than by timing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The import, paused where the test says: ``between`` the first file's commit and the
# second file's start (no lock held), or ``inside`` the first file's transaction, just
# after it took the write lock.
_IMPORTER = textwrap.dedent(
    """
    import contextlib, sys, time
    from pathlib import Path
    from bot.dce.importer import Importer
    from bot.dce.reader import find_exports
    from bot.settings import PrivacySettings
    from bot.store.imports import ImportWriter, one_import_at_a_time

    db, folder, signals = (Path(argument) for argument in sys.argv[1:4])
    where = sys.argv[4]
    files = ImportWriter.file
    started = 0

    def pause():
        (signals / "paused").touch()
        deadline = time.monotonic() + float(sys.argv[5])
        while not (signals / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    @contextlib.contextmanager
    def file(self, *args, **kwargs):
        global started
        started += 1
        if where == "between" and started == 2:
            pause()
        with files(self, *args, **kwargs):
            if where == "inside" and started == 1:
                pause()
            yield

    ImportWriter.file = file
    exports, _ = find_exports([folder])
    with one_import_at_a_time(db, on_wait=lambda: None):  # as ``ascolto import`` does
        run = Importer(db, PrivacySettings())
        report = run.run(exports)
        run.close()
    print(report.new, len(report.failed))
    """
)


@contextmanager
def paused_import(
    db: Path, folder: Path, signals: Path, where: str, *, release_after: float = 30
) -> Iterator[list[str]]:
    """Start the import in a second process; yields once it has paused (it goes on
    when the block ends, when ``signals / "go"`` appears, or after ``release_after``
    seconds). Its output (new rows, failed files) is in the list after the block."""
    signals.mkdir()
    arguments = [str(db), str(folder), str(signals), where, str(release_after)]
    process = subprocess.Popen(
        [sys.executable, "-c", _IMPORTER, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not (signals / "paused").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never reached its pause"
            time.sleep(0.01)
        yield output
    finally:
        (signals / "go").touch()
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        output.extend(out.split())
