"""Export files written a batch at a time, byte for byte as bot/export.py writes them
whole: a busy week's connections are about 100,000 records (30 MB of JSON), which the
page sends as they are read rather than builds in memory first.

The JSON is that of ``json.dumps(records, indent=2, ensure_ascii=False)`` and a final
newline (bot/export.py, ``_write_json``), each record's values written by the json
module's own encoders: the indenting encoder is pure Python and took seconds here. The
CSV is that of bot/export.py's ``SafeCsvWriter``, its text cells written by it too.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from bot.export import SafeCsvWriter, connection_columns
from bot.store.dashboard import ConnectionRow
from bot.store.exports import Connection

_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return json.encoder.encode_basestring(value)  # what ensure_ascii=False uses
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return _ENCODER.encode(value)  # booleans, floats: the encoder's own spelling


class JsonArray:
    """A JSON array of flat records, written in parts: :meth:`part` for each batch, then
    :meth:`end`."""

    def __init__(self) -> None:
        self._started = False

    def part(self, records: Iterable[dict[str, Any]]) -> str:
        """The text of ``records``, the next elements of the array."""
        texts = []
        for record in records:
            fields = ",\n".join(
                f"    {json.encoder.encode_basestring(key)}: {_value(value)}"
                for key, value in record.items()
            )
            texts.append(f"  {{\n{fields}\n  }}" if fields else "  {}")
        return self.elements(texts)

    def elements(self, texts: list[str]) -> str:
        """The next elements of the array, each already written (as :meth:`part` does)."""
        if not texts:
            return ""
        text = ("[\n" if not self._started else ",\n") + ",\n".join(texts)
        self._started = True
        return text

    def end(self) -> str:
        """The end of the array and the file."""
        return "\n]\n" if self._started else "[]\n"


# A connection's record (bot/export.py, ``connection_record`` with names) as one format:
# its counts are integers, written as json writes them; its times and names are text.
_COLUMNS = connection_columns(names=True)
_RECORD = "  {\n" + ",\n".join(f'    "{key}": %s' for key in _COLUMNS) + "\n  }"
if tuple(f.name for f in fields(Connection)) != _COLUMNS or _COLUMNS[-4:] != (
    "first_at",
    "last_at",
    "source_name",
    "target_name",
):  # bot/export.py or bot/store/exports.py changed: look at this (and the rows) again
    raise RuntimeError(f"the connections export's columns are now {_COLUMNS}")


def _text(value: str | None) -> str:
    return "null" if value is None else json.encoder.encode_basestring(value)


def connection_elements(rows: Iterable[ConnectionRow]) -> list[str]:
    """Each connection's record as :class:`JsonArray` writes it, for
    :meth:`JsonArray.elements`: a format per record, rather than a dict and a value at a
    time (a busy week's 100,000 records took 1.5 s of CPU that way, 0.4 s this way)."""
    return [
        _RECORD % (a, b, r, t, m, x, n, _text(f), _text(la), _text(sn), _text(tn))
        for a, b, r, t, m, x, n, f, la, sn, tn in rows
    ]


# A connection's CSV row (bot/export.py, ``SafeCsvWriter``): its counts are integers and
# its times ours ("2026-04-08T10:00:00.000Z": nothing to quote or guard), written as
# they are; its names are member-supplied, written by SafeCsvWriter itself.
_LINE = ",".join(["%s"] * len(_COLUMNS)) + "\r\n"


@functools.lru_cache(maxsize=16384)
def _csv_text(value: str) -> str:
    """``value`` as SafeCsvWriter writes it as one cell of a row of several: guarded
    against spreadsheet formulas, quoted as the csv module quotes."""
    line = io.StringIO()
    SafeCsvWriter(line).writerow((0, value))
    return line.getvalue()[2:-2]  # without "0," and the row's end


def _name(value: str | None) -> str:
    return "" if value is None else _csv_text(value)


def connection_lines(rows: Iterable[ConnectionRow]) -> str:
    """The CSV rows of these connections, as SafeCsvWriter writes them: a format per
    row, and each name quoted once (the csv module took 0.45 s for a busy week's
    100,000 rows, this about a third of that)."""
    return "".join(
        [
            _LINE % (a, b, r, t, m, x, n, f, la, _name(sn), _name(tn))
            for a, b, r, t, m, x, n, f, la, sn, tn in rows
        ]
    )
