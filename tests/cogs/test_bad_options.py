"""Bad options of slash commands: each gets a private answer that says what was
expected, quotes at most a short prefix of what was typed, and fits in a message."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from tests.helpers import answered_at_once, query

DISCORD_LIMIT = 2000
LONG_DAY = "2026-01-01" * 500  # 5,000 characters


def refused(result) -> str:
    """The private answer's text, checked to be one Discord can send."""
    assert result.ephemeral and result.response is not None
    text = result.response.content
    assert 0 < len(text) < DISCORD_LIMIT
    return text


async def test_a_5000_character_day_for_summary_is_quoted_short(simcord_env, simcord_bot, world):
    general, maria = world.general, world.maria

    result = await maria.slash(general, "summary", day=LONG_DAY)

    text = refused(result)
    assert "is not a day written as YYYY-MM-DD, for example 2025-12-31" in text
    assert "(5,000 characters)" in text and len(text) < 200
    assert answered_at_once(result)
    assert [type(e) for e in simcord_env.errors] == [UserError]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
async def test_a_day_outside_discords_time_for_summary_says_which_days_are(
    simcord_env, simcord_bot, world, day
):
    general, maria = world.general, world.maria

    result = await maria.slash(general, "summary", day=day)

    assert f"{day} is outside the days Ascolto knows: give a day from 2015-01-01" in refused(result)
    assert [type(e) for e in simcord_env.errors] == [UserError]


@pytest.mark.parametrize("kind", ["connections", "messages", "summaries"])
@pytest.mark.parametrize(
    ("first", "last"), [("9999-12-31", "9999-12-31"), ("0001-01-01", "2026-01-01")]
)
async def test_export_days_near_the_ends_of_the_calendar_are_refused(
    simcord_env, simcord_bot, world, kind, first, last
):
    general, maria = world.general, world.maria

    result = await maria.slash(
        general, "export", kind=kind, format="csv", **{"from": first, "to": last}
    )

    text = refused(result)
    assert "is outside the days Ascolto knows: give a day from 2015-01-01 to 9998-12-31" in text
    assert not result.response.attachments
    assert [type(e) for e in simcord_env.errors] == [UserError]


async def test_a_long_export_day_is_quoted_short(simcord_env, simcord_bot, world):
    general, maria = world.general, world.maria

    result = await maria.slash(
        general, "export", kind="connections", format="csv", **{"from": LONG_DAY, "to": "x"}
    )

    assert "(5,000 characters) is not a day written as YYYY-MM-DD" in refused(result)
    assert [type(e) for e in simcord_env.errors] == [UserError]


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        pytest.param(
            "Europe/" * 430, "'Europe/Europe/Europe/Europe/Europe/Europ…' (3,010", id="long"
        ),
        pytest.param("localtime", "'localtime'", id="machine-zone"),
        pytest.param("posixrules", "'posixrules'", id="posix-rules"),
        pytest.param("/usr/share/zoneinfo/UTC", "'/usr/share/zoneinfo/UTC'", id="path"),
    ],
)
async def test_a_time_zone_that_is_not_an_iana_name_is_refused(
    simcord_env, simcord_bot, world, db_path, zone, shown
):
    general, maria = world.general, world.maria

    result = await maria.slash(
        general, "config digest set", channel=general, time="09:00", timezone=zone
    )

    text = refused(result)
    assert text.startswith(f"Unknown time zone {shown}")
    assert "expected an IANA name such as Europe/Rome" in text
    assert text.endswith("Nothing was changed.")
    assert answered_at_once(result)
    assert query(db_path, "SELECT count(*) FROM digest_settings") == [(0,)]
    assert [type(e) for e in simcord_env.errors] == [UserError]


async def test_a_long_time_of_day_is_quoted_short(simcord_env, simcord_bot, world, db_path):
    general, maria = world.general, world.maria
    long_time = "09:00" * 1000

    digest = await maria.slash(general, "config digest set", channel=general, time=long_time)
    quiet = await maria.slash(general, "config quiet", start=long_time, end="07:00")

    for result in (digest, quiet):
        text = refused(result)
        assert text.startswith("'09:0009:0009:0009:0009:0009:0009:0009:00…' (5,000 characters)")
        assert "is not a time of day written as HH:MM, for example 09:00" in text
        assert text.endswith("Nothing was changed.")
    assert query(db_path, "SELECT count(*) FROM digest_settings") == [(0,)]
    assert [type(e) for e in simcord_env.errors] == [UserError] * 2
