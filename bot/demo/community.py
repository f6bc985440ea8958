"""The demo's community: Riverside Makers, a makerspace's server, day by day.

Pure data and a seeded ``random.Random``: nothing here reads the clock or touches
Discord, so one seed always gives the same days. ``day_beats`` returns what happens on
one day as a list of beats (a message, a reaction, a join, a slash command...), each at
a minute of that day in the server's time; ``bot/demo/stage.py`` plays them.

What a community manager should recognise: regulars who talk to each other, a
broadcaster who only announces, newcomers who are welcomed (and one who is not),
questions answered with Reply, answered without it (the bot infers those), answered
late or never, a thread, reactions, and a member who opts out of logging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import Any

SERVER = "Riverside Makers"
# The server is this much older than the bot: 1 January 2026 (SimCord's first day) plus
# 60 days puts the first day of the demo on Monday 2 March 2026.
HISTORY_DAYS = 60
TIMEZONE = "Europe/Rome"
CHANNELS = ("general", "help", "projects", "announcements", "community-team")
TEAM_CHANNEL = "community-team"  # the digest and the alerts board go here
MANAGER = "maria"
REGULARS = ("alice", "bob", "carol", "dev", "elena", "giulia")
BROADCASTER = "paolo"  # announces every weekday, never replies
OPTS_OUT = "frank"  # runs /privacy optout on the first morning and keeps talking
NUDGED = "alice"  # turns on /nudges and owes replies now and then
# Newcomers: (name, day they join, welcomed?, what they say first). The first two join
# on the first day, so that even a three-day demo shows a welcome and an alert.
NEWCOMERS = (
    ("nina", 0, True, "Hi everyone! I'm Nina, I just moved to town and I do leatherwork."),
    ("omar", 0, False, "Hello, I build synths and guitar pedals. Is there a bench for that?"),
    ("sam", 4, True, "Hey all, Sam here: woodworker, new to 3D printing."),
    ("lin", 8, True, "Ciao! Lin, I repair old radios. Glad to have found you."),
    ("tomas", 12, False, "Hi, anyone here into bike frame building?"),
    ("rosa", 16, True, "Hello makers, Rosa here, I sew and embroider."),
)

WELCOMES = (
    "Welcome {name}! Tell us what you're working on 👋",
    "Hi {name}, great to have you here! The open workshop is on Saturdays.",
    "Welcome aboard {name}! #projects is where we show off builds.",
)
CHATTER = (
    "Morning all! Who's coming to the open workshop on Saturday?",
    "The new filters for the laser cutter finally arrived.",
    "Anyone else stayed late yesterday? The place was buzzing.",
    "Coffee machine is fixed, thanks to whoever descaled it ☕",
    "I found a box of old stepper motors in the storage room, free to a good home.",
    "Reminder: label your boxes on the shelves, please.",
    "The community dinner was lovely, thanks for organising!",
    "Parking at the back is blocked today, use the side entrance.",
)
PROJECTS = (
    "Progress on my synth: the filter board works 🎛️",
    "Finished the oak side table, photos soon.",
    "My printer enclosure is done, temperature holds at 40°C.",
    "Rewired the old radio, it plays again after 50 years!",
    "First try at a leather wallet, the stitching needs work.",
    "Built a little weather station with an ESP32.",
)
REPLIES = (
    "Count me in!",
    "That looks great, well done!",
    "Nice work! Please share the files.",
    "Oh, I'd love to see that in person on Saturday.",
    "Ha, same here.",
    "Good to know, thanks!",
    "I'll bring snacks then.",
    "Wow, that's neat.",
)
# Questions and their answers, asked in #help.
QUESTIONS = (
    ("How do I book the laser cutter?", "There's a sheet on the door, or ask in #general."),
    ("What temperature do you use for PETG?", "235 on the nozzle and 80 on the bed works for me."),
    ("Is the soldering station in room B working again?", "Yes, new tip since Tuesday."),
    ("Does anyone have a spare M3 tap?", "Top drawer of the red cabinet, should be two."),
    ("Where do we keep the spare filament?", "In the dry box under the big printer."),
    ("Can I leave a print running overnight?", "Only with the smoke sensor on, it's in the rules."),
    ("Which glue works best on leather?", "Contact cement, thin layers on both sides."),
    ("Is there a multimeter I can borrow?", "Two on the electronics wall, just sign them out."),
    ("How do I get a key for weekends?", "Ask the team, they keep a list of keyholders."),
    ("What's the wifi password again?", "It's on the board by the entrance."),
)
ANNOUNCEMENTS = (
    "📣 Open workshop this Saturday, 10:00 to 16:00.",
    "📣 The wood shop is closed on Tuesday for maintenance.",
    "📣 New members' induction on Thursday at 18:30.",
    "📣 We're looking for volunteers for the repair café.",
    "📣 Membership fees for the year are due by the end of the month.",
)
EMOJI = ("👍", "❤️", "🎉", "🙌", "👀", "😄")


@dataclass(frozen=True)
class Beat:
    """One thing that happens at ``minute`` (of the day, server time)."""

    minute: int


@dataclass(frozen=True)
class Join(Beat):
    who: str


@dataclass(frozen=True)
class Say(Beat):
    """A message; ``key`` names it for later beats, ``reply_to`` is a key (Reply)."""

    who: str
    channel: str
    text: str
    key: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class React(Beat):
    who: str
    key: str
    emoji: str


@dataclass(frozen=True)
class Thread(Beat):
    """A thread started from the message ``key``, named ``name``; later ``Say`` beats
    post in it with the channel ``thread:<key>``."""

    who: str
    key: str
    name: str


@dataclass(frozen=True)
class Command(Beat):
    """A slash command; an option naming a channel is given as ``#name``. ``press``: the
    label of a button on the answer that the member then presses, when it is there."""

    who: str
    channel: str
    name: str
    options: dict[str, Any] = field(default_factory=dict)
    press: str | None = None


def at(hour: int, minute: int = 0) -> int:
    """Minute of the day of ``hour:minute``."""
    return hour * 60 + minute


def members_at_start() -> tuple[str, ...]:
    """Everyone in the server before the first day."""
    return (MANAGER, *REGULARS, OPTS_OUT, BROADCASTER)


def day_beats(day: int, days: int, rng: Random) -> list[Beat]:
    """What happens on ``day`` (0 is the first) of a ``days``-day demo, in time order."""
    beats: list[Beat] = []
    if day == 0:
        beats += _first_morning()
    if day < len(_MANAGER_ROUNDS) and _MANAGER_ROUNDS[day]:
        beats += _MANAGER_ROUNDS[day]
    if day == days - 1 and days > 3:
        beats += _last_day_round(days)
    weekend = day % 7 in (5, 6)  # the first day is a Monday
    beats += _chatter(day, rng, rounds=2 if weekend else 4)
    beats += _help_desk(day, rng, questions=1 if weekend else 3)
    if not weekend:
        beats.append(Say(at(8, 30), BROADCASTER, "announcements", rng.choice(ANNOUNCEMENTS)))
    beats += _owed_to_alice(day, rng)
    beats += _opted_out_chat(day, rng)
    for name, joins, welcomed, hello in NEWCOMERS:
        if joins == day:
            beats += _newcomer(day, name, welcomed, hello, rng)
    if day == 5:
        beats += _thread(day)
    return sorted(beats, key=lambda beat: beat.minute)


def _first_morning() -> list[Beat]:
    # The manager sets Ascolto up; alice asks for her daily DM; frank opts out.
    team = f"#{TEAM_CHANNEL}"
    return [
        Command(
            at(8, 5),
            MANAGER,
            TEAM_CHANNEL,
            "config digest set",
            {"channel": team, "time": "09:00", "timezone": TIMEZONE},
        ),
        Command(at(8, 7), MANAGER, TEAM_CHANNEL, "config alerts set", {"channel": team}),
        Command(at(8, 40), NUDGED, "general", "nudges on", {"hour": 18}),
        Command(at(9, 10), OPTS_OUT, "general", "privacy optout"),
    ]


# What the manager and the nudged member run, by day (server time).
_MANAGER_ROUNDS: list[list[Beat]] = [
    [],
    [
        Command(at(9, 20), MANAGER, TEAM_CHANNEL, "summary"),
        # She has answered the reply she owes in person, so she marks it done.
        Command(at(12, 15), NUDGED, "general", "inbox", press="Done 1"),
    ],
    [Command(at(17, 45), MANAGER, TEAM_CHANNEL, "unanswered")],
    [],
    [Command(at(19, 0), NUDGED, "general", "me")],
    [],
    [Command(at(9, 30), MANAGER, TEAM_CHANNEL, "trend", {"days": 7})],
    [Command(at(21, 0), NUDGED, "general", "nudges status")],
    [Command(at(9, 25), MANAGER, TEAM_CHANNEL, "summary", {"public": True})],
    [],
    [Command(at(11, 0), MANAGER, TEAM_CHANNEL, "unanswered", {"expired": True})],
    [Command(at(20, 30), NUDGED, "general", "inbox")],
    [],
    [Command(at(9, 40), MANAGER, TEAM_CHANNEL, "trend")],
    [Command(at(18, 30), NUDGED, "general", "me")],
]


def _last_day_round(days: int) -> list[Beat]:
    # Before the end, the manager looks back over the whole period once more.
    span = max(7, min(days, 90))
    return [
        Command(at(9, 35), MANAGER, TEAM_CHANNEL, "trend", {"days": span}),
        Command(at(9, 50), MANAGER, TEAM_CHANNEL, "unanswered"),
    ]


def _chatter(day: int, rng: Random, *, rounds: int) -> list[Beat]:
    """Regulars talk to each other: an opener, replies (mostly with Reply), reactions."""
    beats: list[Beat] = []
    for n in range(rounds):
        start = at(rng.randint(8, 20), rng.randint(0, 50))
        opener, *others = rng.sample(REGULARS, 4)
        channel = "projects" if n % 2 else "general"
        text = rng.choice(PROJECTS if channel == "projects" else CHATTER)
        key = f"chat-{day}-{n}"
        beats.append(Say(start, opener, channel, text, key=key))
        for i, who in enumerate(others[: rng.randint(1, 3)]):
            reply_to = key if rng.random() < 0.8 else None
            beats.append(
                Say(start + 4 + 3 * i, who, channel, rng.choice(REPLIES), reply_to=reply_to)
            )
        for who in rng.sample(others, rng.randint(1, 3)):
            beats.append(React(start + 2, who, key, rng.choice(EMOJI)))
    return beats


def _help_desk(day: int, rng: Random, *, questions: int) -> list[Beat]:
    """Questions in #help: answered with Reply, without Reply (inferred), late, or never."""
    beats: list[Beat] = []
    for n in range(questions):
        asked = at(rng.randint(9, 18), rng.randint(0, 55))
        asker, answerer = rng.sample(REGULARS, 2)
        question, reply = rng.choice(QUESTIONS)
        key = f"q-{day}-{n}"
        beats.append(Say(asked, asker, "help", question, key=key))
        fate = ("reply", "inferred", "late", "never")[(day + n) % 4]
        if fate == "reply":
            beats.append(Say(asked + 12, answerer, "help", reply, reply_to=key))
            beats.append(React(asked + 15, asker, key, "🙏"))
        elif fate == "inferred":
            # Typed right after the question without pressing Reply, naming the asker
            # as people do; the bot infers the reply.
            beats.append(Say(asked + 3, answerer, "help", f"{asker}: {reply}"))
            beats.append(Say(asked + 6, asker, "help", f"Perfect, thanks {answerer}!"))
        elif fate == "late":
            late = min(asked + 200, at(23, 30))
            beats.append(
                Say(late, answerer, "help", f"Sorry, just saw this: {reply}", reply_to=key)
            )
    return beats


