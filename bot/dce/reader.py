"""Reading DiscordChatExporter files as streams: the header first, then one message at a
time, never the whole file (exports reach hundreds of MB).

While reading, :class:`Reading` learns what the exporter that wrote the file recorded.
Older exporters wrote less, and a missing field must not pass for "nobody did it"
(docs/data.md gives the exporter version that added each field):

- **replies**: ``reference`` (2.26) is written only on a message that has one, so a
  file without any could be new and reply-less, or old. The file counts as recording
  replies when it shows it was written by 2.26 or later: a message with a
  ``reference``, the channel's ``categoryId`` (2.27) or messages' ``stickers`` (2.33).
  A 2.26 file without a reply, a category or those keys is taken for an older one.
- **mentions**: from 2.25 every message has a ``mentions`` list, empty or not. One
  message without it and the file has no mention lists (old exports write mentions
  as ``@name`` in the text, without the id).
- **reactions**: from 2.40.4 every reaction lists its ``users``. One reaction without
  them and the file does not say who reacted. A file without reactions says all
  there is: nobody reacted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson

from bot.dce.format import (
    FormatError,
    Header,
    Message,
    NotAnExport,
    parse_header,
    parse_message,
)
from bot.render.text import quoted

_HEADER_KEYS = ("guild", "channel")
_JSON_KINDS = {
    "start_map": "an object",
    "string": "text",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
# What the JSON reader cannot decode is most often an escaped lone surrogate
# ("\udc00"), which some tools write for a name cut in the middle of an emoji.
_NOT_UTF8 = "a lone surrogate (\\udXXX) or bytes that are not UTF-8"


class ExportError(Exception):
    """A file cannot be imported; the message names the file and where it went wrong."""


class BadExport(ExportError):
    """An export (it has a guild and a channel) whose header holds a value that is not
    what the format says: refused, where a file that is no export is only skipped."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export found on disk, with its header read."""

    path: Path
    header: Header
    size: int
    # The channel object has ``categoryId`` (2.27): the exporter writes references.
    writes_references: bool = False


@dataclass(slots=True)
class Reading:
    """What reading one file has found out so far: how far it got, and what its
    exporter recorded (the rules are in this module's docstring)."""

    replies: bool = False
    mentions: bool = True
    reactions: bool = True
    _tell: Callable[[], int] = field(default=lambda: 0, repr=False)

    @property
    def bytes_read(self) -> int:
        """How far into the file the reader is, in bytes."""
        return self._tell()

    def observe(self, raw: Any) -> None:
        """Learn from one raw message what the exporter writes."""
        if not isinstance(raw, dict):
            return
        if not self.replies and ("reference" in raw or "stickers" in raw):
            self.replies = True
        if self.mentions and "mentions" not in raw:
            self.mentions = False
        reactions = raw.get("reactions")
        if self.reactions and isinstance(reactions, list):
            for reaction in reactions:
                if isinstance(reaction, dict) and "users" not in reaction:
                    self.reactions = False


def find_exports(
    paths: Iterable[Path], refused: list[str] | None = None
) -> tuple[list[ExportFile], list[str]]:
    """The exports among ``paths`` (files, or folders searched recursively for .json).

    Returns the exports, and a note for each JSON file in a folder that is not an
    export. A path that does not exist, or a file named directly that is not an
    export, raises ExportError (one line). An export whose guild or channel holds a
    bad value is refused: its reason is added to ``refused`` when it is given (the
    other files go on), else it counts as a file that is not an export.
    """
    found: list[ExportFile] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.json")):
                try:
                    found.append(_export(candidate))
                except BadExport as exc:
                    (skipped if refused is None else refused).append(str(exc))
                except ExportError as exc:
                    skipped.append(str(exc))
        elif path.is_file():
            try:
                found.append(_export(path))
            except BadExport as exc:
                if refused is None:
                    raise
                refused.append(str(exc))
        else:
            raise ExportError(f"{path}: no such file or folder")
    unique = {export.path.resolve(): export for export in found}
    return list(unique.values()), skipped


