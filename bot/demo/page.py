"""The transcript: ``index.html``, a Discord-like page of what the bot posted.

One self-contained file and its ``assets/`` folder (the charts): no script, no font,
no request to any host, so it opens from the disk in any browser. Everything a member
or the bot wrote goes through Jinja2's autoescape; the few bits of Discord markdown
the bot uses (bold, italics, code, links, mentions, timestamps) are turned into HTML
after escaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

from bot.demo import community
from bot.demo.capture import Post
from bot.demo.run import Outcome

BOT_NAME = "Ascolto"
TEMPLATE = "transcript.html.j2"


@dataclass(frozen=True)
class Counts:
    """What a run posted, for the page's header and the command line's summary."""

    days: int
    messages: int
    members: int
    digests: int
    board_versions: int
    dms: int
    answers: int


def counts(outcome: Outcome) -> Counts:
    """Count the digests, versions of the alert board, DMs and command answers."""
    digests = [p for p in outcome.posts if p.kind == "post" and is_digest(p)]
    board_ids = {p.message_id for p in outcome.posts if p.kind == "post" and not is_digest(p)}
    return Counts(
        days=outcome.days,
        messages=outcome.messages,
        members=outcome.members,
        digests=len(digests),
        board_versions=sum(p.message_id in board_ids for p in outcome.posts),
        dms=sum(p.kind == "dm" for p in outcome.posts),
        answers=sum(p.kind == "answer" for p in outcome.posts),
    )


def is_digest(post: Post) -> bool:
    """Whether a post in the team channel is a daily digest (the rest is the board)."""
    return post.title.startswith("Daily digest") or post.content.startswith("No activity")


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 digest``, ``2 digests``, ``1,234 messages``."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def write_transcript(out: Path, outcome: Outcome, *, seed: int) -> Path:
    """Write ``out/index.html`` and the charts under ``out/assets``; returns the page."""
    for relative, data in outcome.files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    page = out / "index.html"
    page.write_text(render(outcome, seed=seed), encoding="utf-8")
    return page


def render(outcome: Outcome, *, seed: int) -> str:
    """The transcript's HTML (deterministic: same outcome, same bytes)."""
    zone = ZoneInfo(community.TIMEZONE)
    markdown = _Markdown(outcome.names, outcome.places, zone)
    board_ids = {p.message_id for p in outcome.posts if p.kind == "post" and not is_digest(p)}
    days: list[dict[str, Any]] = []
    ids: dict[str, int] = {}
    for post in outcome.posts:
        local = post.at.astimezone(zone)
        label = f"{local:%A} {local.day} {local:%B %Y}"
        if not days or days[-1]["label"] != label:
            days.append({"label": label, "posts": []})
        view = _view(post, local, markdown, board=post.message_id in board_ids)
        # The same message shown twice in a minute (an answer, then as a button left it)
        # gets an anchor of its own.
        ids[view["id"]] = seen = ids.get(view["id"], 0) + 1
        if seen > 1:
            view["id"] = f"{view['id']}-{seen}"
        days[-1]["posts"].append(view)
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["plural"] = plural
    return environment.get_template(TEMPLATE).render(
        server=community.SERVER,
        timezone=community.TIMEZONE,
        seed=seed,
        counts=counts(outcome),
        days=days,
        bot=BOT_NAME,
    )


def _template(name: str) -> str:
    return resources.files("bot.demo").joinpath("templates", name).read_text(encoding="utf-8")


def _view(post: Post, local: datetime, markdown: _Markdown, *, board: bool) -> dict[str, Any]:
    images = {f"attachment://{image.filename}": image.path for image in post.files}
    shown = set()
    embeds = []
    for embed in post.embeds:
        image = images.get(str(embed.get("image", {}).get("url", "")))
        if image:
            shown.add(image)
        embeds.append(
            {
                "color": f"#{int(embed.get('color') or 0x5865F2):06x}",
                "title": markdown(str(embed.get("title", ""))),
                "description": markdown(str(embed.get("description", ""))),
                "fields": [
                    {
                        "name": markdown(str(field.get("name", ""))),
                        "value": markdown(str(field.get("value", ""))),
                        "inline": bool(field.get("inline")),
                    }
                    for field in embed.get("fields", [])
                ],
                "image": image,
                "footer": markdown(str(embed.get("footer", {}).get("text", ""))),
            }
        )
    if post.kind == "dm":
        what = "dm"
    elif post.kind == "answer":
        what = "answer"
    elif board:
        what = "board"
    else:
        what = "digest"
    return {
        "id": f"m{post.message_id}-{local:%H%M}",
        "kind": what,
        "edit": post.kind == "edit",
        "time": f"{local:%H:%M}",
        "place": post.place,
        "content": markdown(post.content),
        "embeds": embeds,
        "files": [image for image in post.files if image.path not in shown],
        "ephemeral": post.ephemeral,
        "invoker": post.invoker,
        "command": post.command,
        "pressed": post.pressed,
    }


class _Markdown:
    """The bit of Discord markdown the bot writes, as HTML, after escaping."""

    def __init__(self, names: dict[int, str], places: dict[int, str], zone: ZoneInfo) -> None:
        self._names = names
        self._places = places
        self._zone = zone
        rules: list[tuple[str, Callable[[re.Match[str]], str]]] = [
            (r"&lt;@!?(\d+)&gt;", self._user),
            (r"&lt;#(\d+)&gt;", self._channel),
            (r"&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;", self._time),
            (r"\[([^\]\n]+)\]\(([^)\s]+)\)", self._link),
            (r"\*\*(.+?)\*\*", lambda m: f"<strong>{m[1]}</strong>"),
            (r"(?<![\w*])[*_](?![\s*_])(.+?)(?<![\s*])[*_](?![\w*])", lambda m: f"<em>{m[1]}</em>"),
            (r"`([^`\n]+)`", lambda m: f"<code>{m[1]}</code>"),
        ]
        self._rules = [(re.compile(pattern), fn) for pattern, fn in rules]

    def __call__(self, text: str) -> Markup:
        html = str(escape(text))
        for pattern, replace in self._rules:
            html = pattern.sub(replace, html)
        lines = [
            f'<span class="quote">{line[5:]}</span>' if line.startswith("&gt; ") else line
            for line in html.split("\n")
        ]
        return Markup("<br>\n".join(lines))

    def _user(self, match: re.Match[str]) -> str:
        name = self._names.get(int(match[1]), "someone")
        return f'<span class="mention">@{escape(name)}</span>'

    def _channel(self, match: re.Match[str]) -> str:
        place = self._places.get(int(match[1]), "#a-channel")
        return f'<span class="mention">{escape(place)}</span>'

    def _time(self, match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match[1]), UTC).astimezone(self._zone)
        text = f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"
        return f'<time class="stamp">{text}</time>'

    def _link(self, match: re.Match[str]) -> str:
        # A jump link into the simulated server leads nowhere real: shown, not followed.
        return f'<span class="link" title="{match[2]}">{match[1]}</span>'
