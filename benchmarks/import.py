"""DCE import benchmark: a large DiscordChatExporter export imported, against ``json.load``.

Run from the repository root, with the project installed (``pip install -e .``)::

    python benchmarks/import.py [--messages N] [--seed N]

(``--rebuild`` writes the export afresh instead of reusing the cached file,
``--summaries`` also times the recompute of daily summaries that ``ascolto import``
runs afterwards, reported apart: it is not part of the import; ``--whole`` also times
the whole ``ascolto import`` command as a user runs it, in a new process from its start
to its end, migrations, inference and summaries included, with its peak RSS; and
``--no-infer`` imports without reply inference.)

It writes a deterministic synthetic export (default 1,000,000 messages) as the
exporter's JSON writer does, streamed message by message: one guild, one text
channel, 2,000 members who post along a power law plus a few bots, join notices,
about 35% replies (some of type ``Default``, a few to history outside the file), 12%
messages with mentions, 20% with reactions (1-3 users listed), attachments, embeds,
edits, increasing snowflake ids, and timestamps with a UTC offset and a variable
number of fractional digits. The file is cached in the temporary folder, keyed by
the parameters, so reruns skip writing it.

Then, each in a child process of its own so that its peak memory is its own:

1. the import: a fresh database made by the store's migrations (``Store.open`` and
   ``close``, as the CLI does, in this process), then
   :meth:`bot.dce.importer.Importer.run` on the file with the default privacy
   settings, timed from its start to its end;
2. the baseline: a plain ``json.load`` of the same file.

Peak memory is the child's ``VmHWM`` (``/proc/self/status``), not ``ru_maxrss``: on
Linux a child's ``ru_maxrss``, and so ``RUSAGE_CHILDREN``, starts from the parent's
high-water mark when it was started, which here would include the generator's.
Targets: at least 20,000 messages per second, and a peak under 200 MB (10^6 bytes)
whatever the file's size. The database must hold exactly the generated messages of
members (bots are never stored); if not, or if a child fails, the exit code is 1.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import importlib
import itertools
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TARGET_RATE = 20_000  # messages per second
TARGET_COMMAND_RATE = 25_000  # the whole command, as a user runs it (issue 14)
TARGET_PEAK_MB = 200.0  # MB of 10^6 bytes
TARGET_LOCK_SECONDS = 2.0  # the longest write transaction of an import (issue 14)
TARGET_EXISTING_RATIO = 0.8  # the rate into an existing store, against an empty one
GENERATOR_VERSION = 1  # bump when the synthetic export changes, to invalidate cached files

DISCORD_EPOCH_MS = 1_420_070_400_000
DAY_MS = 86_400_000
PERIOD_START = datetime(2026, 1, 1, tzinfo=UTC)
PERIOD_DAYS = 300
EXPORT_ZONE = ZoneInfo("Europe/Rome")  # the exporting machine's, so +01:00 or +02:00

MEMBERS = 2_000
ACTIVITY_EXPONENT = 0.9  # the member of rank r posts in proportion to 1 / r**0.9
ROLES_PER_MEMBER = (0, 1, 2, 3)
BOTS = 4
BOT_SHARE = 0.03
JOINER_SHARE = 0.3  # members whose first message in the file is their join notice
REPLY_SHARE = 0.35
REPLY_TYPED_DEFAULT = 0.1  # replies whose message type is Default (a trap of the format)
REPLY_OUTSIDE = 0.01  # replies to earlier history, not in the file
HISTORY = 50  # recent messages a reply may answer
MENTION_SHARE = 0.12
REACTION_SHARE = 0.20
REACTION_USERS = ((1, 2, 3), (0.55, 0.3, 0.15))
REACTION_COUNT_DIFFERS = 0.02  # a count larger than the users listed (seen in real files)
ATTACHMENT_SHARE = 0.04
EMBED_SHARE = 0.03
EDITED_SHARE = 0.05
QUESTION_SHARE = 0.2
# UTC hours 0..23: quiet nights, busy evenings in Europe.
HOUR_WEIGHTS = (2, 1, 0.6, 0.4, 0.4, 0.8, 2, 4, 6, 7, 7, 6, 6, 7, 7, 8, 8, 9, 10, 10, 9, 7, 5, 3)

_SAMPLE_TEXT = (
    "the release build fails on windows again after the update and nobody knows why "
    "thanks for the help I will try that tonight does anyone have a link to the docs "
    "great idea let us meet on friday to plan the next event with the whole team"
)
WORDS = tuple(_SAMPLE_TEXT.split())
EMOJIS = (
    ("\N{THUMBS UP SIGN}", "thumbsup", "1f44d"),
    ("\N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}", "heart", "2764"),
    ("\N{FACE WITH TEARS OF JOY}", "joy", "1f602"),
    ("\N{PARTY POPPER}", "tada", "1f389"),
    ("\N{EYES}", "eyes", "1f440"),
    ("\N{FIRE}", "fire", "1f525"),
)
CUSTOM_EMOJI_SHARE = 0.1
TWEMOJI = "https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg"
CDN = "https://cdn.discordapp.com"

MB = 1_000_000


def snowflake(ms: int, sequence: int, worker: int = 0) -> int:
    """A Discord-like id for a time in milliseconds; ``sequence`` breaks ties, and
    ``worker`` (0-31) keeps the ids of two exports of the same times apart."""
    return ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | (worker << 12) | (sequence & 0xFFF)


def epoch_ms(moment: datetime) -> int:
    """A timezone-aware time as epoch milliseconds."""
    return int(moment.timestamp() * 1000)


def exported_time(ms: int, ticks: int = 0) -> str:
    """As the exporter writes times: local offset, 100 ns ticks without trailing zeros."""
    local = datetime.fromtimestamp(ms // 1000, EXPORT_ZONE)
    fraction = f"{(ms % 1000) * 10_000 + ticks:07d}".rstrip("0")
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%dT%H:%M:%S}{'.' + fraction if fraction else ''}{offset[:3]}:{offset[3:]}"


@dataclass(frozen=True, slots=True)
class Params:
    """What the synthetic export is made of; the cache key."""

    messages: int
    seed: int
    # Another channel of the same guild and members, with message ids of its own (the
    # second file of --into-existing); 0 is the first channel.
    channel: int = 0

    @property
    def name(self) -> str:
        """The cached file's name, without extension."""
        other = f"-c{self.channel}" if self.channel else ""
        return f"m{self.messages}-s{self.seed}-v{GENERATOR_VERSION}{other}"


