"""``ascolto demo``: see what Ascolto does, with no token and no network.

The real bot runs against SimCord (a simulated Discord, in process) while a scripted
community lives a few weeks; the store and a transcript of what the bot posted are
written to a folder, then the dashboard serves the store.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import SQLITE_HEADER, CliError
from bot.cli.dashboard import port
from bot.settings import LOOPBACK_HOSTS

if TYPE_CHECKING:
    from bot.demo.page import Counts

HELP = "play a simulated community with the real bot, no token needed (a transcript and a store)"

DEFAULT_OUT = Path("ascolto-demo")
DATABASE = "ascolto-demo.db"
PAGE = "index.html"
ASSETS = "assets"
# Written by every run: a folder with it holds the demo's output, nobody's data.
MARKER = ".ascolto-demo"
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 3, 90, 21
DEFAULT_SEED = 1


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto demo``."""
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the store and the transcript (default: ./{DEFAULT_OUT}, created)",
    )
    parser.add_argument(
        "--days",
        type=_days,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"simulated days, {MIN_DAYS} to {MAX_DAYS} (default: {DEFAULT_DAYS})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"the same seed gives the same community and output (default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--no-dashboard",
        action="store_true",
        help="stop after writing the files instead of serving the dashboard",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="the dashboard's address (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=port, default=8080, help="the dashboard's port (default: 8080)"
    )


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"a whole number of days from {MIN_DAYS} to {MAX_DAYS}, not {text!r}"
        )
    return days


def run(args: argparse.Namespace) -> int:
    """Play the demo into ``--out``, print what it made, then serve the dashboard."""
    out: Path = args.out
    if not args.no_dashboard and args.host not in LOOPBACK_HOSTS:
        raise CliError(
            f"the demo serves its dashboard on this machine only, not on {args.host}: keep "
            "--host 127.0.0.1, or share the demo's store with `ascolto dashboard --db "
            f"{out / DATABASE} --host {args.host}` and [dashboard] password"
        )
    check_out_folder(out)
    clear_previous_run(out)
    # First, not last: a run stopped half-way (Ctrl-C) leaves a folder a rerun may replace.
    (out / MARKER).write_text(
        "Written by `ascolto demo`; rerunning it replaces this folder's output.\n"
    )
    # SimCord and Jinja2 are loaded only here, not by every other subcommand.
    from bot.demo.page import counts, write_transcript
    from bot.demo.run import DemoError, play

    with _progress(args.days) as advance:
        try:
            outcome = asyncio.run(
                play(out / DATABASE, days=args.days, seed=args.seed, on_day=advance)
            )
        except DemoError as exc:
            raise CliError(str(exc)) from None
    page = write_transcript(out, outcome, seed=args.seed)
    print(summary(counts(outcome), out, page))
    if not args.no_dashboard:
        serve_dashboard(out / DATABASE, host=args.host, port=args.port)
    return 0


def check_out_folder(out: Path) -> None:
    """Refuse a folder that is a file, or that holds a database the demo did not write:
    the demo replaces its own output, never somebody's data."""
    if out.exists() and not out.is_dir():
        raise CliError(
            f"--out {out} is a file, not a folder: give a folder (it is created if missing)"
        )
    if not out.is_dir():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise CliError(f"cannot create the folder {out}: {exc.strerror or exc}") from None
        return
    ours = (out / MARKER).is_file()
    for path in sorted(out.iterdir()):
        if not path.is_file() or (ours and path.name.startswith(DATABASE)):
            continue
        if _is_sqlite(path):
            raise CliError(
                f"--out {out} already holds a database the demo did not write ({path.name}): "
                "choose another folder, the demo never overwrites data"
            )


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def clear_previous_run(out: Path) -> None:
    """Remove what an earlier demo wrote in ``out`` (checked as ours before)."""
    for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", PAGE, MARKER):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / ASSETS, ignore_errors=True)


@contextmanager
def _progress(days: int) -> Iterator[Callable[[int], None]]:
    """A bar of simulated days on stderr, when it is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if not sys.stderr.isatty():
        yield lambda _day: None
        return
    columns = (TextColumn("Simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("days"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("days", total=days)
        yield lambda day: progress.update(task, completed=day)


def summary(numbers: Counts, out: Path, page: Path) -> str:
    """What a busy reader needs after the run: what happened, where, what next."""
    from bot.demo.page import plural

    database = out / DATABASE
    following = [
        (f"ascolto report --db {database}", "the daily summaries as a table"),
        (f"ascolto dashboard --db {database}", "the dashboard on this store"),
        ("DISCORD_TOKEN=... ascolto run", "the real bot on your server (see the README)"),
    ]
    width = max(len(command) for command, _why in following)
    lines = [
        f"{plural(numbers.days, 'day')} simulated: {plural(numbers.messages, 'message')} by "
        f"{plural(numbers.members, 'member')}; {plural(numbers.digests, 'digest')}, "
        f"{plural(numbers.board_versions, 'version')} of the alert board, "
        f"{plural(numbers.dms, 'DM')}, {plural(numbers.answers, 'command answer')}.",
        f"Open {page} in a browser: what the bot posted, day by day (no server needed).",
        f"The store is {database}, a normal Ascolto database.",
        "Next:",
        *(f"  {command:<{width}}  {why}" for command, why in following),
    ]
    return "\n".join(lines)


def serve_dashboard(database: Path, *, host: str, port: int) -> None:
    """Serve the dashboard on the demo's store until Ctrl-C."""
    from bot.dashboard import serve

    try:
        serve(database, host=host, port=port, announce=lambda line: print(line, flush=True))
    except OSError as exc:
        raise CliError(
            f"the demo's files are written, but the dashboard cannot listen on {host}:{port}: "
            f"{exc.strerror or exc}; choose another --port, or run "
            f"`ascolto dashboard --db {database} --port N`"
        ) from None
