"""The managers' ``/config`` commands (Manage Server), replies private to the manager."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.analysis.digest_plan import parse_post_time
from bot.analysis.nudge_plan import QuietHours
from bot.app import AscoltoBot
from bot.clock import utcnow
from bot.errors import UserError
from bot.render.text import plural
from bot.settings import MAX_ALERT_MINUTES, MIN_ALERT_MINUTES, validate_timezone
from cogs._checks import require_manage_guild
from cogs._respond import answer, thinking, waiting_note

LoggableChannel = (
    discord.TextChannel
    | discord.ForumChannel
    | discord.VoiceChannel
    | discord.StageChannel
    | discord.Thread
)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(commands.GroupCog, group_name="config"):
    """Server settings for Ascolto (Manage Server).

    Each command checks its options first, so that a mistake is refused at once, then
    answers "thinking…" before it touches the store: even a one-row change waits for the
    store's write lock, which an import or a large deletion can hold for seconds.
    """

    def __init__(self, bot: AscoltoBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[AscoltoBot]) -> bool:  # type: ignore[override]
        """Check Manage Server again when a command runs, whatever the server's overrides."""
        return require_manage_guild(interaction)

    @app_commands.command(name="exclude")
    @app_commands.describe(channel="The channel (or thread) to stop logging")
    async def exclude(
        self, interaction: discord.Interaction[AscoltoBot], channel: LoggableChannel
    ) -> None:
        """Stop logging a channel and its threads, and delete what was stored from it."""
        guild_id = _guild_id(interaction)
        if channel.id in self.bot.policy.excluded_channels(guild_id):
            raise UserError(f"{channel.mention} is already excluded. `/config show` lists them.")
        await thinking(interaction)
        deleted = await self.bot.policy.exclude_channel(
            guild_id, channel.id, on_busy=waiting_note(interaction, "exclusion")
        )
        await answer(
            interaction,
            f"{channel.mention} is no longer logged; {plural(deleted, 'stored message')} "
            f"from it {'was' if deleted == 1 else 'were'} deleted. `/config include` logs it "
            "again.",
        )

    @app_commands.command(name="include")
    @app_commands.describe(channel="The excluded channel (or thread) to log again")
    async def include(
        self, interaction: discord.Interaction[AscoltoBot], channel: LoggableChannel
    ) -> None:
        """Log an excluded channel again, from now on."""
        guild_id = _guild_id(interaction)
        if channel.id not in self.bot.policy.excluded_channels(guild_id):
            raise UserError(f"{channel.mention} is not excluded, so it is already logged.")
        await thinking(interaction)
        # False only if another manager included it meanwhile: it is logged either way.
        await self.bot.policy.include_channel(
            guild_id, channel.id, on_busy=waiting_note(interaction, "change")
        )
        await answer(interaction, f"{channel.mention} is logged again from now on.")

    digest = app_commands.Group(name="digest", description="The automated daily digest")

    @digest.command(name="set")
    @app_commands.describe(
        channel="Where the digest is posted",
        time="Local time of day to post it, as HH:MM (24-hour), e.g. 09:00",
        timezone="IANA time zone name, e.g. Europe/Rome (default: as before, else the bot's)",
        show_people="List top connectors and broadcasters by name (default: as before, else no)",
    )
    async def digest_set(
        self,
        interaction: discord.Interaction[AscoltoBot],
        channel: discord.TextChannel,
        time: str,
        timezone: str | None = None,
        show_people: bool | None = None,
    ) -> None:
        """Post a daily digest of yesterday's conversations in a channel, at a local time."""
        guild_id = _guild_id(interaction)
        try:
            post_time = parse_post_time(time)
            if timezone:  # a zone already in force was checked when it was set
                validate_timezone(timezone)
        except ValueError as exc:
            raise UserError(f"{_sentence(exc)}. Nothing was changed.") from None
        me = channel.guild.me
        needed = discord.Permissions(send_messages=True, embed_links=True, attach_files=True)
        if not channel.permissions_for(me).is_superset(needed):
            raise UserError(
                f"I cannot post in {channel.mention}: I need Send Messages, Embed Links and "
                "Attach Files there. Nothing was changed."
            )
        await thinking(interaction)
        current = await self.bot.digests.settings(guild_id)
        # Options left out keep their current value (or the default the first time).
        zone = timezone or (current.timezone if current else self.bot.settings.defaults.timezone)
        if show_people is None:
            show_people = current.show_people if current else False
        hhmm = post_time.strftime("%H:%M")
        due = await self.bot.digests.configure(
            guild_id, channel.id, hhmm, zone, utcnow(), show_people=show_people
        )
        await answer(
            interaction,
            f"The daily digest will be posted in {channel.mention} at {hhmm} ({zone}). "
            f"The next one: {discord.utils.format_dt(due, 'F')}.",
        )

    @digest.command(name="off")
    async def digest_off(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Stop posting the daily digest (summaries are still computed on request)."""
        await thinking(interaction)
        if not await self.bot.digests.disable(_guild_id(interaction)):
            raise UserError("The daily digest is not on. `/config digest set` turns it on.")
        await answer(interaction, "The daily digest is off.")

    alerts = app_commands.Group(
        name="alerts", description="Alerts to the team about unanswered questions and newcomers"
    )

    @alerts.command(name="set")
    @app_commands.describe(
        channel="Where the alerts are posted (a channel the community team reads)",
        after_minutes="Announce a question with no response after this many minutes "
        "(5 to 10080; default: as before, else 120)",
        newcomer_after_minutes="Announce a newcomer's first message with no response after "
        "this many minutes (5 to 10080; default: as before, else 60)",
    )
    async def alerts_set(
        self,
        interaction: discord.Interaction[AscoltoBot],
        channel: discord.TextChannel,
        after_minutes: int | None = None,
        newcomer_after_minutes: int | None = None,
    ) -> None:
        """Announce unanswered questions and newcomers met with silence in a channel."""
        _check_minutes("after_minutes", after_minutes)
        _check_minutes("newcomer_after_minutes", newcomer_after_minutes)
        needed = discord.Permissions(send_messages=True, embed_links=True)
        if not channel.permissions_for(channel.guild.me).is_superset(needed):
            raise UserError(
                f"I cannot post in {channel.mention}: I need Send Messages and Embed Links "
                "there. Nothing was changed."
            )
        await thinking(interaction)
        alerts = await self.bot.reminders.turn_alerts_on(
            _guild_id(interaction),
            channel.id,
            utcnow(),
            after_minutes=after_minutes,
            newcomer_after_minutes=newcomer_after_minutes,
        )
        await answer(
            interaction,
            f"Alerts go to {channel.mention}: a question with no response after "
            f"{alerts.after_minutes} minutes, a newcomer's first message with no response "
            f"after {alerts.newcomer_after_minutes} minutes (a question asked of someone: "
            "after a day at least). They are listed on one board there, kept up to date: "
            f"an item leaves when it gets a response, or after "
            f"{plural(self.bot.reminders.expire_days, 'day')} without one.",
        )

    @alerts.command(name="off")
    async def alerts_off(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Stop the alerts (`/unanswered` still lists what waits)."""
        await thinking(interaction)
        if not await self.bot.reminders.turn_alerts_off(_guild_id(interaction)):
            raise UserError("Alerts are not on. `/config alerts set` turns them on.")
        await answer(
            interaction,
            "Alerts are off: at its next check the board says so and stops listing items. "
            "`/unanswered` still lists what waits.",
        )

    inference = app_commands.Group(
        name="inference", description="Replies inferred from the flow of conversation"
    )

    @inference.command(name="on")
    async def inference_on(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Count answers typed without Reply, inferred from the flow of conversation."""
        await self._set_inference(interaction, True)
        await answer(
            interaction,
            "Inference is on: the digest, /summary, /member and /me now count replies "
            "inferred from the flow of conversation (answers typed without Reply), and say "
            "how many they include.",
        )

    @inference.command(name="off")
    async def inference_off(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Count only replies marked with Reply, threads and mentions."""
        await self._set_inference(interaction, False)
        await answer(
            interaction,
            "Inference is off: the digest, /summary, /member and /me now show only replies "
            "marked with Reply, threads and mentions. `/config inference on` counts "
            "inferred replies again.",
        )

    async def _set_inference(
        self, interaction: discord.Interaction[AscoltoBot], enabled: bool
    ) -> None:
        await thinking(interaction)
        await self.bot.inference.set_enabled(
            _guild_id(interaction), enabled, utcnow(), on_busy=waiting_note(interaction, "change")
        )

    @app_commands.command(name="quiet")
    @app_commands.describe(
        start="When quiet hours start, local HH:MM (24-hour), e.g. 22:00",
        end="When they end, local HH:MM, e.g. 07:00; the same as start turns them off",
    )
    async def quiet(
        self, interaction: discord.Interaction[AscoltoBot], start: str, end: str
    ) -> None:
        """Set the hours when the bot sends no DM to members (the server's time zone)."""
        guild_id = _guild_id(interaction)
        try:
            starts, ends = parse_post_time(start), parse_post_time(end)
        except ValueError as exc:
            raise UserError(f"{_sentence(exc)}. Nothing was changed.") from None
        await thinking(interaction)
        if starts == ends:
            await self.bot.reminders.set_quiet_hours(guild_id, None)
            await answer(interaction, "No quiet hours: members' DMs go out at the hour they chose.")
            return
        await self.bot.reminders.set_quiet_hours(guild_id, QuietHours(starts, ends))
        zone = await self.bot.reminders.timezone(guild_id)
        await answer(
            interaction,
            f"Quiet hours: no DM from {start} to {end} ({zone}). A DM due then waits until "
            f"{end}, or the next day.",
        )

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[AscoltoBot]) -> None:
        """Show this server's Ascolto settings."""
        guild_id = _guild_id(interaction)
        await thinking(interaction)
        settings = self.bot.settings
        excluded = sorted(self.bot.policy.excluded_channels(guild_id))
        embed = discord.Embed(title="Ascolto settings for this server")
        digest = await self.bot.digests.settings(guild_id)
        embed.add_field(
            name="Time zone", value=digest.timezone if digest else settings.defaults.timezone
        )
        embed.add_field(
            name="Daily digest",
            value=(
                f"<#{digest.channel_id}> at {digest.post_time}"
                if digest is not None and digest.enabled
                else "off"
            ),
        )
        alerts = await self.bot.reminders.alert_settings(guild_id)
        embed.add_field(
            name="Alerts",
            value=(
                f"<#{alerts.channel_id}> after {alerts.after_minutes} min "
                f"(newcomers {alerts.newcomer_after_minutes} min)"
                if alerts is not None and alerts.enabled
                else "off"
            ),
        )
        quiet = await self.bot.reminders.quiet_hours(guild_id)
        embed.add_field(
            name="Quiet hours (no DMs)",
            value=(f"{quiet.starts:%H:%M} to {quiet.ends:%H:%M}" if quiet is not None else "none"),
        )
        inferring = await self.bot.inference.enabled(guild_id)
        embed.add_field(
            name="Inferred replies",
            value="on: answers typed without Reply count" if inferring else "off",
        )
        embed.add_field(
            name="Message text",
            value=(
                f"kept {plural(settings.privacy.content_retention_days, 'day')}"
                if settings.privacy.store_content
                else "not stored"
            ),
        )
        embed.add_field(
            name="Excluded channels",
            value=", ".join(f"<#{c}>" for c in excluded) if excluded else "none",
            inline=False,
        )
        await answer(interaction, embed=embed)


def _check_minutes(option: str, given: int | None) -> None:
    """A number of minutes for an alert (None: left out), or a clear answer about what is
    expected."""
    if given is not None and not MIN_ALERT_MINUTES <= given <= MAX_ALERT_MINUTES:
        raise UserError(
            f"`{option}` must be a whole number of minutes from {MIN_ALERT_MINUTES} to "
            f"{MAX_ALERT_MINUTES} (7 days), not {given}. Nothing was changed."
        )


def _sentence(error: ValueError) -> str:
    """A refusal's text as the start of a sentence ("Unknown time zone ...")."""
    text = str(error)
    return text[:1].upper() + text[1:]


def _guild_id(interaction: discord.Interaction[AscoltoBot]) -> int:
    assert interaction.guild_id is not None  # guild_only
    return interaction.guild_id


async def setup(bot: AscoltoBot) -> None:
    """Load the managers' configuration commands."""
    await bot.add_cog(Config(bot))