@dataclass(slots=True)
class Counts:
    """What the generator wrote."""

    messages: int = 0
    bot_messages: int = 0
    joins: int = 0
    replies: int = 0
    mentioning: int = 0
    reacting: int = 0
    reaction_users: int = 0
    member_authors: int = 0
    first: str = ""
    last: str = ""

    @property
    def member_messages(self) -> int:
        """Messages by members, not bots: what the import stores."""
        return self.messages - self.bot_messages


# The synthetic export


@dataclass(frozen=True, slots=True)
class User:
    """A member or bot, as the exporter writes it: with roles (as an author or a mention)
    and without (as a reaction's user)."""

    user_id: int
    full: dict[str, Any]
    short: dict[str, Any]
    bot: bool


def make_user(rng: random.Random, index: int, roles: list[dict[str, Any]], bot: bool) -> User:
    """One user object, deterministic for the generator's state."""
    user_id = snowflake(epoch_ms(PERIOD_START) - 900 * DAY_MS + index * 60_000, index)
    name = f"bot{index}" if bot else f"member_{index:04d}"
    short: dict[str, Any] = {
        "id": str(user_id),
        "name": name,
        "discriminator": "0000" if not bot else f"{1000 + index % 9000:04d}",
        "nickname": name.replace("_", " ").title(),
        "color": rng.choice((None, "#E91E63", "#3498DB", "#2ECC71")),
        "isBot": bot,
        "avatarUrl": (
            f"https://cdn.discordapp.com/avatars/{user_id}/{rng.getrandbits(64):016x}.png?size=512"
        ),
    }
    taken = rng.sample(roles, rng.choice(ROLES_PER_MEMBER)) if not bot else roles[:1]
    full = {**{k: v for k, v in short.items() if k != "avatarUrl"}, "roles": taken}
    full["avatarUrl"] = short["avatarUrl"]
    return User(user_id, full, short, bot)


def make_roles() -> list[dict[str, Any]]:
    """The guild's roles, as the exporter writes them."""
    names = ("Admin", "Moderator", "Helper", "Regular", "Artist", "Developer", "Event Team")
    return [
        {
            "id": str(snowflake(epoch_ms(PERIOD_START) - 1_000 * DAY_MS + i, i)),
            "name": name,
            "color": None if i % 3 == 2 else f"#{(i * 2_654_435_761) % 0xFFFFFF:06X}",
            "position": len(names) - i,
        }
        for i, name in enumerate(names)
    ]


