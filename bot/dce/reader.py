"""Reading DiscordChatExporter files as streams: the header first, then one message at a
time, never the whole file (exports reach hundreds of MB)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import ijson

from bot.dce.format import FormatError, Header, Message, parse_header, parse_message

_HEADER_KEYS = ("guild", "channel")


class ExportError(Exception):
    """A file cannot be imported; the message names the file and where it went wrong."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """An export found on disk, with its header read."""

    path: Path
    header: Header
    size: int


def find_exports(paths: Iterable[Path]) -> tuple[list[ExportFile], list[str]]:
    """The exports among ``paths`` (files, or folders searched recursively for .json).

    Returns the exports, and a note for each JSON file in a folder that is not an
    export. A path that does not exist, or a file named directly that is not an
    export, raises ExportError (one line).
    """
    found: list[ExportFile] = []
    skipped: list[str] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.json")):
                try:
                    found.append(_export(candidate))
                except ExportError as exc:
                    skipped.append(str(exc))
        elif path.is_file():
            found.append(_export(path))
        else:
            raise ExportError(f"{path}: no such file or folder")
    unique = {export.path.resolve(): export for export in found}
    return list(unique.values()), skipped


def messages(export: ExportFile) -> Iterator[Message]:
    """The file's messages, in file order, parsed one at a time.

    A malformed or truncated file raises ExportError naming the file, the message
    reached and the byte position.
    """
    count = 0
    last_id: str = "none yet"
    with export.path.open("rb") as stream:
        try:
            for raw in ijson.items(stream, "messages.item", use_float=True):
                count += 1
                if isinstance(raw, dict) and raw.get("id") is not None:
                    last_id = str(raw["id"])
                yield parse_message(raw, export.header)
        except FormatError as exc:
            raise ExportError(f"{export.path}: message #{count} (id {last_id}): {exc}") from None
        except ijson.JSONError as exc:
            raise ExportError(
                f"{export.path}: malformed JSON near byte {_position(stream)}, after message "
                f"#{count} (id {last_id}): {_reason(exc)}"
            ) from None


def _export(path: Path) -> ExportFile:
    try:
        with path.open("rb") as stream:
            header = _read_header(stream)
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror})") from None
    except ijson.JSONError as exc:
        raise ExportError(f"{path}: not JSON ({_reason(exc)})") from None
    except FormatError as exc:
        raise ExportError(f"{path}: {exc}") from None
    return ExportFile(path, header, path.stat().st_size)


def _read_header(stream: IO[bytes]) -> Header:
    """The ``guild`` and ``channel`` objects, which come before the messages."""
    found: dict[str, Any] = {}
    builder: ijson.ObjectBuilder | None = None
    building = ""
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if builder is not None:
            if prefix == building and event in ("end_map", "end_array"):
                builder.event(event, value)
                found[building] = builder.value
                builder = None
                if all(key in found for key in _HEADER_KEYS):
                    break
            else:
                builder.event(event, value)
        elif prefix in _HEADER_KEYS and event == "start_map":
            building, builder = prefix, ijson.ObjectBuilder()
            builder.event(event, value)
        elif prefix == "messages":
            break
    return parse_header(found.get("guild"), found.get("channel"))


def _position(stream: IO[bytes]) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return -1


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:160] if text else type(exc).__name__
