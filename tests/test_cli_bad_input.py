"""Every subcommand that opens the database answers a bad database, a bad path, a bad
id or a day out of range with one line and exit code 2 (``health``: 1), never a
traceback, and leaves the file as it was."""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.dce.exports import GUILD, export, message, user, write
from tests.test_cli import run_cli

NOT_SQLITE = b"guild_id,name\n1,a spreadsheet saved as ascolto.db\n"
CORRUPT = b"SQLite format 3\x00" + b"\x07" * 4000  # SQLite's header, then nothing of it

# Subcommand and its arguments, the database given with --db after them.
OPENING_THE_DATABASE = {
    "report": ["report"],
    "export": ["export", "connections", "--format", "csv"],
    "guilds": ["guilds"],
    "migrate": ["migrate"],
    "backup": ["backup", "copy.db"],
}


def one_error_line(err: str, command: str) -> str:
    """The one error line on stderr (an import may have said how much it reads first)."""
    assert "Traceback" not in err
    if command == "import":
        err = err.removeprefix("importing 0.0 MB of exports\n")
    assert err.count("\n") == 1, err
    assert err.startswith(f"ascolto {command}: error: ")
    return err


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A small export of one day, 2024-05-01."""
    folder = tmp_path / "exports"
    folder.mkdir()
    ada, ben = user(1, "ada"), user(2, "ben")
    write(
        folder,
        "general.json",
        export(
            [message(10, ada, "2024-05-01T12:00:00Z"), message(11, ben, "2024-05-01T13:00:00Z")]
        ),
    )
    return folder


@pytest.fixture
def filled(capsys: pytest.CaptureFixture[str], tmp_path: Path, exports: Path) -> Path:
    """A database holding that day."""
    db = tmp_path / "made" / "ascolto.db"
    assert run_cli(capsys, "import", str(exports), "--db", str(db))[0] == 0
    return db


# A file that is not SQLite


@pytest.mark.parametrize("content", [NOT_SQLITE, CORRUPT], ids=["text", "corrupt"])
@pytest.mark.parametrize("command", [*OPENING_THE_DATABASE, "import"])
def test_a_file_that_is_not_sqlite_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, exports: Path, command: str, content: bytes
) -> None:
    db = tmp_path / "ascolto.db"
    db.write_bytes(content)
    argv = OPENING_THE_DATABASE.get(command, ["import", str(exports)])

    code, out, err = run_cli(capsys, *argv, "--db", str(db))

    assert (code, out) == (2, "")
    assert one_error_line(err, command).endswith(
        f"{db} is not an SQLite database: give Ascolto's database with --db or [database] path\n"
    )
    assert db.read_bytes() == content


def test_health_says_unhealthy_in_one_line_of_a_file_that_is_not_sqlite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "ascolto.db"
    db.write_bytes(NOT_SQLITE)

    code, out, err = run_cli(capsys, "health", "--db", str(db))

    assert (code, err) == (1, "")
    assert out.startswith("unhealthy: ") and out.count("\n") == 1


# A --db path whose folder cannot be created


@pytest.mark.parametrize("command", ["migrate", "import"])
def test_a_database_folder_that_cannot_be_created_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, exports: Path, command: str
) -> None:
    (tmp_path / "notes.txt").write_text("a file where a folder should be\n")
    db = tmp_path / "notes.txt" / "data" / "ascolto.db"
    argv = ["import", str(exports)] if command == "import" else [command]

    code, out, err = run_cli(capsys, *argv, "--db", str(db))

    assert (code, out) == (2, "")
    assert one_error_line(err, command).endswith(
        f"cannot create the folder {db.parent} for the database {db}: "
        f"{tmp_path / 'notes.txt'} is a file\n"
    )


@pytest.mark.parametrize("command", ["report", "export", "guilds", "backup"])
def test_a_database_under_a_file_is_not_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    (tmp_path / "notes.txt").write_text("a file where a folder should be\n")
    db = tmp_path / "notes.txt" / "ascolto.db"

    code, _, err = run_cli(capsys, *OPENING_THE_DATABASE[command], "--db", str(db))

    assert code == 2
    assert one_error_line(err, command).endswith(f"no database at {db}\n")


# Ids and days out of range


@pytest.mark.parametrize("guild", [str(2**64 + 1), str(2**63), "0", "-5", "1e3", "9" * 5000])
@pytest.mark.parametrize("command", ["report", "export"])
def test_a_guild_id_out_of_range_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], filled: Path, command: str, guild: str
) -> None:
    code, out, err = run_cli(
        capsys, *OPENING_THE_DATABASE[command], "--guild", guild, "--db", str(filled)
    )

    assert (code, out) == (2, "")
    line = one_error_line(err, command)
    assert "argument --guild: " in line and "is not a server id: a whole number from 1 to " in line
    assert len(line) < 300


@pytest.mark.parametrize(
    ("argv", "option", "day"),
    [
        (["report", "--day", "9999-12-31"], "--day", "9999-12-31"),
        (["report", "--from", "0001-01-01", "--to", "2024-05-01"], "--from", "0001-01-01"),
        (
            [
                "export",
                "connections",
                "--format",
                "csv",
                "--from",
                "0001-01-01",
                "--to",
                "0001-01-02",
            ],
            "--from",
            "0001-01-01",
        ),
        (
            ["export", "messages", "--format", "csv", "--from", "2024-05-01", "--to", "9999-12-31"],
            "--to",
            "9999-12-31",
        ),
    ],
)
def test_a_day_out_of_range_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    filled: Path,
    argv: list[str],
    option: str,
    day: str,
) -> None:
    # East of UTC, the first day of year 1 begins in year 0: it overflowed.
    config = tmp_path / "tokyo.toml"
    config.write_text('[defaults]\ntimezone = "Asia/Tokyo"\n')

    code, out, err = run_cli(capsys, *argv, "--db", str(filled), "--config", str(config))

    assert (code, out) == (2, "")
    assert one_error_line(err, argv[0]).endswith(
        f"{option}: {day} is outside the days Ascolto knows: give a day from 2015-01-01 to "
        "9998-12-31\n"
    )


def test_health_answers_a_configuration_it_cannot_read_with_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[database]\nheartbeat_interval_seconds = inf\n")

    code, out, err = run_cli(capsys, "health", "--config", str(config))

    assert (code, err) == (1, "")  # Docker reads 0 and 1; it reserves 2
    assert out.startswith("unhealthy: invalid configuration: database.heartbeat_interval")
    assert out.count("\n") == 1


# A read-only database, and a read-only folder


PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER: without them, root too obeys
# file modes.
_FILE_MODE_CAPABILITIES = (1, 2, 3)


def _obey_file_modes() -> None:
    """In the child, before it runs Python: as root, give up what lets root ignore file
    modes (dropped from the bounding set, they are gone once the program starts)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _FILE_MODE_CAPABILITIES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``argv`` in a child process that obeys file modes, as a user who is not root does."""
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=os.environ.copy(),
        timeout=120,
        check=False,
        preexec_fn=_obey_file_modes if os.geteuid() == 0 else None,
    )


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Make files and folders read-only (for the child processes of ``_run``); checks
    first that such a child cannot write a read-only file here, else skips."""
    changed: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
        changed.append(path)

    probe = tmp_path / "probe"
    probe.write_text("")
    make(probe)
    try:
        tried = _run([sys.executable, "-c", f"open({str(probe)!r}, 'a')"], tmp_path)
    except subprocess.SubprocessError as exc:  # no right to drop capabilities here
        pytest.skip(f"cannot run a child that obeys file modes: {exc}")
    if tried.returncode == 0:
        pytest.skip("file modes do not stop writes here (root with every capability)")
    yield make
    for path in changed:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def ascolto(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    result = _run([sys.executable, "-m", "bot", *argv], tmp_path)
    return result.returncode, result.stdout, result.stderr


def test_a_read_only_database_file_is_read_but_never_half_written(
    tmp_path: Path, exports: Path, filled: Path, read_only: Callable[[Path], None]
) -> None:
    read_only(filled)
    before = filled.read_bytes()
    guild = ["--guild", str(int(GUILD)), "--db", str(filled)]

    stored = ascolto(tmp_path, "report", "--day", "2024-05-01", *guild)
    to_compute = ascolto(tmp_path, "report", "--day", "2024-05-03", *guild)
    imported = ascolto(tmp_path, "import", str(exports), "--db", str(filled))

    assert stored[0] == 0 and "2024-05-01" in stored[1]  # stored days need no writing
    for (code, out, err), command in ((to_compute, "report"), (imported, "import")):
        assert (code, out) == (2, "")
        assert f"cannot write to {filled}: the file or its folder is read-only" in one_error_line(
            err, command
        )
    assert filled.read_bytes() == before


@pytest.mark.parametrize("command", ["report", "export", "guilds", "migrate", "import"])
def test_a_database_in_a_read_only_folder_is_one_line_and_exit_2(
    tmp_path: Path, exports: Path, filled: Path, read_only: Callable[[Path], None], command: str
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "ascolto.db"
    shutil.copyfile(filled, db)  # without the -wal and -shm files SQLite must create
    read_only(folder)
    argv = ["import", str(exports)] if command == "import" else OPENING_THE_DATABASE[command]
    if command in ("report", "export"):
        argv = [*argv, "--guild", str(int(GUILD))]

    code, out, err = ascolto(tmp_path, *argv, "--db", str(db))

    assert (code, out) == (2, "")
    assert f"cannot write to {db}: the file or its folder is read-only" in one_error_line(
        err, command
    )
    assert sorted(p.name for p in folder.iterdir()) == ["ascolto.db"]


def test_new_files_in_a_read_only_folder_are_one_line_and_exit_2(
    tmp_path: Path, filled: Path, read_only: Callable[[Path], None]
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    read_only(folder)

    migrated = ascolto(tmp_path, "migrate", "--db", str(folder / "new.db"))
    backed_up = ascolto(tmp_path, "backup", str(folder / "copy.db"), "--db", str(filled))
    health = ascolto(tmp_path, "health", "--db", str(folder / "new.db"))

    assert migrated[:2] == backed_up[:2] == (2, "")
    assert one_error_line(migrated[2], "migrate").endswith(
        f"cannot create {folder / 'new.db'}: Permission denied\n"
    )
    assert one_error_line(backed_up[2], "backup").endswith(
        f"cannot write {folder / 'copy.db'}: Permission denied\n"
    )
    assert health[0] == 1 and health[1].startswith("unhealthy: no database at")
    assert list(folder.iterdir()) == []