def _owed_to_alice(day: int, rng: Random) -> list[Beat]:
    """Someone replies to alice in the afternoon, and she does not always answer."""
    if day % 2:
        return []
    key = f"alice-{day}"
    friend = rng.choice([r for r in REGULARS if r != NUDGED])
    return [
        Say(at(13, 10), NUDGED, "projects", rng.choice(PROJECTS), key=key),
        Say(at(14, 5), friend, "projects", "Could you bring it on Saturday?", reply_to=key),
    ]


def _opted_out_chat(day: int, rng: Random) -> list[Beat]:
    """frank keeps talking after opting out: none of it is stored."""
    key = f"frank-{day}"
    return [
        Say(at(11, 20), OPTS_OUT, "general", f"frank here: {rng.choice(CHATTER)}", key=key),
        React(at(11, 25), rng.choice(REGULARS), key, rng.choice(EMOJI)),
    ]


def _newcomer(day: int, name: str, welcomed: bool, hello: str, rng: Random) -> list[Beat]:
    joined = at(10 + day % 5, 0) if day else (at(10, 0) if welcomed else at(15, 0))
    key = f"hello-{name}"
    beats: list[Beat] = [Join(joined, name), Say(joined + 5, name, "general", hello, key=key)]
    if welcomed:
        greeter = rng.choice(REGULARS)
        text = rng.choice(WELCOMES).format(name=name.capitalize())
        beats.append(Say(joined + 20, greeter, "general", text, reply_to=key))
        beats.append(React(joined + 22, rng.choice(REGULARS), key, "👋"))
        beats.append(Say(joined + 40, name, "general", "Thanks! See you on Saturday."))
    return beats


def _thread(day: int) -> list[Beat]:
    """A thread about printer calibration, from a message in #projects."""
    key = f"calibration-{day}"
    where = f"thread:{key}"
    return [
        Say(
            at(16, 0),
            "carol",
            "projects",
            "Calibrating the big printer today, notes below.",
            key=key,
        ),
        Thread(at(16, 2), "carol", key, "Printer calibration"),
        Say(at(16, 10), "carol", where, "First layer too squished, raising Z by 0.05."),
        Say(at(16, 25), "dev", where, "Try the 20mm cube after that?"),
        Say(at(16, 40), "carol", where, "Cube is perfect now 🎉"),
        Say(at(16, 45), "elena", where, "Great, writing it on the wiki."),
    ]
