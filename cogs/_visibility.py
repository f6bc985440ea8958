"""Who can read a channel or thread: the Discord side of "private text stays private".

Reminders quote the start of a message only to readers who could open it anyway. Who
can is discord.py's permission resolution over its cache, so it is decided here, with
the cogs; the store adds what the cache forgot (archived threads: private or not, and
who opened them). Anything that cannot be told is treated as not readable: its text is
never quoted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import discord

from bot.app import AscoltoBot
from bot.store.places import StoredThread


class Posted(Protocol):
    """An item about a message: an inbox item, an alert's question."""

    @property
    def message_id(self) -> int: ...
    @property
    def channel_id(self) -> int: ...
    @property
    def thread_id(self) -> int | None: ...


Item = TypeVar("Item", bound=Posted)


class Sight(enum.Enum):
    """Whether a reader can open a channel or thread."""

    OPEN = "open"  # they can: its text may be quoted to them
    UNKNOWN = "unknown"  # it cannot be told (the place is gone or out of the cache)
    CLOSED = "closed"  # they cannot


@dataclass(frozen=True, slots=True)
class _Thread:
    private: bool
    owner_id: int | None
    cached: discord.Thread | None


class Places:
    """One guild's channels and threads, as discord.py's cache and the store know them."""

    def __init__(self, guild: discord.Guild, stored: Mapping[int, StoredThread]) -> None:
        self.guild = guild
        self._stored = stored

    def sight(self, member: discord.Member, channel_id: int, thread_id: int | None) -> Sight:
        """Whether ``member`` can open a message's channel (``channel_id``, a thread's
        parent) or thread: the channel's View Channel permission and, for a private
        thread, being its owner, a known member of it, or allowed to manage threads."""
        parent = self.guild.get_channel(channel_id)
        if parent is None:
            return Sight.UNKNOWN
        allowed = parent.permissions_for(member)
        if not allowed.view_channel:
            return Sight.CLOSED
        if thread_id is None:
            return Sight.OPEN
        thread = self._thread(thread_id)
        if thread is None:
            return Sight.UNKNOWN
        if not thread.private or allowed.manage_threads or thread.owner_id == member.id:
            return Sight.OPEN
        if thread.cached is not None and any(m.id == member.id for m in thread.cached.members):
            return Sight.OPEN
        # discord.py rarely knows a private thread's whole member list.
        return Sight.UNKNOWN

    def everyone_sees(
        self,
        audience: discord.abc.GuildChannel | discord.Thread,
        channel_id: int,
        thread_id: int | None,
    ) -> bool:
        """Whether everyone who can read ``audience`` (the alerts channel) can also open a
        message's channel or thread, so that quoting it there shows them nothing new.

        The rule, with discord.py's permission resolution: every role (``@everyone``
        included) that can view ``audience`` can view the message's channel, and so can
        every member named in either channel's overwrites who can view ``audience``.
        Private threads, and places that cannot be told, are never quoted."""
        room = audience.parent if isinstance(audience, discord.Thread) else audience
        source = self.guild.get_channel(channel_id)
        if room is None or source is None:
            return False
        if thread_id is not None:
            thread = self._thread(thread_id)
            if thread is None or thread.private:
                return False
        readers: list[discord.Role | discord.Member] = [
            *self.guild.roles,
            *self._named_members(room, source),
        ]
        return not any(
            room.permissions_for(reader).view_channel
            and not source.permissions_for(reader).view_channel
            for reader in readers
        )

    def _named_members(self, *channels: discord.abc.GuildChannel) -> Iterable[discord.Member]:
        # A member overwrite for someone who left names no reader: skipped.
        for channel in channels:
            for target in channel.overwrites:
                if isinstance(target, discord.Role):
                    continue
                member = self.guild.get_member(target.id)
                if member is not None:
                    yield member

    def _thread(self, thread_id: int) -> _Thread | None:
        cached = self.guild.get_thread(thread_id)
        if cached is not None:
            return _Thread(cached.is_private(), cached.owner_id, cached)
        stored = self._stored.get(thread_id)
        if stored is None:
            return None
        return _Thread(stored.private, stored.owner_id, None)


async def places(bot: AscoltoBot, guild: discord.Guild, thread_ids: Iterable[int | None]) -> Places:
    """The guild's places, with what the store knows of the threads among ``thread_ids``
    that discord.py's cache no longer holds (it forgets archived threads)."""
    missing = {t for t in thread_ids if t is not None and guild.get_thread(t) is None}
    stored = await bot.reminders.stored_threads(guild.id, missing) if missing else {}
    return Places(guild, stored)


async def member_sights(
    bot: AscoltoBot,
    guild: discord.Guild | None,
    member: discord.Member | None,
    items: Sequence[Item],
) -> tuple[list[Item], frozenset[int]]:
    """What ``member`` may be shown of ``items``: those not in a place they cannot open,
    and the message ids among them whose text may be quoted (those they can open)."""
    if guild is None or member is None:
        return list(items), frozenset()  # nothing can be told: no text
    known = await places(bot, guild, (item.thread_id for item in items))
    sights = [known.sight(member, item.channel_id, item.thread_id) for item in items]
    kept = [item for item, sight in zip(items, sights, strict=True) if sight is not Sight.CLOSED]
    quotable = frozenset(
        item.message_id for item, sight in zip(items, sights, strict=True) if sight is Sight.OPEN
    )
    return kept, quotable


async def audience_quotable(
    bot: AscoltoBot, channel: discord.abc.GuildChannel | discord.Thread, items: Sequence[Item]
) -> frozenset[int]:
    """The message ids among ``items`` whose text may be quoted in ``channel``: those
    everyone who reads ``channel`` can open (see :meth:`Places.everyone_sees`)."""
    known = await places(bot, channel.guild, (item.thread_id for item in items))
    return frozenset(
        item.message_id
        for item in items
        if known.everyone_sees(channel, item.channel_id, item.thread_id)
    )
