"""Ascolto: a Discord bot that helps community managers listen to their community."""

from bot.app import AscoltoBot, create_bot
from bot.settings import Settings

__all__ = ["AscoltoBot", "Settings", "create_bot"]
