"""The rows an export's messages give (bot/dce/rows.py): their times as the store keeps
them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.clock import to_db_time
from bot.dce.format import parse_time
from bot.dce.rows import _db_time


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 0, 13, 426_246, tzinfo=UTC),
        datetime(2015, 1, 1, 0, 0, 0, 999_999, tzinfo=UTC),  # milliseconds cut, not rounded
        datetime(2026, 3, 29, 1, 30, 0, 500, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 3, 29, 1, 30, 0, 1_000),  # naive: taken as UTC
        parse_time("2026-01-01T01:00:13.4262468+01:00", "timestamp"),
        parse_time("2020-08-11T16:01:00Z", "timestamp"),
    ],
)
def test_a_message_time_is_written_as_the_store_writes_times(moment: datetime) -> None:
    assert _db_time(moment) == to_db_time(moment)
