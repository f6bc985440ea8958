"""What a file's exporter recorded, as reading it finds out (bot/dce/reader.py's rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.dce.reader import Reading, find_exports, messages
from tests.dce.exports import export, message, reply_to, user, write

ADA, BEN = user(1, "ada"), user(2, "ben")
THUMBS = {"emoji": {"id": "", "name": "👍"}, "count": 1}


def old_message(message_id: int, **extra: Any) -> dict[str, Any]:
    """A message as exporters before 2.25 wrote it: no mention list."""
    item = message(message_id, ADA, f"2020-08-11T16:{message_id:02d}:00.000+00:00", **extra)
    del item["mentions"]
    return item


def old_export(items: list[dict[str, Any]]) -> dict[str, Any]:
    """A file as exporters before 2.27 wrote it: the channel has no categoryId."""
    data = export(items)
    del data["channel"]["categoryId"]
    return data


def read(tmp_path: Path, data: dict[str, Any]) -> Reading:
    [found], _ = find_exports([write(tmp_path, "export.json", data)])
    reading = Reading()
    for _ in messages(found, reading):
        pass
    return reading


def recorded(reading: Reading) -> tuple[bool, bool, bool]:
    return reading.replies, reading.mentions, reading.reactions


def test_an_old_export_records_no_replies_no_mentions_and_not_who_reacted(
    tmp_path: Path,
) -> None:
    items = [old_message(1, reactions=[THUMBS]), old_message(2, content="@ada yes")]

    assert recorded(read(tmp_path, old_export(items))) == (False, False, False)


def test_a_new_export_in_which_nobody_replied_still_records_replies(tmp_path: Path) -> None:
    items = [message(1, ADA, "2024-05-01T12:00:00Z"), message(2, BEN, "2024-05-01T12:01:00Z")]

    assert recorded(read(tmp_path, export(items))) == (True, True, True)


@pytest.mark.parametrize(
    ("evidence", "extra"),
    [
        ("a reply's reference (2.26)", reply_to(1)),
        ("messages' stickers (2.33)", {"stickers": []}),
    ],
)
def test_a_file_without_a_category_records_replies_when_a_message_shows_it(
    tmp_path: Path, evidence: str, extra: dict[str, Any]
) -> None:
    items = [old_message(1), old_message(2, **extra)]

    assert read(tmp_path, old_export(items)).replies, evidence


def test_one_message_without_a_mention_list_means_no_mention_data(tmp_path: Path) -> None:
    items = [message(1, ADA, "2024-05-01T12:00:00Z", mentions=[BEN]), old_message(2)]

    assert read(tmp_path, export(items)).mentions is False


def test_reactions_are_recorded_when_each_lists_its_users_or_there_are_none(
    tmp_path: Path,
) -> None:
    with_users = {**THUMBS, "users": [BEN]}
    listed = [message(1, ADA, "2024-05-01T12:00:00Z", reactions=[with_users])]
    unlisted = [*listed, message(2, BEN, "2024-05-01T12:01:00Z", reactions=[THUMBS])]
    none = [message(1, ADA, "2024-05-01T12:00:00Z")]

    assert read(tmp_path, export(listed)).reactions is True
    assert read(tmp_path, export(unlisted)).reactions is False
    assert read(tmp_path, export(none)).reactions is True


def test_the_bytes_read_reach_the_files_size(tmp_path: Path) -> None:
    items = [message(n, ADA, "2024-05-01T12:00:00Z", "x" * 500) for n in range(1, 200)]
    [found], _ = find_exports([write(tmp_path, "export.json", export(items))])
    reading = Reading()
    seen = [reading.bytes_read for _ in messages(found, reading)]

    assert seen == sorted(seen)
    assert 0 < seen[0] < found.size
    assert reading.bytes_read == found.size