@dataclass(slots=True)
class Generator:
    """Produces the export's messages in order; deterministic for a seed."""

    rng: random.Random
    guild_id: int
    channel_id: int
    members: list[User]
    bots: list[User]
    cum_weights: list[float]
    to_join: set[int]
    counts: Counts = field(default_factory=Counts)
    recent: deque[tuple[int, User]] = field(default_factory=lambda: deque(maxlen=HISTORY))
    authors: set[int] = field(default_factory=set)
    t_ms: int = 0
    last_id: int = 0
    mean_gap_ms: float = 0.0
    worker: int = 0  # the message ids' worker bits: the channel's

    @classmethod
    def create(cls, params: Params) -> Generator:
        """Members, bots and the channel for ``params``."""
        rng = random.Random(params.seed)
        roles = make_roles()
        members = [make_user(rng, i, roles, bot=False) for i in range(MEMBERS)]
        rng.shuffle(members)  # activity does not follow ids
        bots = [make_user(rng, MEMBERS + i, roles, bot=True) for i in range(BOTS)]
        weights = (1 / (rank + 1) ** ACTIVITY_EXPONENT for rank in range(MEMBERS))
        start = epoch_ms(PERIOD_START)
        return cls(
            rng=rng,
            guild_id=snowflake(start - 1_200 * DAY_MS, 0),
            channel_id=snowflake(start - 1_100 * DAY_MS, 1 + params.channel),
            members=members,
            bots=bots,
            cum_weights=list(itertools.accumulate(weights)),
            to_join={u.user_id for u in members if rng.random() < JOINER_SHARE},
            t_ms=start,
            mean_gap_ms=PERIOD_DAYS * DAY_MS / params.messages,
            worker=8 * params.channel % 32,
        )

    def member(self, exclude: int | None = None) -> User:
        """A member, the active ones far more often."""
        while True:
            k = bisect.bisect(self.cum_weights, self.rng.random() * self.cum_weights[-1])
            user = self.members[min(k, MEMBERS - 1)]
            if user.user_id != exclude:
                return user

    def next_time(self) -> tuple[int, str]:
        """The next message's time: exponential gaps, shorter in busy hours."""
        hour = (self.t_ms // 3_600_000) % 24
        scale = sum(HOUR_WEIGHTS) / 24 / HOUR_WEIGHTS[hour]
        self.t_ms += max(1, int(self.rng.expovariate(1.0) * self.mean_gap_ms * scale))
        ticks = self.rng.randrange(10_000) if self.rng.random() < 0.6 else 0
        return self.t_ms, exported_time(self.t_ms, ticks)

    def message(self) -> dict[str, Any]:
        """The next message object."""
        t_ms, stamp = self.next_time()
        self.last_id = max(self.last_id + 1, snowflake(t_ms, self.counts.messages, self.worker))
        self.counts.messages += 1
        self.counts.first = self.counts.first or stamp
        self.counts.last = stamp
        if self.rng.random() < BOT_SHARE:
            author = self.rng.choice(self.bots)
            self.counts.bot_messages += 1
            raw = self.bot_message(author, stamp)
        else:
            author = self.member()
            self.authors.add(author.user_id)
            if author.user_id in self.to_join:
                self.to_join.discard(author.user_id)
                self.counts.joins += 1
                raw = self.base(author, stamp, "GuildMemberJoin", "Joined the server.")
            else:
                raw = self.member_message(author, t_ms, stamp)
        self.counts.member_authors = len(self.authors)
        self.recent.append((self.last_id, author))
        return raw

    def base(self, author: User, stamp: str, kind: str, content: str) -> dict[str, Any]:
        """The fields every message has, in the exporter's order."""
        return {
            "id": str(self.last_id),
            "type": kind,
            "timestamp": stamp,
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": content,
            "author": author.full,
            "attachments": [],
            "components": [],
            "embeds": [],
            "stickers": [],
            "reactions": self.reactions(author),
            "mentions": [],
        }

    def bot_message(self, author: User, stamp: str) -> dict[str, Any]:
        """A bot's notice with an embed; never stored by the import."""
        raw = self.base(author, stamp, "Default", "")
        raw["embeds"] = [self.embed(stamp)]
        raw["inlineEmojis"] = []
        return raw

    def member_message(self, author: User, t_ms: int, stamp: str) -> dict[str, Any]:
        """A member's message: maybe a reply, with mentions, attachments, an edit."""
        rng = self.rng
        reply = self.reply_target() if self.recent and rng.random() < REPLY_SHARE else None
        mentioned = self.mentions(author, reply[1] if reply else None)
        text = " ".join(rng.choices(WORDS, k=rng.randint(3, 25)))
        text += "?" if rng.random() < QUESTION_SHARE else "."
        if mentioned:
            text = " ".join(f"<@{u.user_id}>" for u in mentioned) + " " + text
        kind = "Reply" if reply and rng.random() >= REPLY_TYPED_DEFAULT else "Default"
        raw = self.base(author, stamp, kind, text)
        if rng.random() < EDITED_SHARE:
            raw["timestampEdited"] = exported_time(t_ms + rng.randrange(10_000, 3_600_000))
        if rng.random() < ATTACHMENT_SHARE:
            raw["attachments"] = [self.attachment()]
        if rng.random() < EMBED_SHARE:
            raw["embeds"] = [self.embed(None)]
        raw["mentions"] = [u.full for u in mentioned]
        if reply is not None:
            self.counts.replies += 1
            raw["reference"] = {
                "type": "Default",
                "messageId": str(reply[0]),
                "channelId": str(self.channel_id),
                "guildId": str(self.guild_id),
            }
        raw["inlineEmojis"] = []
        return raw

    def reply_target(self) -> tuple[int, User | None]:
        """Mostly one of the last few messages; now and then one before the file."""
        if self.rng.random() < REPLY_OUTSIDE:
            return snowflake(epoch_ms(PERIOD_START) - self.rng.randrange(1, 90) * DAY_MS, 7), None
        recent = self.recent
        return recent[-1 - min(len(recent) - 1, int(self.rng.expovariate(0.25)))]

    def mentions(self, author: User, replied: User | None) -> list[User]:
        """One or two members: often the replied-to one, or someone who just spoke."""
        rng = self.rng
        if rng.random() >= MENTION_SHARE:
            return []
        found: list[User] = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            chance = rng.random()
            if replied is not None and not replied.bot and chance < 0.5:
                user = replied
            elif self.recent and chance < 0.75:
                user = rng.choice(self.recent)[1]
            else:
                user = self.member()
            if user is not author and not user.bot and user not in found:
                found.append(user)
        if found:
            self.counts.mentioning += 1
        return found

    def reactions(self, author: User) -> list[dict[str, Any]]:
        """Reactions on a fifth of the messages, by 1-3 other members."""
        rng = self.rng
        if rng.random() >= REACTION_SHARE:
            return []
        wanted = rng.choices(*REACTION_USERS)[0]
        picked = (self.member(exclude=author.user_id) for _ in range(wanted))
        users = list({user.user_id: user for user in picked}.values())
        self.counts.reacting += 1
        self.counts.reaction_users += len(users)
        groups = [users] if len(users) == 1 or rng.random() < 0.7 else [users[:1], users[1:]]
        reactions = []
        for group in groups:
            extra = 1 if rng.random() < REACTION_COUNT_DIFFERS else 0
            reactions.append(
                {
                    "emoji": self.emoji(),
                    "count": len(group) + extra,
                    "users": [user.short for user in group],
                }
            )
        return reactions

    def emoji(self) -> dict[str, Any]:
        """A Unicode emoji, or now and then one of the guild's."""
        if self.rng.random() < CUSTOM_EMOJI_SHARE:
            emoji_id = snowflake(epoch_ms(PERIOD_START) - 500 * DAY_MS, self.rng.randrange(8))
            return {
                "id": str(emoji_id),
                "name": "pepe_happy",
                "code": "pepe_happy",
                "isAnimated": False,
                "imageUrl": f"https://cdn.discordapp.com/emojis/{emoji_id}.png",
            }
        name, code, hexcode = self.rng.choice(EMOJIS)
        return {
            "id": "",
            "name": name,
            "code": code,
            "isAnimated": False,
            "imageUrl": f"{TWEMOJI}/{hexcode}.svg",
        }

    def attachment(self) -> dict[str, Any]:
        """An image posted with the message."""
        attachment_id = self.last_id + 1
        return {
            "id": str(attachment_id),
            "url": f"{CDN}/attachments/{self.channel_id}/{attachment_id}/image.png",
            "fileName": "image.png",
            "fileSizeBytes": self.rng.randrange(20_000, 4_000_000),
        }

    def embed(self, stamp: str | None) -> dict[str, Any]:
        """A link preview, or a bot's card."""
        return {
            "title": "Release notes",
            "url": "https://example.com/releases/latest",
            "timestamp": stamp,
            "description": " ".join(self.rng.choices(WORDS, k=12)),
            "color": "#5865F2",
            "thumbnail": {
                "url": "https://images-ext-1.discordapp.net/external/abc/logo.png",
                "canonicalUrl": "https://example.com/logo.png",
                "width": 256,
                "height": 256,
            },
            "images": [],
            "fields": [],
            "inlineEmojis": [],
        }

    def header(self, exported_at: str) -> dict[str, Any]:
        """Everything the exporter writes before the messages."""
        return {
            "guild": {
                "id": str(self.guild_id),
                "name": "Benchmark Guild",
                "iconUrl": f"https://cdn.discordapp.com/icons/{self.guild_id}/abc.png?size=512",
            },
            "channel": {
                "id": str(self.channel_id),
                "type": "GuildTextChat",
                "categoryId": str(self.channel_id - 1),
                "category": "Community",
                "name": "general",
                "topic": "Talk about anything",
            },
            "dateRange": {"after": None, "before": None},
            "exportedAt": exported_at,
        }


def dump(value: Any, depth: int) -> str:
    """JSON indented by two spaces, as the exporter's writer, nested ``depth`` levels.

    ASCII only: .NET's encoder escapes emoji (outside the BMP) even in relaxed mode, and
    the synthetic text has no other non-ASCII character.
    """
    return json.dumps(value, indent=2).replace("\n", "\n" + "  " * depth)


def write_export(path: Path, params: Params) -> Counts:
    """Stream the export to ``path``: the header, each message, then ``messageCount``."""
    generator = Generator.create(params)
    exported_at = exported_time(epoch_ms(PERIOD_START) + (PERIOD_DAYS + 30) * DAY_MS, 1_234)
    head = dump(generator.header(exported_at), 0)
    with path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        out.write(head[:-2] + ',\n  "messages": [\n')
        for index in range(params.messages):
            out.write(("    " if index == 0 else ",\n    ") + dump(generator.message(), 2))
        out.write(f'\n  ],\n  "messageCount": {params.messages}\n}}')
    return generator.counts


def cached_export(params: Params, rebuild: bool) -> tuple[Path, Counts, float, bool]:
    """The export for these parameters, written if needed: (path, counts, seconds, reused)."""
    folder = Path(tempfile.gettempdir(), "ascolto-bench-import")
    folder.mkdir(exist_ok=True)
    path, note = folder / f"{params.name}.json", folder / f"{params.name}.counts"
    if path.exists() and note.exists() and not rebuild:
        saved = json.loads(note.read_text())
        return path, Counts(**saved["counts"]), float(saved["seconds"]), True
    note.unlink(missing_ok=True)
    partial = path.with_name(path.name + ".writing")
    began = time.perf_counter()
    counts = write_export(partial, params)
    seconds = time.perf_counter() - began
    os.replace(partial, path)
    note.write_text(json.dumps({"counts": asdict(counts), "seconds": seconds}))
    return path, counts, seconds, False


# The measured children


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB: VmHWM, which exec resets."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


@dataclass(frozen=True, slots=True)
class ImportFigures:
    """What the import child measured and its report said."""

    seconds: float
    peak_kib: int
    start_kib: int  # the peak before the import: interpreter and modules
    files: int
    failed: list[str]
    read: int
    new: int
    skipped: int
    members: int
    interactions: int
    spans: list[tuple[int, str, str]]  # guild, first and last message (ISO), as reported
    inferred: int = 0  # replies inferred from the flow of conversation, written
    longest_write: float = 0.0  # the longest write transaction: the bot's longest wait
    scorer_peak_kib: int = 0  # the reply-scoring child's peak, shared pages included
    transactions: int = 0


@dataclass(frozen=True, slots=True)
class LoadFigures:
    """What the json.load child measured."""

    seconds: float
    peak_kib: int
    start_kib: int
    messages: int


def child_import(export: Path, database: Path, infer: bool = True) -> ImportFigures:
    """In the child: import the file into the prepared database (with reply inference,
    unless ``infer`` is false)."""
    from bot.dce.importer import Importer
    from bot.dce.reader import find_exports
    from bot.settings import PrivacySettings

    exports, _ = find_exports([export])
    importer = Importer(database, PrivacySettings(), infer=infer)
    start_kib = peak_rss_kib()
    try:
        began = time.perf_counter()
        report = importer.run(exports)
        seconds = time.perf_counter() - began
    finally:
        importer.close()
    # The largest of the processes that read a large file and score its replies (forks
    # of this one: the pages they share are counted in both).
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return ImportFigures(
        scorer_peak_kib=children,
        seconds=seconds,
        peak_kib=peak_rss_kib(),
        start_kib=start_kib,
        files=report.files,
        failed=report.failed,
        read=report.read,
        new=report.new,
        skipped=report.skipped,
        members=len(report.members),
        interactions=report.interactions,
        inferred=report.inferred,
        # (getattr: the benchmark also measures code from before these figures)
        longest_write=getattr(report, "longest_write", 0.0),
        transactions=getattr(report, "transactions", 0),
        spans=[(g, a.isoformat(), b.isoformat()) for g, (a, b) in report.spans.items()],
    )


def child_load(export: Path) -> LoadFigures:
    """In the child: the whole file with one ``json.load``."""
    start_kib = peak_rss_kib()
    began = time.perf_counter()
    with export.open("rb") as stream:
        data = json.load(stream)
    seconds = time.perf_counter() - began
    return LoadFigures(seconds, peak_rss_kib(), start_kib, len(data["messages"]))


def run_child(*args: str) -> dict[str, Any]:
    """Run this script with a hidden child option; its last output line is JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"child {args[0]} failed ({done.returncode}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# The whole command, as a user runs it: a new interpreter, then ``ascolto import``'s
# main (migrations, the import, the summaries of the imported days); it prints its
# peak memory as it exits.
_WHOLE_COMMAND = """
import atexit, json, sys

def peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                print(json.dumps({"peak_kib": int(line.split()[1])}), flush=True)

atexit.register(peak)
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_whole_command(export: Path, database: Path) -> tuple[float, int]:
    """``ascolto import EXPORT --db DATABASE`` in a new process: (seconds from its start
    to its end, its peak RSS in KiB)."""
    command = [sys.executable, "-c", _WHOLE_COMMAND, "import", str(export), "--db", str(database)]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"ascolto import failed ({done.returncode}):\n{done.stderr}")
    peak: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, peak["peak_kib"]


