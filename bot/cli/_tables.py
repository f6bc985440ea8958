"""Tables on standard output, drawn by rich: aligned columns, and an unknown value as ``—``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table

UNKNOWN = "—"


def cell(value: Any, form: Callable[[Any], str] = str) -> str:
    """``value`` as ``form`` writes it, or ``—`` when it is not known (None)."""
    return UNKNOWN if value is None else form(value)


def plain_table(left: Sequence[str], right: Sequence[str]) -> Table:
    """A table without borders: the ``left`` columns (words), then the ``right`` ones
    (numbers, aligned on their last digit)."""
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for header in left:
        table.add_column(header, no_wrap=True)
    for header in right:
        table.add_column(header, justify="right", no_wrap=True)
    return table


def print_table(table: Table, file: IO[str] | None = None) -> None:
    """Print ``table``; to a file or a pipe, each row stays on one line however wide."""
    console = Console(file=file or sys.stdout, highlight=False)
    if not console.is_terminal:
        # 80 columns is a guess about a screen; a file or a pipe has none.
        width = console.measure(table, options=console.options.update_width(100_000)).maximum
        console.width = max(width, 1)
    console.print(table)
