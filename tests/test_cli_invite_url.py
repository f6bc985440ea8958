"""``ascolto invite-url``: exactly the permissions and scopes the bot needs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from tests.helpers import run_cli

CLIENT_ID = "123456789012345678"


def test_the_link_asks_for_exactly_the_bots_permissions_and_scopes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(capsys, "invite-url", "--client-id", CLIENT_ID)

    assert (code, err) == (0, "")
    url = urlsplit(out.strip())
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split()) == {"bot", "applications.commands"}
    granted = discord.Permissions(int(query["permissions"][0]))
    assert {name for name, value in granted if value} == {
        "read_messages",  # View Channels, under its API name
        "read_message_history",
        "send_messages",
        "send_messages_in_threads",
        "embed_links",
        "attach_files",
        "add_reactions",
    }
    assert granted.value == 274878024768  # the figure the README's table adds up to


@pytest.mark.parametrize("bad", ["abc", "123", "12345678901234567890123"])
def test_a_bad_client_id_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    code, out, err = run_cli(capsys, "invite-url", "--client-id", bad)

    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "17 to 20 digits" in err
