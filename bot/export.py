"""Exports as files: daily summaries, the network of connections, inferred replies,
message metadata.

Pure writers on a stream, shared by ``ascolto export`` and ``/export``: CSV with
the csv module, JSON with json, GraphML with networkx. The rows come from the
store (bot/store/summaries.py and bot/store/exports.py).

Members choose their own names and write the text, and these files are opened by
spreadsheets and XML tools: every CSV goes through :class:`SafeCsvWriter`, and GraphML
text through :func:`xml_text`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Protocol

import networkx as nx

from bot.analysis.summary import DailySummary
from bot.store.exports import INFERRED_COLUMNS, MESSAGE_COLUMNS, Connection, InferredPair

KINDS = ("summaries", "connections", "inferred_replies", "messages")
FORMATS = ("csv", "json", "graphml")
# The formats each kind can be written in, in the order help texts list them.
FORMATS_OF = {
    "summaries": ("csv", "json"),
    "connections": ("csv", "json", "graphml"),
    "inferred_replies": ("csv", "json"),
    "messages": ("csv",),
}
# Without a range, summaries cover this many days ending yesterday (the others: all time);
# the longest range is bot/summaries.py's MAX_DAYS, as for ``ascolto report``.
SUMMARY_DAYS = 30

# How each format shows a value that is not known, for the line that says why.
SHOWN_AS = {"csv": "empty", "json": "null"}

SUMMARY_COLUMNS = tuple(field.name for field in dataclasses.fields(DailySummary))
_LIST_FIELDS = ("top_connectors", "broadcasters", "top_conversations")

CONNECTION_COLUMNS = (
    "source",
    "target",
    "replies",
    "thread_replies",
    "mentions",
    "reactions",
    "interactions",
    "first_at",
    "last_at",
)
NAME_COLUMNS = ("source_name", "target_name")


class TextSink(Protocol):
    """Where text goes: an open text file, standard output, an :class:`Upload`."""

    def write(self, text: str, /) -> object: ...


class ByteSink(Protocol):
    """Where bytes go: an open binary file, ``sys.stdout.buffer``, an :class:`Upload`."""

    def write(self, data: bytes, /) -> object: ...


# OWASP's CSV injection rule: a spreadsheet takes a cell starting with one of these for
# a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``), and a tab or carriage
# return can hide one behind it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What XML 1.0 cannot hold: the C0 controls but tab, newline and carriage return, the
# surrogates (a lone one cannot even be encoded), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as written: text starting like a formula gets
    a leading ``'``. Only text: a number we wrote, negative or not, stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """The CSV writer of every export: the csv module's, with :func:`spreadsheet_cell`
    applied to each cell."""

    def __init__(self, stream: TextSink) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row."""
        self._writer.writerow([spreadsheet_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write rows, one by one."""
        for row in rows:
            self.writerow(row)


def xml_text(text: str) -> str:
    """Text that XML can hold: the characters it cannot are dropped."""
    return _NOT_XML.sub("", text)


def format_problem(kind: str, fmt: str) -> str | None:
    """Why ``kind`` cannot be written as ``fmt``, or None when it can."""
    if kind not in FORMATS_OF:
        return f"unknown kind {kind!r}: choose {_or(KINDS)}"
    if fmt not in FORMATS:
        return f"unknown format {fmt!r}: choose {_or(FORMATS)}"
    allowed = FORMATS_OF[kind]
    if fmt not in allowed:
        return f"{kind} cannot be exported as {fmt}, only as {_or(allowed)}"
    return None


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# summaries


def summary_record(
    summary: DailySummary, unknown: AbstractSet[str] = frozenset()
) -> dict[str, Any]:
    """The JSON object of a day (``report --json``, exports): docs/metrics.md's field names,
    and None for the ``unknown`` fields, those its sources could not know."""
    data = summary.to_json()
    for key in unknown:
        data[key] = None
    return data


def write_summaries(
    stream: TextSink,
    summaries: Sequence[DailySummary],
    fmt: str,
    unknown: Sequence[AbstractSet[str]] = (),
) -> None:
    """One row (CSV) or object (JSON) per day, with docs/metrics.md's field names;
    ``unknown`` holds each day's fields that are not known (null in JSON). In CSV the
    per-person lists are JSON text in their cell and a missing or unknown value is empty."""
    days = unknown or [frozenset()] * len(summaries)
    records = [summary_record(s, u) for s, u in zip(summaries, days, strict=True)]
    if fmt == "json":
        _write_json(stream, records)
        return
    writer = SafeCsvWriter(stream)
    writer.writerow(SUMMARY_COLUMNS)
    for data in records:
        writer.writerow(_csv_cell(key, data[key]) for key in SUMMARY_COLUMNS)


def _csv_cell(key: str, value: Any) -> Any:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if key in _LIST_FIELDS else value


# connections


def connection_columns(*, names: bool) -> tuple[str, ...]:
    """The columns of the connections CSV (and keys of its JSON)."""
    return CONNECTION_COLUMNS + NAME_COLUMNS if names else CONNECTION_COLUMNS


def connection_record(connection: Connection, *, names: bool) -> dict[str, Any]:
    """One directed pair as a flat record; display names only when asked for."""
    return {key: getattr(connection, key) for key in connection_columns(names=names)}


def write_connections(
    stream: TextSink, connections: Iterable[Connection], fmt: str, *, names: bool
) -> None:
    """The network as an edge list: a CSV row or a JSON object per directed pair."""
    records = (connection_record(c, names=names) for c in connections)
    if fmt == "json":
        _write_json(stream, list(records))
        return
    columns = connection_columns(names=names)
    writer = SafeCsvWriter(stream)
    writer.writerow(columns)
    writer.writerows([record[key] for key in columns] for record in records)


def connection_graph(
    connections: Iterable[Connection], *, names: bool, inferred: Iterable[InferredPair] = ()
) -> Any:
    """A networkx DiGraph: member ids (as text) for nodes, the pairs' counts and times on
    the edges, and a node's ``name`` only when asked for (and known), as XML can hold it.
    An ``inferred`` pair is an edge of its own, ``kind="inferred"``, with its count of
    inferred replies and their times, never added to the explicit counts: with any, the
    graph is a MultiDiGraph (a pair may have both edges)."""
    inferred = list(inferred)
    graph = nx.MultiDiGraph() if inferred else nx.DiGraph()
    for c in connections:
        for member, name in ((c.source, c.source_name), (c.target, c.target_name)):
            node = str(member)
            if node not in graph:
                graph.add_node(node)
                if names and name is not None:
                    graph.nodes[node]["name"] = xml_text(name)
        edge = {key: getattr(c, key) for key in CONNECTION_COLUMNS[2:]}
        graph.add_edge(str(c.source), str(c.target), **edge)
    for pair in inferred:
        for node in (str(pair.source), str(pair.target)):
            if node not in graph:
                graph.add_node(node)
        graph.add_edge(
            str(pair.source),
            str(pair.target),
            kind="inferred",
            inferred_replies=pair.inferred_replies,
            first_at=pair.first_at,
            last_at=pair.last_at,
        )
    return graph


def write_connections_graphml(
    stream: ByteSink,
    connections: Iterable[Connection],
    *,
    names: bool,
    inferred: Iterable[InferredPair] = (),
) -> None:
    """The network as GraphML (UTF-8), for Gephi or ``networkx.read_graphml``; inferred
    replies as edges of their own kind."""
    graph = connection_graph(connections, names=names, inferred=inferred)
    nx.write_graphml(graph, stream)


# inferred replies


def write_inferred_replies(stream: TextSink, rows: Sequence[Sequence[Any]], fmt: str) -> None:
    """One CSV row or JSON object per inferred reply, with the columns of
    bot/store/exports.py's INFERRED_COLUMNS (the table's own names)."""
    if fmt == "json":
        _write_json(stream, [dict(zip(INFERRED_COLUMNS, row, strict=True)) for row in rows])
        return
    writer = SafeCsvWriter(stream)
    writer.writerow(INFERRED_COLUMNS)
    writer.writerows(rows)


# messages


def message_columns(*, content: bool) -> tuple[str, ...]:
    """The columns of the messages CSV; the text only when asked for."""
    return (*MESSAGE_COLUMNS, "content") if content else MESSAGE_COLUMNS


class MessagesCsv:
    """The messages CSV, written batch by batch as the store streams the rows."""

    def __init__(self, stream: TextSink, *, content: bool) -> None:
        self._writer = SafeCsvWriter(stream)
        self._writer.writerow(message_columns(content=content))

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        """Rows in :func:`message_columns` order, as ``ExportQueries.messages`` gives them."""
        self._writer.writerows(rows)


# files for Discord


class Upload:
    """A file built in memory for Discord: text is written as UTF-8. Bytes are kept up to
    ``limit`` and only counted beyond it, so a huge export costs no memory."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._buffer: io.BytesIO | None = io.BytesIO()

    def write(self, data: str | bytes, /) -> int:
        """Keep or count ``data``."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.size += len(raw)
        if self._buffer is not None:
            if self.size <= self.limit:
                self._buffer.write(raw)
            else:
                self._buffer = None
        return len(data)

    @property
    def too_large(self) -> bool:
        """Whether more than ``limit`` bytes were written."""
        return self.size > self.limit

    def getvalue(self) -> bytes:
        """Everything written; only while it fits."""
        if self._buffer is None:
            raise ValueError(f"the file has {self.size} bytes, more than {self.limit}")
        return self._buffer.getvalue()


def _write_json(stream: TextSink, data: list[dict[str, Any]]) -> None:
    # The same shape as ``ascolto report --json``.
    stream.write(json.dumps(data, indent=2, ensure_ascii=False))
    stream.write("\n")