# This process: the database, the checks, the optional summaries


def prepare_database(path: Path) -> None:
    """Create the file with the store's migrations, as ``ascolto import`` does."""
    from bot.store import Store

    async def open_and_close() -> None:
        store = Store(path)
        await store.open()
        await store.close()

    asyncio.run(open_and_close())


@dataclass(frozen=True, slots=True)
class Stored:
    """What the database holds after the import."""

    messages: int
    with_content: int
    interactions: dict[str, int]
    reactions: int
    members: int
    size_mb: float


def read_stored(path: Path) -> Stored:
    """Count what the import wrote."""
    db = sqlite3.connect(path)
    try:
        messages, with_content = db.execute(
            "SELECT count(*), count(content) FROM messages"
        ).fetchone()
        kinds = dict(db.execute("SELECT kind, count(*) FROM interactions GROUP BY kind"))
        (reactions,) = db.execute("SELECT count(*) FROM reactions").fetchone()
        (members,) = db.execute("SELECT count(*) FROM members").fetchone()
    finally:
        db.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return Stored(messages, with_content, kinds, reactions, members, size / MB)


def time_summaries(path: Path, figures: ImportFigures) -> tuple[float, int]:
    """The CLI's recompute of the days the import touched: (seconds, days)."""
    from bot.dce.report import ImportReport
    from bot.settings import Settings

    cli = importlib.import_module("bot.cli.import")  # "import" is a keyword
    report = ImportReport()
    for guild_id, first, last in figures.spans:
        report.cover(guild_id, datetime.fromisoformat(first))
        report.cover(guild_id, datetime.fromisoformat(last))
    began = time.perf_counter()
    days: int = asyncio.run(cli._summarise(path, Settings(), report))
    return time.perf_counter() - began, days


