"""When a member's daily DM goes out: their hour, quiet hours, at most one a day."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.analysis.nudge_plan import QuietHours, decide, first_due, next_at_hour

ROME = "Europe/Rome"
NIGHT = QuietHours(time(22, 0), time(7, 0))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_quiet_hours_may_span_midnight() -> None:
    assert NIGHT.contains(time(23, 30)) and NIGHT.contains(time(6, 59))
    assert not NIGHT.contains(time(7, 0)) and not NIGHT.contains(time(21, 59))
    lunch = QuietHours(time(12, 0), time(14, 0))
    assert lunch.contains(time(12, 0)) and not lunch.contains(time(14, 0))


def test_quiet_hours_need_two_different_times() -> None:
    with pytest.raises(ValueError, match="different times"):
        QuietHours(time(9, 0), time(9, 0))


def test_the_next_hour_is_local_and_strictly_later() -> None:
    # 09:00 in Rome is 08:00 UTC in winter.
    assert next_at_hour(utc("2026-01-10 07:00"), 9, ROME) == utc("2026-01-10 08:00")
    assert next_at_hour(utc("2026-01-10 08:00"), 9, ROME) == utc("2026-01-11 08:00")
    # Across the change to summer time (2026-03-29), 09:00 is 07:00 UTC.
    assert next_at_hour(utc("2026-03-28 09:00"), 9, ROME) == utc("2026-03-29 07:00")


def test_a_first_dm_in_quiet_hours_waits_for_their_end() -> None:
    assert first_due(utc("2026-01-10 12:00"), 23, ROME, NIGHT) == utc("2026-01-11 06:00")
    assert first_due(utc("2026-01-10 12:00"), 20, ROME, NIGHT) == utc("2026-01-10 19:00")


def test_a_due_dm_goes_out_and_the_next_is_tomorrow_at_the_hour() -> None:
    decision = decide(utc("2026-01-10 08:00"), 9, ROME, None, None)

    assert decision.send
    assert decision.next_due == utc("2026-01-11 08:00")


def test_at_most_one_dm_per_local_day() -> None:
    sent_this_morning = utc("2026-01-10 06:30")  # 07:30 in Rome

    decision = decide(utc("2026-01-10 19:00"), 20, ROME, None, sent_this_morning)

    assert not decision.send
    assert decision.next_due == utc("2026-01-11 19:00")


def test_an_overdue_dm_in_quiet_hours_waits_for_the_morning() -> None:
    # Due at 21:00 but the bot came back at 02:00: it goes out at 07:00.
    decision = decide(utc("2026-01-11 01:00"), 21, ROME, NIGHT, None)

    assert not decision.send
    assert decision.next_due == utc("2026-01-11 06:00")


def test_an_overdue_dm_late_in_the_evening_is_skipped_for_the_next_day() -> None:
    # Quiet from 22:00 until 07:00 the next day: today's DM is dropped, not delayed.
    decision = decide(utc("2026-01-10 22:30"), 21, ROME, NIGHT, None)

    assert not decision.send
    assert decision.next_due == utc("2026-01-11 20:00")
