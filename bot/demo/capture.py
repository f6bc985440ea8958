"""What the bot posted, as SimCord saw it: channel history, edits, DMs, command answers.

Nothing here hooks the bot: watched channels (the team channel, the nudged member's
DMs) are read after every step of the clock, a message seen before whose text, embeds
or files changed is kept again as an edit, and a slash command's answer is read from
SimCord's result of the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord
from simcord import ChannelHandle, InteractionResult


@dataclass(frozen=True)
class Image:
    """A file the bot attached, and where the transcript keeps it (relative path)."""

    filename: str
    path: str


@dataclass(frozen=True)
class Post:
    """One thing the bot showed someone."""

    at: datetime
    place: str  # "#community-team", "DM to alice"
    content: str
    embeds: tuple[dict[str, Any], ...]
    files: tuple[Image, ...]
    kind: str  # "post", "edit", "dm" or "answer"
    message_id: int
    ephemeral: bool = False
    invoker: str | None = None  # who ran the command answered
    command: str | None = None  # "/summary public:True"
    pressed: str | None = None  # the button the invoker pressed on the answer: "Done 1"

    @property
    def title(self) -> str:
        """The first embed's title, or ""."""
        return str(self.embeds[0].get("title", "")) if self.embeds else ""


@dataclass
class Capture:
    """Everything the bot posted, in order, with the files it attached."""

    bot_id: int
    posts: list[Post] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes
    names: dict[int, str] = field(default_factory=dict)  # user id -> name
    places: dict[int, str] = field(default_factory=dict)  # channel id -> "#name"
    _watched: list[tuple[ChannelHandle, str]] = field(default_factory=list)
    _seen: dict[int, tuple[Any, ...]] = field(default_factory=dict)

    def watch(self, channel: ChannelHandle, place: str) -> None:
        """Read ``channel`` (shown as ``place``) after every step of the clock: where
        the bot posts by itself."""
        self._watched.append((channel, place))

    async def observe(self) -> None:
        """Keep the bot's new messages, and new versions of edited ones, in the watched
        channels."""
        for channel, place in self._watched:
            for message in channel.history():
                if message.author.id == self.bot_id:
                    await self._keep(message, place)

    async def answer(
        self,
        who: str,
        channel: ChannelHandle,
        name: str,
        options: dict[str, Any],
        result: InteractionResult,
        pressed: str | None = None,
    ) -> None:
        """Keep a slash command's answer (and its follow-ups), marked as private when it is;
        with ``pressed``, as it reads after ``who`` pressed that button on it."""
        words = " ".join(f"{key}:{_typed(value)}" for key, value in options.items())
        command = f"/{name} {words}".rstrip()
        replies = [result.response] if result.response is not None else []
        for reply in [*replies, *result.followups]:
            await self._keep(
                reply.message,
                f"#{channel.name}",
                kind="answer",
                ephemeral=reply.ephemeral,
                invoker=who,
                command=command,
                pressed=pressed,
            )

    async def _keep(
        self,
        message: discord.Message,
        place: str,
        *,
        kind: str | None = None,
        ephemeral: bool = False,
        invoker: str | None = None,
        command: str | None = None,
        pressed: str | None = None,
    ) -> None:
        embeds = tuple(dict(embed.to_dict()) for embed in message.embeds)
        names = tuple(attachment.filename for attachment in message.attachments)
        version = (message.content, repr(embeds), names)
        before = self._seen.get(message.id)
        if before == version:
            return
        self._seen[message.id] = version
        files = []
        for attachment in message.attachments:
            path = f"assets/{len(self.files) + 1:03d}-{attachment.filename}"
            self.files[path] = await attachment.read()
            files.append(Image(attachment.filename, path))
        if kind is None:
            kind = "edit" if before is not None else ("dm" if place.startswith("DM") else "post")
        at = message.edited_at if kind == "edit" and message.edited_at else message.created_at
        self.posts.append(
            Post(
                at=at,
                place=place,
                content=message.content,
                embeds=embeds,
                files=tuple(files),
                kind=kind,
                message_id=message.id,
                ephemeral=ephemeral,
                invoker=invoker,
                command=command,
                pressed=pressed,
            )
        )

    def in_order(self) -> list[Post]:
        """Every post, oldest first (edits at the time of the edit)."""
        return sorted(self.posts, key=lambda post: post.at)


def _typed(value: Any) -> str:
    """An option as a member types it in Discord (``public:true``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)
