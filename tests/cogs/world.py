"""The one SimCord world the cog tests share: a guild, its managers and members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import discord
from simcord import Env
from simcord.actors import MemberActor
from simcord.builders import ChannelHandle, GuildHandle, RoleHandle


@dataclass
class World:
    """Ascolto Lab: #general, a Managers role with Manage Server, maria (a manager),
    and alice, bob and carol (members). Other channels and members come on demand."""

    env: Env
    guild: GuildHandle
    general: ChannelHandle
    managers: RoleHandle
    maria: MemberActor
    alice: MemberActor
    bob: MemberActor
    carol: MemberActor
    _channels: dict[str, ChannelHandle] = field(default_factory=dict)
    _members: dict[str, MemberActor] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        env: Env,
        *,
        name: str = "Ascolto Lab",
        guild_id: int | None = None,
        alice_nick: str | None = None,
    ) -> World:
        """The guild and its people; ``guild_id`` pins an id (an export's guild)."""
        guild = env.create_guild(name, id=guild_id)
        general = guild.create_text_channel("general")
        managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
        return cls(
            env=env,
            guild=guild,
            general=general,
            managers=managers,
            maria=guild.add_member(env.create_user("maria"), roles=[managers]),
            alice=guild.add_member(env.create_user("alice"), nick=alice_nick),
            bob=guild.add_member(env.create_user("bob")),
            carol=guild.add_member(env.create_user("carol")),
        )

    def channel(
        self, name: str, *, overwrites: Mapping[Any, discord.PermissionOverwrite] | None = None
    ) -> ChannelHandle:
        """The text channel ``name``, created the first time it is asked for."""
        if name not in self._channels:
            self._channels[name] = self.guild.create_text_channel(
                name, overwrites=dict(overwrites) if overwrites else None
            )
        return self._channels[name]

    def member(self, name: str, *, roles: Sequence[RoleHandle] = ()) -> MemberActor:
        """The member ``name``, joining (with ``roles``) the first time they are asked for."""
        if name not in self._members:
            user = self.env.create_user(name)
            self._members[name] = self.guild.add_member(user, roles=roles)
        return self._members[name]

    async def question_answered(self) -> discord.Message:
        """Alice asks in #general; bob replies mentioning her and reacts with 👀."""
        question = await self.alice.send(self.general, "Is anyone up for a code review?")
        await self.bob.send(self.general, f"Sure {self.alice.mention}", reply_to=question)
        await self.bob.react(question, "👀")
        return question
