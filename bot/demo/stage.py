"""Plays the community's beats in SimCord: members, channels, messages, commands.

The bot is the real one and is driven only as members drive it, through SimCord's
actors; the only non-public SimCord call is the thread builder (SimCord 3.2 has no
public one), kept in :func:`_start_thread`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from simcord import ChannelHandle, Env, InteractionResult, MemberActor
from simcord.backend import serializers

from bot.demo import community
from bot.demo.capture import Capture
from bot.demo.community import Beat, Command, Join, React, Say, Thread

# SimCord polls the bot's tasks every 50 ms while a finished handler's callbacks are
# still queued; a handler that never suspends (the bot's own on_message) then costs
# 50 ms per message. Polling every millisecond makes a 21-day demo take seconds, not
# minutes; the simulation is the same.
IDLE_POLL_SECONDS = 0.005
# SimCord gives up when the bot has not settled after this long (real seconds): a
# digest with its chart takes well under one.
SETTLE_TIMEOUT_SECONDS = 120.0


class DemoEnv(Env):
    """SimCord's environment, polling the bot's tasks more often (see IDLE_POLL_SECONDS)."""

    async def _settle_internal(self, **options: Any) -> None:
        options.setdefault("idle", IDLE_POLL_SECONDS)
        await super()._settle_internal(**options)


class Stage:
    """The server and its people in SimCord, and what they do.

    Built before the bot connects, with SimCord's clock then moved on by
    ``community.HISTORY_DAYS``: the server and its members are older than the bot, so
    the regulars are not newcomers to it (a member is one for 7 days after joining).
    """

    def __init__(self, env: Env) -> None:
        self.env = env
        self.zone = ZoneInfo(community.TIMEZONE)
        self.guild = env.create_guild(community.SERVER)
        self.team_role = self.guild.create_role(
            "Community team", permissions=discord.Permissions(manage_guild=True)
        )
        self.channels: dict[str, ChannelHandle] = {
            name: self.guild.create_text_channel(name) for name in community.CHANNELS
        }
        self.members: dict[str, MemberActor] = {}
        self.messages: dict[str, discord.Message] = {}
        self.threads: dict[str, ChannelHandle] = {}
        self.sent = 0
        self.speakers: set[str] = set()
        for name in community.members_at_start():
            roles = [self.team_role] if name == community.MANAGER else []
            self.members[name] = self.guild.add_member(env.create_user(name), roles=roles)
        nudged = self.members[community.NUDGED]
        self.watched = [
            (self.channels[community.TEAM_CHANNEL], f"#{community.TEAM_CHANNEL}"),
            (nudged.user.dm_channel, f"DM to {community.NUDGED}"),
        ]
        # Not public API (SimCord moves its clock only while a bot runs): the one way to
        # have members who joined before the bot arrived.
        env.backend.advance_clock(community.HISTORY_DAYS * 24 * 3600)
        self.start = env.now()
        self.capture = Capture(bot_id=0)

    def attach(self, capture: Capture) -> None:
        """Send what the bot posts to ``capture``, from now on."""
        self.capture = capture
        for member in self.members.values():
            capture.names[member.id] = member.name
        for channel in self.channels.values():
            capture.places[channel.id] = f"#{channel.name}"
        for channel, place in self.watched:
            capture.watch(channel, place)

    async def guild_available(self) -> None:
        """Announce the server to the connected bot, as Discord does at every start.

        SimCord 3.2.1 hands a server that existed before the bot connected to
        discord.py without the GUILD_CREATE that makes it dispatch
        ``on_guild_available`` (the bot then never records the server or its
        channels); this sends it, through SimCord's own gateway, not public API.
        """
        backend = self.env.backend
        guild = backend.guilds[self.guild.id]
        backend.emit("GUILD_CREATE", serializers.guild_create_payload(backend, guild))
        await self.env.settle(idle=IDLE_POLL_SECONDS)

    def moment(self, day: int, minute: int) -> datetime:
        """The UTC instant of ``minute`` (server time) on ``day`` of the demo."""
        first = self.start.astimezone(self.zone).date()
        local = datetime.combine(first + timedelta(days=day), datetime.min.time(), self.zone)
        return (local + timedelta(minutes=minute)).astimezone(self.start.tzinfo)

    async def advance_to(self, moment: datetime) -> None:
        """Move the simulated clock to ``moment`` (the bot's timers fire on the way)."""
        seconds = (moment - self.env.now()).total_seconds()
        if seconds > 0:
            await self.env.advance_time(seconds)
            await self.capture.observe()

    async def play(self, beat: Beat) -> None:
        """Do what ``beat`` says, as the member it names."""
        if isinstance(beat, Join):
            await self._join(beat.who)
        elif isinstance(beat, Say):
            await self._say(beat)
        elif isinstance(beat, React):
            if beat.key in self.messages:
                await self.members[beat.who].react(self.messages[beat.key], beat.emoji)
        elif isinstance(beat, Thread):
            self._start_thread(beat)
            await self.env.settle(idle=IDLE_POLL_SECONDS)
        elif isinstance(beat, Command):
            await self._command(beat)

    async def _join(self, name: str) -> None:
        self.members[name] = self.guild.add_member(self.env.create_user(name))
        self.capture.names[self.members[name].id] = name
        await self.env.settle(idle=IDLE_POLL_SECONDS)

    async def _say(self, beat: Say) -> None:
        channel = self._channel(beat.channel)
        reply_to = self.messages.get(beat.reply_to) if beat.reply_to else None
        message = await self.members[beat.who].send(channel, beat.text, reply_to=reply_to)
        self.sent += 1
        self.speakers.add(beat.who)
        if beat.key is not None:
            self.messages[beat.key] = message

    def _channel(self, name: str) -> ChannelHandle:
        if name.startswith("thread:"):
            return self.threads[name.removeprefix("thread:")]
        return self.channels[name]

    def _start_thread(self, beat: Thread) -> None:
        # SimCord 3.2.1 has no public builder for a thread a member starts.
        message = self.messages[beat.key]
        parent = next(c for c in self.channels.values() if c.id == message.channel.id)
        created = self.env.backend.create_thread(
            parent.id, beat.name, self.members[beat.who].id, message_id=message.id
        )
        self.threads[beat.key] = ChannelHandle(self.env, self.guild, created)
        self.capture.places[created.id] = f"#{beat.name}"

    async def _command(self, beat: Command) -> None:
        options = {
            name: self.channels[value[1:]] if isinstance(value, str) and value[:1] == "#" else value
            for name, value in beat.options.items()
        }
        channel = self.channels[beat.channel]
        member = self.members[beat.who]
        result = await member.slash(channel, beat.name, **options)
        await self.capture.answer(beat.who, channel, beat.name, beat.options, result)
        if beat.press is not None and _has_button(result, beat.press):
            assert result.response is not None
            await member.click(result.response, label=beat.press)
            await self.capture.answer(
                beat.who, channel, beat.name, beat.options, result, pressed=beat.press
            )


def _has_button(result: InteractionResult, label: str) -> bool:
    """Whether the command's answer has a button labelled ``label``."""
    rows = result.response.components if result.response is not None else []
    return any(c.get("label") == label for row in rows for c in row.get("components", []))
