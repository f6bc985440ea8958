"""Which days a change dated in the past can alter (bot/analysis/days.py, reads_window)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.analysis.days import marks_day, reads_window

MARCH_10 = date(2026, 3, 10)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def days_marked(marked_from: str, marked_to: str | None, timezone: str = "UTC") -> list[int]:
    """The days of March 2026 that a change to ``[marked_from, marked_to)`` marks."""
    end = None if marked_to is None else at(marked_to)
    return [
        day for day in range(1, 32) if marks_day(at(marked_from), end, date(2026, 3, day), timezone)
    ]


def test_a_day_reads_the_week_before_it_and_the_25_hours_after_it() -> None:
    assert reads_window(MARCH_10, "UTC") == (at("2026-03-03 00:00"), at("2026-03-12 01:00"))
    # In Rome (UTC+1 in March, before the change to summer time) an hour earlier.
    assert reads_window(MARCH_10, "Europe/Rome") == (
        at("2026-03-02 23:00"),
        at("2026-03-12 00:00"),
    )


def test_a_change_marks_its_day_the_day_before_and_the_week_after() -> None:
    # The day before: its questions may have been answered by a mention within 24 hours.
    # The week after: broadcasters, newcomers, the network's growth over 7 days.
    assert days_marked("2026-03-10 10:00", "2026-03-10 11:00") == list(range(9, 18))


def test_a_change_just_after_midnight_also_marks_two_days_before() -> None:
    # A response at 00:30 on March 10 may answer a question of March 8 at 23:45.
    assert days_marked("2026-03-10 00:00", "2026-03-10 01:00") == list(range(8, 18))


def test_a_change_with_no_end_marks_every_later_day() -> None:
    # A pair's only interaction removed: the network's size of every later day.
    assert days_marked("2026-03-10 10:00", None) == list(range(9, 32))


def test_a_change_far_from_the_day_does_not_mark_it() -> None:
    assert not marks_day(at("2026-03-01 10:00"), at("2026-03-01 11:00"), MARCH_10, "UTC")
    assert not marks_day(at("2026-03-12 01:00"), at("2026-03-12 02:00"), MARCH_10, "UTC")
    assert marks_day(at("2026-03-12 00:00"), at("2026-03-12 01:00"), MARCH_10, "UTC")
    assert marks_day(
        at("2026-03-01 10:00"), at("2026-03-03 00:00") + timedelta(hours=1), MARCH_10, "UTC"
    )
