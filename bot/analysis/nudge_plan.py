"""When a member's daily DM may go out: their hour, the guild's quiet hours, one a day.

Pure calendar logic on aware datetimes; the reminder pass stores what it decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours without DMs, from ``starts`` up to ``ends`` (may span midnight)."""

    starts: time
    ends: time

    def __post_init__(self) -> None:
        if self.starts == self.ends:
            raise ValueError("quiet hours must start and end at different times")

    def contains(self, moment: time) -> bool:
        """Whether a local time of day falls in the quiet hours."""
        if self.starts < self.ends:
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends

    def end_after(self, local: datetime) -> datetime:
        """The first end of the quiet hours at or after ``local`` (an aware local time)."""
        end = local.replace(hour=self.ends.hour, minute=self.ends.minute, second=0, microsecond=0)
        return end if end >= local else end + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class NudgeDecision:
    """Send now, or not; and when the member's next DM is due (UTC)."""

    send: bool
    next_due: datetime


def next_at_hour(after: datetime, hour: int, timezone: str) -> datetime:
    """The first local ``hour``:00 strictly after ``after``, in UTC."""
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    candidate = datetime(local.year, local.month, local.day, hour, tzinfo=zone)
    while candidate.astimezone(UTC) <= after:
        day = candidate.date() + timedelta(days=1)
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
    return candidate.astimezone(UTC)


def first_due(now: datetime, hour: int, timezone: str, quiet: QuietHours | None) -> datetime:
    """When a member who just turned DMs on gets the first one."""
    return _outside_quiet(next_at_hour(now, hour, timezone), timezone, quiet)


def decide(
    now: datetime,
    hour: int,
    timezone: str,
    quiet: QuietHours | None,
    last_sent_at: datetime | None,
) -> NudgeDecision:
    """A DM fell due at or before ``now`` (maybe long ago, the bot being down).

    It goes out now unless one already went out this local day, or ``now`` is in the
    quiet hours, in which case it waits for the next allowed moment. Either way the
    next one is at the member's hour on a later day, outside the quiet hours.
    """
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    sent_today = last_sent_at is not None and last_sent_at.astimezone(zone).date() == (
        local_now.date()
    )
    if sent_today:
        return NudgeDecision(False, first_due(now, hour, timezone, quiet))
    if quiet is not None and quiet.contains(local_now.time()):
        later = quiet.end_after(local_now).astimezone(UTC)
        if later.astimezone(zone).date() == local_now.date():
            return NudgeDecision(False, later)
        return NudgeDecision(False, first_due(now, hour, timezone, quiet))
    return NudgeDecision(True, first_due(now, hour, timezone, quiet))


def _outside_quiet(due: datetime, timezone: str, quiet: QuietHours | None) -> datetime:
    if quiet is None:
        return due
    local = due.astimezone(ZoneInfo(timezone))
    if not quiet.contains(local.time()):
        return due
    return quiet.end_after(local).astimezone(UTC)