def messages(export: ExportFile, reading: Reading | None = None) -> Iterator[Message]:
    """The file's messages, in file order, parsed one at a time; ``reading``, if given,
    learns as they go by how far the file is read and what it records.

    A malformed or truncated file, or a value that is not what the format says (see
    bot/dce/format.py), raises ExportError naming the file, the message reached (its
    number and id) and, for what JSON itself cannot read, the byte position.
    """
    count = 0
    last: Any = None  # the last message read; its id is worded only for an error
    if reading is None:
        reading = Reading()
    reading.replies = reading.replies or export.writes_references
    with export.path.open("rb") as stream:
        reading._tell = lambda: _position(stream)
        try:
            for last in ijson.items(stream, "messages.item", use_float=True):
                count += 1
                reading.observe(last)
                yield parse_message(last, export.header)
        except FormatError as exc:
            raise ExportError(f"{export.path}: {_message(count, _id_of(last))}: {exc}") from None
        except ijson.JSONError as exc:
            raise ExportError(
                f"{export.path}: malformed JSON near byte {_position(stream)}, "
                f"{_after(count, _id_of(last))}: {_reason(exc)}"
            ) from None
        except UnicodeDecodeError:
            raise ExportError(
                f"{export.path}: text that is not UTF-8 near byte {_position(stream)}, "
                f"{_after(count, _id_of(last))}: {_NOT_UTF8}"
            ) from None
        finally:
            reading._tell = lambda: export.size


def _export(path: Path) -> ExportFile:
    try:
        with path.open("rb") as stream:
            header, writes_references = _read_header(stream)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror})") from None
    except ijson.JSONError as exc:
        raise ExportError(f"{path}: not JSON ({_reason(exc)})") from None
    except UnicodeDecodeError:
        raise BadExport(
            f"{path}: the guild or channel holds text that is not UTF-8: {_NOT_UTF8}"
        ) from None
    except NotAnExport as exc:
        raise ExportError(f"{path}: {exc}") from None
    except FormatError as exc:
        raise BadExport(f"{path}: {exc}") from None
    return ExportFile(path, header, path.stat().st_size, writes_references)


def _read_header(stream: IO[bytes]) -> tuple[Header, bool]:
    """The ``guild`` and ``channel`` objects, which come before the messages, and
    whether the channel has ``categoryId``; read up to the start of ``messages``, which
    must be a list."""
    found: dict[str, Any] = {}
    builder: ijson.ObjectBuilder | None = None
    building = ""
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if builder is not None:
            builder.event(event, value)
            if prefix == building and event in ("end_map", "end_array"):
                found[building] = builder.value
                builder = None
        elif prefix in _HEADER_KEYS and event == "start_map":
            building, builder = prefix, ijson.ObjectBuilder()
            builder.event(event, value)
        elif prefix == "messages":
            if event != "start_array" and all(key in found for key in _HEADER_KEYS):
                raise FormatError(f"messages is {_JSON_KINDS.get(event, event)}, not a list")
            break
    channel = found.get("channel")
    header = parse_header(found.get("guild"), channel)
    return header, isinstance(channel, dict) and "categoryId" in channel


def _message(count: int, shown_id: str) -> str:
    """A message as an error names it: its number in the file, and its id if it has one."""
    return f"message #{count}" + (f" (id {shown_id})" if shown_id else " (no id)")


def _after(count: int, last_id: str) -> str:
    """Where in the messages a problem JSON itself found is: after the last one read."""
    return f"after {_message(count, last_id)}" if count else "in the first message"


def _id_of(raw: Any) -> str:
    """A message's id as an error names it, or "" when it has none (see _shown_id)."""
    has_id = isinstance(raw, dict) and raw.get("id") is not None
    return _shown_id(raw["id"]) if has_id else ""


def _shown_id(value: Any) -> str:
    """A message's id as an error names it: as written, or quoted short when strange."""
    text = str(value) if isinstance(value, int | str) else ""
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else quoted(value)


def _position(stream: IO[bytes]) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return -1


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:160] if text else type(exc).__name__
