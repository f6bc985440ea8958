"""The IRC disentanglement corpus (Kummerfeld et al., ACL 2019): its files as messages.

A sample is a pair ``NAME.ascii.txt`` (one message a line, ``[HH:MM] <nick> text``, or a
system line ``=== ...``) and ``NAME.annotation.txt`` (``A B -``: line B responds to line A;
``A A -``: A starts a conversation). Lines are numbered from 0; only annotated lines are
scored, earlier ones are context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.analysis.questions import is_question
from bot.inference.records import ChatMessage

_MESSAGE = re.compile(r"\[(\d\d):(\d\d)\] <([^>]+)> ?(.*)")
_ACTION = re.compile(r"\[(\d\d):(\d\d)\]\s+\* (\S+) ?(.*)")
_DATED = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DAY = 86400.0


@dataclass(slots=True)
class CorpusSample:
    """One annotated log: its chat messages (id = line number) and the gold links."""

    name: str
    messages: list[ChatMessage]
    # Lines that are not chat (joins, quits, renames): always conversation starts here.
    system_lines: set[int] = field(default_factory=set)
    # Annotated line -> the lines it responds to (itself for a conversation start).
    gold: dict[int, set[int]] = field(default_factory=dict)


def read_log(text: str, *, origin: float = 0.0) -> tuple[list[ChatMessage], set[int]]:
    """The chat messages of an IRC log, and the numbers of its system lines."""
    authors: dict[str, int] = {}
    messages: list[ChatMessage] = []
    system: set[int] = set()
    day = 0.0
    last_clock = -1.0
    for number, line in enumerate(text.split("\n")):
        match = _MESSAGE.match(line) or _ACTION.match(line)
        if match is None:
            if line.strip():
                system.add(number)
            continue
        hour, minute, nick, body = match.groups()
        clock = int(hour) * 3600.0 + int(minute) * 60.0
        # The logs have no date per line: a clock going back by hours is the next day.
        if clock < last_clock - 6 * 3600:
            day += _DAY
        last_clock = clock
        author = authors.setdefault(nick, len(authors) + 1)
        messages.append(
            ChatMessage(
                message_id=number,
                author_id=author,
                names=(nick,),
                time=origin + day + clock,
                text=body,
                is_question=is_question(body),
            )
        )
    return messages, system


def read_annotation(text: str) -> dict[int, set[int]]:
    """Gold links: responding line -> the lines it responds to."""
    gold: dict[int, set[int]] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            gold.setdefault(int(parts[1]), set()).add(int(parts[0]))
    return gold


def read_sample(log: Path) -> CorpusSample:
    """One sample from its ``.ascii.txt`` path (the annotation lies beside it)."""
    name = log.name.removesuffix(".ascii.txt")
    dated = _DATED.search(name)
    origin = 0.0
    if dated:
        year, month, day = (int(part) for part in dated.groups())
        origin = datetime(year, month, day, tzinfo=UTC).timestamp()
    text = log.read_text(encoding="utf-8", errors="replace")
    messages, system = read_log(text, origin=origin)
    annotation = log.with_name(name + ".annotation.txt")
    gold = read_annotation(annotation.read_text(encoding="utf-8"))
    return CorpusSample(name=name, messages=messages, system_lines=system, gold=gold)


def read_folder(folder: Path) -> list[CorpusSample]:
    """Every sample of a folder of ``.ascii.txt`` / ``.annotation.txt`` pairs, by name."""
    logs = sorted(folder.glob("*.ascii.txt"))
    return [
        read_sample(log)
        for log in logs
        if log.with_name(log.name[:-10] + ".annotation.txt").exists()
    ]