# Report


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def mb(kib: int) -> float:
    """KiB as MB of 10^6 bytes."""
    return kib * 1024 / MB


def print_file(path: Path, counts: Counts, seconds: float, reused: bool) -> None:
    """The export: where, how big, what it holds."""
    made = f"reused (writing it took {seconds:.1f} s)" if reused else f"written in {seconds:.1f} s"
    size = path.stat().st_size
    n = counts.messages
    print(f"file      {path} ({size / MB:,.1f} MB, {size / n:,.0f} bytes/message), {made}")
    print(
        f"messages  {n:,}: {counts.member_messages:,} by {counts.member_authors:,} members"
        f" ({counts.joins:,} join notices), {counts.bot_messages:,} by {BOTS} bots;"
        f" replies {counts.replies / n:.1%}, mentioning {counts.mentioning / n:.1%},"
        f" with reactions {counts.reacting / n:.1%} ({counts.reaction_users:,} users)"
    )
    print(f"period    {counts.first} to {counts.last}")


def print_import(f: ImportFigures, stored: Stored) -> None:
    """The import's figures and what it stored."""
    rate = f.read / f.seconds
    print(
        f"import    {f.seconds:,.2f} s, {rate:,.0f} messages/s, peak RSS {mb(f.peak_kib):,.1f} MB"
        f" ({mb(f.start_kib):,.1f} MB before Importer.run: interpreter and modules)"
        + (
            f"; largest second process (reading the file, or scoring replies)"
            f" {mb(f.scorer_peak_kib):,.1f} MB (a fork: pages shared with the import counted"
            " in both)"
            if f.scorer_peak_kib
            else ""
        )
    )
    print(
        f"report    {f.files} file(s), {len(f.failed)} failed; read {f.read:,}, new {f.new:,},"
        f" skipped {f.skipped:,}; interactions {f.interactions:,}; members {f.members:,};"
        f" inferred replies {f.inferred:,}"
    )
    if f.transactions:
        print(
            f"lock      longest write transaction {f.longest_write:,.3f} s of"
            f" {f.transactions:,} (issue 14: the bot's writes wait <= {TARGET_LOCK_SECONDS:.0f}"
            f" s: {verdict(f.longest_write <= TARGET_LOCK_SECONDS)})"
        )
    else:
        print("lock      not measured by this code (one write transaction per file)")
    kinds = "  ".join(f"{k} {n:,}" for k, n in sorted(stored.interactions.items()))
    print(
        f"database  {stored.size_mb:,.1f} MB: messages {stored.messages:,} ({stored.with_content:,}"
        f" with content, the rest past the retention period), reactions {stored.reactions:,},"
        f" members {stored.members:,}; interactions {kinds}"
    )


