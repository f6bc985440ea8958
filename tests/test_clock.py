"""The store's time format: fixed width, UTC, milliseconds, ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.clock import from_db_time, to_db_time


def test_times_are_written_in_utc_with_milliseconds_cut_not_rounded() -> None:
    rome = timezone(timedelta(hours=2))

    assert to_db_time(datetime(2024, 5, 1, 12, 0, 0, 999999, tzinfo=rome)) == (
        "2024-05-01T10:00:00.999Z"
    )
    assert to_db_time(datetime(2024, 5, 1, tzinfo=UTC)) == "2024-05-01T00:00:00.000Z"


def test_a_naive_time_is_taken_as_utc() -> None:
    assert to_db_time(datetime(2024, 5, 1, 1, 2, 3, 4000)) == "2024-05-01T01:02:03.004Z"


def test_written_times_read_back_as_aware_utc() -> None:
    moment = datetime(2024, 5, 1, 1, 2, 3, 4000, tzinfo=UTC)

    assert from_db_time(to_db_time(moment)) == moment
