"""A member's 7-day profile as an embed (``/member`` and ``/me``)."""

from __future__ import annotations

import discord

from bot.store.profiles import Profile


def profile_embed(name: str, profile: Profile, *, own: bool) -> discord.Embed:
    """Talking, listening, connecting and answering over the last 7 days."""
    ratio = profile.listening_ratio
    title = (
        "Your last 7 days" if own else f"{discord.utils.escape_markdown(name)[:64]}: last 7 days"
    )
    embed = discord.Embed(title=title, colour=discord.Colour.teal())
    embed.add_field(name="Messages", value=str(profile.messages))
    embed.add_field(name="Replies", value=str(profile.replies))
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
    if own:
        embed.set_footer(text="Only you see this. /privacy status shows what is stored about you.")
    return embed