def print_load(f: LoadFigures, imported: ImportFigures) -> None:
    """The json.load baseline, next to the import."""
    print(
        f"json.load {f.seconds:,.2f} s, {f.messages / f.seconds:,.0f} messages/s, peak RSS"
        f" {mb(f.peak_kib):,.1f} MB ({mb(f.start_kib):,.1f} MB before); the import takes"
        f" {imported.seconds / f.seconds:,.1f}x its time and"
        f" {imported.peak_kib / f.peak_kib:.1%} of its memory"
    )


def check(counts: Counts, f: ImportFigures, stored: Stored) -> list[str]:
    """Inconsistencies between what was generated, reported and stored."""
    expected = {
        "messages in the database": (stored.messages, counts.member_messages),
        "messages read": (f.read, counts.messages),
        "new messages": (f.new, counts.member_messages),
        "skipped (bots)": (f.skipped, counts.bot_messages),
        "members in the report": (f.members, counts.member_authors),
        "files imported": (f.files, 1),
    }
    return [
        f"{what}: {got:,}, expected {want:,}"
        for what, (got, want) in expected.items()
        if got != want
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options (and the children's hidden ones)."""
    parser = argparse.ArgumentParser(
        description="Time the import of a large DiscordChatExporter export against json.load."
    )
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages in the export")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the synthetic data")
    parser.add_argument("--rebuild", action="store_true", help="write the export even if cached")
    parser.add_argument(
        "--summaries",
        action="store_true",
        help="also time the daily summaries' recompute that ascolto import runs afterwards",
    )
    parser.add_argument(
        "--whole",
        action="store_true",
        help="also time the whole ascolto import command in a new process, summaries included",
    )
    parser.add_argument(
        "--no-infer",
        action="store_true",
        help="import without reply inference (for the rate with and without it)",
    )
    parser.add_argument(
        "--into-existing",
        action="store_true",
        help="also import a second file (another channel of the same guild, as many"
        " messages) into the store the first import made, against the rate into an empty one",
    )
    parser.add_argument("--child-import", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be positive")
    return args


def measure(
    path: Path,
    counts: Counts,
    summaries: bool,
    infer: bool = True,
    whole: bool = False,
    second: tuple[Path, Counts] | None = None,
) -> list[str]:
    """Import into a fresh database, load with json.load, print; returns the problems."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="ascolto-bench-") as folder:
        database = Path(folder, "import.db")
        prepare_database(database)
        child = ("--child-import", str(path), str(database), *(() if infer else ("--no-infer",)))
        imported = ImportFigures(**run_child(*child))
        stored = read_stored(database)
        print_import(imported, stored)
        if second is not None:
            problems += into_existing(database, imported, stored, *second, infer=infer)
        if summaries:
            seconds, days = time_summaries(database, imported)
            print(
                f"summaries {days:,} days computed again in {seconds:,.2f} s (what ascolto import"
                " does afterwards; NOT part of the import's time or targets)"
            )
    loaded = LoadFigures(**run_child("--child-load", str(path)))
    print_load(loaded, imported)
    if whole:
        with tempfile.TemporaryDirectory(prefix="ascolto-bench-") as folder:
            seconds, peak_kib = run_whole_command(path, Path(folder, "command.db"))
        rate = counts.messages / seconds
        print(
            f"command   ascolto import, whole (process start, migrations, import with inference,"
            f" summaries): {seconds:,.2f} s, {rate:,.0f} messages/s, peak RSS"
            f" {mb(peak_kib):,.1f} MB; json.load {rate / (counts.messages / loaded.seconds):.0%}"
            f" of its rate (issue 14's targets: >= {TARGET_COMMAND_RATE:,} messages/s and"
            f" <= 200 MiB: {verdict(rate >= TARGET_COMMAND_RATE and peak_kib <= 200 * 1024)})"
        )
    rate_ok = imported.read / imported.seconds >= TARGET_RATE
    peak_ok = mb(imported.peak_kib) < TARGET_PEAK_MB
    print(
        f"targets   >= {TARGET_RATE:,} messages/s: {verdict(rate_ok)}"
        f" ({imported.read / imported.seconds:,.0f})   peak RSS < {TARGET_PEAK_MB:.0f} MB:"
        f" {verdict(peak_ok)} ({mb(imported.peak_kib):,.1f} MB)"
    )
    problems += check(counts, imported, stored)
    if loaded.messages != counts.messages:
        problems.append(f"json.load found {loaded.messages:,} messages, not {counts.messages:,}")
    return problems


def into_existing(
    database: Path,
    first: ImportFigures,
    before: Stored,
    path: Path,
    counts: Counts,
    *,
    infer: bool,
) -> list[str]:
    """Import the second file into the store the first import made; print its rate
    against the first's (into an empty store); returns the problems."""
    child = ("--child-import", str(path), str(database), *(() if infer else ("--no-infer",)))
    imported = ImportFigures(**run_child(*child))
    stored = read_stored(database)
    ratio = (imported.read / imported.seconds) / (first.read / first.seconds)
    print(f"second    {path.name}: another channel, imported into the store just made")
    print_import(imported, stored)
    print(
        f"existing  {ratio:.2f}x the rate into an empty store (issue 14: >="
        f" {TARGET_EXISTING_RATIO}x: {verdict(ratio >= TARGET_EXISTING_RATIO)})"
    )
    problems = [
        f"second file: {problem}"
        for problem in check(counts, imported, stored)
        if not problem.startswith("messages in the database")
    ]
    if stored.messages != before.messages + counts.member_messages:
        problems.append(
            f"second file: {stored.messages:,} messages stored, expected"
            f" {before.messages + counts.member_messages:,}"
        )
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Write or reuse the export, measure both children, print the report.

    1 if something is inconsistent (a child failed, or counts differ); a missed target
    is reported, not an error.
    """
    args = parse_args(argv)
    if args.child_import is not None:
        export, database = args.child_import
        print(json.dumps(asdict(child_import(export, database, infer=not args.no_infer))))
        return 0
    if args.child_load is not None:
        print(json.dumps(asdict(child_load(args.child_load))))
        return 0
    params = Params(args.messages, args.seed)
    path, counts, seconds, reused = cached_export(params, args.rebuild)
    print_file(path, counts, seconds, reused)
    second = None
    if args.into_existing:
        other = Params(args.messages, args.seed + 1, channel=1)
        other_path, other_counts, other_seconds, other_reused = cached_export(other, args.rebuild)
        print_file(other_path, other_counts, other_seconds, other_reused)
        second = (other_path, other_counts)
    try:
        problems = measure(
            path,
            counts,
            args.summaries,
            infer=not args.no_infer,
            whole=args.whole,
            second=second,
        )
    except RuntimeError as exc:
        problems = [str(exc)]
    for problem in problems:
        print(f"MISMATCH  {problem}")
    if not problems:
        print("check     the database holds exactly the members' messages generated")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
