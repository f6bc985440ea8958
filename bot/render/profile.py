"""A member's 7-day profile as an embed (``/member`` and ``/me``)."""

from __future__ import annotations

from datetime import date

import discord

from bot.render.text import plural
from bot.summaries import MemberProfile


def profile_embed(name: str, found: MemberProfile, *, own: bool) -> discord.Embed:
    """Talking, listening, connecting and answering over the last 7 days; when the member
    joined and first posted; for a manager, whether they are a newcomer or a broadcaster,
    for the member a gentle word when they talk much more than they listen."""
    profile = found.profile
    ratio, replies = _listening(found)
    title = (
        "Your last 7 days" if own else f"{discord.utils.escape_markdown(name)[:64]}: last 7 days"
    )
    lines = (own_week_line(found) if own else standing_lines(found), _inferred_line(found))
    description = "\n".join(filter(None, lines))
    embed = discord.Embed(
        title=title, description=description or None, colour=discord.Colour.teal()
    )
    embed.add_field(name="Messages", value=str(profile.messages))
    embed.add_field(name="Replies", value=str(replies))
    embed.add_field(name="Reactions given", value=str(profile.reactions_given))
    embed.add_field(name="Listening ratio", value="—" if ratio is None else f"{ratio:.0%}")
    embed.add_field(
        name="Connections",
        value=f"{profile.connections} ({profile.new_connections} new this week)",
    )
    embed.add_field(
        name="Questions",
        value=f"{profile.questions_asked} asked, {profile.questions_answered} answered",
    )
    embed.add_field(name="Joined", value=joined_text(found))
    embed.add_field(name="First message here", value=first_message_text(found))
    footer = [f"Dates in {found.timezone} time."]
    if own:
        footer.append("Only you see this. /privacy status shows what is stored about you.")
    embed.set_footer(text="\n".join(footer))
    return embed


def _listening(found: MemberProfile) -> tuple[float | None, int]:
    """The listening ratio and replies shown: with inferred replies when the guild's
    inference is on (docs/metrics.md, "Inferred replies")."""
    profile = found.profile
    if found.inferred:
        return profile.listening_ratio_inferred, profile.replies + profile.inferred_replies
    return profile.listening_ratio, profile.replies


def _inferred_line(found: MemberProfile) -> str:
    """Says that replies and listening include inferred replies, when they do."""
    count = found.profile.inferred_replies if found.inferred else 0
    if not count:
        return ""
    return (
        f"Replies and listening include {plural(count, 'reply', 'replies')} "
        "inferred from the flow of conversation."
    )


def days_ago(day: date, today: date) -> str:
    """How long ago a local day was, as people say it: "today", "yesterday", "3 days ago"."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{plural(days, 'day')} ago"


def _dated(day: date, today: date) -> str:
    return f"{day.isoformat()} ({days_ago(day, today)})"


def joined_text(found: MemberProfile) -> str:
    """The join day, or why it is not known."""
    if found.joined is not None:
        return _dated(found.joined, found.today)
    if found.first_message is not None:
        # Only imported history can show a member's messages without their join: the
        # live bot records the join Discord reports with their first message.
        return "Unknown: the imported history shows no join"
    return "Unknown: before Ascolto arrived"


def first_message_text(found: MemberProfile) -> str:
    """The day of the member's first message that counts here, or "none yet"."""
    if found.first_message is None:
        return "None yet"
    return _dated(found.first_message, found.today)


def standing_lines(found: MemberProfile) -> str:
    """For a manager: whether the member is a newcomer and whether they are counted as a
    broadcaster this week, with what might help."""
    lines = []
    if found.newcomer:
        if found.joined is not None:
            since = f"joined {days_ago(found.joined, found.today)}"
        else:
            assert found.first_message is not None  # a newcomer without a join has posted
            since = f"first message {days_ago(found.first_message, found.today)}, join unknown"
        if found.first_message is None:
            since += ", no message yet"
        lines.append(f"🌱 **Newcomer** ({since}): a welcome or a reply now matters most.")
    if found.broadcaster:
        profile = found.profile
        ratio = _listening(found)[0]
        listening = "—" if ratio is None else f"{ratio:.0%}"
        lines.append(
            f"📣 **Broadcaster this week**: {plural(profile.messages, 'message')}, "
            f"listening ratio {listening}. An invitation into a conversation may help."
        )
    if not lines:
        lines.append("Not a newcomer, and not a broadcaster this week.")
    return "\n".join(lines)


def own_week_line(found: MemberProfile) -> str:
    """For the member: a gentle line when this week makes them a broadcaster, else ""."""
    if not found.broadcaster:
        return ""
    profile = found.profile
    listened = _listening(found)[1] + profile.reactions_given
    return (
        f"You posted {plural(profile.messages, 'message')} and replied or reacted "
        f"{plural(listened, 'time')} this week: others' questions are waiting, see /inbox."
    )
