"""Who and where may be logged: members' choices and managers' exclusions, in memory.

Gateway handlers ask this on every event, so it answers from sets loaded at start-up
and kept in step with the store by the commands that change them.
"""

from __future__ import annotations

from bot.clock import to_db_time, utcnow
from bot.store import Store
from bot.store.connection import OnBusy
from bot.store.consent import REDACTED_MENTION, ConsentStatus


def redact_mentions(text: str, user_id: int) -> str:
    """Replace mentions of a member who opted out, so that the text no longer names them."""
    for form in (f"<@{user_id}>", f"<@!{user_id}>"):
        text = text.replace(form, REDACTED_MENTION)
    return text


class LoggingPolicy:
    """The consent and exclusion rules, cached; changes go to the store first."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._opted_out: set[tuple[int, int]] = set()
        self._excluded: dict[int, set[int]] = {}

    async def load(self) -> None:
        """Read every guild's choices from the store."""
        self._opted_out = await self._store.consent.opted_out_members()
        self._excluded = await self._store.guild_config.excluded_channels()

    async def status(self, guild_id: int, user_id: int) -> ConsentStatus:
        """The member's choice as the file holds it, and counts of what is stored."""
        return await self._store.consent.status(guild_id, user_id)

    def member_logged(self, guild_id: int, user_id: int) -> bool:
        """Whether this member allows logging in this guild."""
        return (guild_id, user_id) not in self._opted_out

    def channel_logged(self, guild_id: int, channel_id: int, parent_id: int | None = None) -> bool:
        """Whether a channel (or a thread, given its parent) is logged."""
        excluded = self._excluded.get(guild_id)
        if not excluded:
            return True
        return channel_id not in excluded and (parent_id is None or parent_id not in excluded)

    def excluded_channels(self, guild_id: int) -> frozenset[int]:
        """The channels a manager excluded in this guild."""
        return frozenset(self._excluded.get(guild_id, ()))

    async def opt_out(self, guild_id: int, user_id: int, *, on_busy: OnBusy | None = None) -> None:
        """Stop logging a member and delete what is stored about them. Waits its turn
        however long an import holds the file, awaiting ``on_busy`` at each wait."""
        await self._store.consent.forget(guild_id, user_id, to_db_time(utcnow()), on_busy=on_busy)
        # Memory follows the file, never leads it: if the write fails, the member is
        # still logged in both. Events queued meanwhile are dropped by the file's guards.
        self._opted_out.add((guild_id, user_id))

    async def opt_in(self, guild_id: int, user_id: int, *, on_busy: OnBusy | None = None) -> None:
        """Log a member again from now on."""
        await self._store.consent.opt_in(guild_id, user_id, to_db_time(utcnow()), on_busy=on_busy)
        self._opted_out.discard((guild_id, user_id))

    async def exclude_channel(
        self, guild_id: int, channel_id: int, *, on_busy: OnBusy | None = None
    ) -> int:
        """Stop logging a channel and its threads; returns stored messages deleted."""
        deleted = await self._store.guild_config.exclude_channel(
            guild_id, channel_id, to_db_time(utcnow()), on_busy=on_busy
        )
        self._excluded.setdefault(guild_id, set()).add(channel_id)  # after the file
        return deleted

    async def include_channel(
        self, guild_id: int, channel_id: int, *, on_busy: OnBusy | None = None
    ) -> bool:
        """Log a channel again from now on; False if it was not excluded."""
        changed = await self._store.guild_config.include_channel(
            guild_id, channel_id, on_busy=on_busy
        )
        self._excluded.get(guild_id, set()).discard(channel_id)
        return changed
