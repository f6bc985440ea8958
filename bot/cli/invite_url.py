"""``ascolto invite-url``: the link that adds the bot to a server, no token needed."""

from __future__ import annotations

import argparse

from bot.cli._common import CliError
from bot.permissions import invite_url
from bot.render.text import quoted

HELP = "print the link that invites the bot with the permissions and scopes it needs"


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``ascolto invite-url``."""
    parser.add_argument(
        "--client-id",
        required=True,
        metavar="ID",
        help="the application's id (developer portal, General Information, Application ID)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the invite link."""
    text = str(args.client_id).strip()
    if not (text.isdigit() and 17 <= len(text) <= 20):
        raise CliError(
            f"--client-id {quoted(args.client_id)} is not an application id: 17 to 20 digits, "
            "from the developer portal's General Information page"
        )
    print(invite_url(int(text)))
    return 0
