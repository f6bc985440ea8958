"""Export files written a batch at a time, byte for byte as bot/export.py writes them
whole: a busy week's connections are about 100,000 records (30 MB of JSON), which the
page sends as they are read rather than builds in memory first.

The JSON is that of ``json.dumps(records, indent=2, ensure_ascii=False)`` and a final
newline (bot/export.py, ``_write_json``), each record's values written by the json
module's own encoders: the indenting encoder is pure Python and took seconds here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

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
        if not texts:
            return ""
        text = ("[\n" if not self._started else ",\n") + ",\n".join(texts)
        self._started = True
        return text

    def end(self) -> str:
        """The end of the array and the file."""
        return "\n]\n" if self._started else "[]\n"
