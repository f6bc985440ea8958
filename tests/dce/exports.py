"""Small hand-made DiscordChatExporter exports, written like the exporter writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GUILD = "900000000000000001"
GENERAL = "900000000000000010"
THREAD = "900000000000000020"


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "name": name,
        "discriminator": "0000",
        "nickname": name,
        "isBot": bot,
    }


def message(
    message_id: int,
    author: dict[str, Any],
    timestamp: str,
    content: str = "hello",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": str(message_id),
        "type": "Default",
        "timestamp": timestamp,
        "timestampEdited": None,
        "content": content,
        "author": author,
        "attachments": [],
        "embeds": [],
        "reactions": [],
        "mentions": [],
        **extra,
    }


def reply_to(message_id: int, channel: str = GENERAL, **extra: Any) -> dict[str, Any]:
    return {
        "reference": {"messageId": str(message_id), "channelId": channel, "guildId": GUILD, **extra}
    }


def export(
    messages: list[dict[str, Any]],
    *,
    channel: str = GENERAL,
    channel_type: str = "GuildTextChat",
    parent: str | None = None,
) -> dict[str, Any]:
    return {
        "guild": {"id": GUILD, "name": "Made by hand", "iconUrl": ""},
        "channel": {
            "id": channel,
            "type": channel_type,
            "categoryId": parent,
            "category": "general",
            "name": "a channel",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "messages": messages,
        "messageCount": len(messages),
    }


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
