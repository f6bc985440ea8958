"""What a page's address may say, checked: a guild id, a day or a range, a sort key.

A mistake is a :class:`PageError` that names what was expected; the app shows it as a
400 or 404 page in the dashboard's layout (bot/dashboard/app.py), never a traceback.
Empty fields count as not given: a GET form sends ``from=&to=`` when left blank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.analysis.days import parse_day
from bot.render.text import quoted
from bot.settings import MAX_ID
from bot.summaries import MAX_DAYS


class PageError(Exception):
    """A request the dashboard cannot answer: ``status``, a title and what to do instead."""

    status = 400

    def __init__(self, title: str, detail: str) -> None:
        super().__init__(f"{title}: {detail}")
        self.title = title
        self.detail = detail


class BadRequest(PageError):
    """A parameter that is not what the page takes (400)."""

    status = 400


class NotFound(PageError):
    """No such page, guild or export (404)."""

    status = 404


@dataclass(frozen=True, slots=True)
class AskedDays:
    """The days an address asked for: one day, a range, or nothing (the page's default)."""

    first: date | None
    last: date | None

    @property
    def given(self) -> bool:
        """Whether the address named days at all."""
        return self.first is not None


def guild_id(text: str) -> int:
    """The ``{guild}`` of an address: a server id, 1 to 2^63 - 1."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID)):
        number = int(text)
        if 1 <= number <= MAX_ID:
            return number
    raise BadRequest(
        "Not a server id",
        f"{quoted(text)} is not a server id: expected a whole number from 1 to {MAX_ID}, "
        "as listed on the first page.",
    )


def _value(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name, "").strip()
    return value or None


def _day(text: str, name: str) -> date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise BadRequest(f"Bad {name}", f"{name}: {exc}.") from None


def asked_days(query: Mapping[str, str]) -> AskedDays:
    """``day=D``, or ``from=D1&to=D2`` (both, D1 not after D2, at most MAX_DAYS days), or
    none of them."""
    day, first, last = _value(query, "day"), _value(query, "from"), _value(query, "to")
    if day is not None and (first is not None or last is not None):
        raise BadRequest("Too many days", "Give either a day, or a first and a last day.")
    if day is not None:
        one = _day(day, "day")
        return AskedDays(one, one)
    if first is None and last is None:
        return AskedDays(None, None)
    if first is None or last is None:
        given, missing = ("from", "to") if first is not None else ("to", "from")
        raise BadRequest(
            "Half a range", f"{given} needs {missing} as well: give the first and the last day."
        )
    start, end = _day(first, "from"), _day(last, "to")
    if start > end:
        raise BadRequest(
            "Range backwards", f"from {start} is after to {end}: the first day comes first."
        )
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise BadRequest(
            "Range too long", f"{start} to {end} is {days:,} days: at most {MAX_DAYS} at a time."
        )
    return AskedDays(start, end)


def choice(query: Mapping[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    """A parameter that must be one of ``allowed`` (``default`` when absent)."""
    value = _value(query, name)
    if value is None:
        return default
    if value not in allowed:
        raise BadRequest(
            f"Bad {name}", f"{name} {quoted(value)} is not one of: {', '.join(allowed)}."
        )
    return value


SEARCH_CHARS = 100


def search(query: Mapping[str, str]) -> str:
    """The ``q`` of a search form, at most :data:`SEARCH_CHARS` characters."""
    value = _value(query, "q") or ""
    if len(value) > SEARCH_CHARS:
        raise BadRequest("Search too long", f"Search for at most {SEARCH_CHARS} characters.")
    return value


def page_number(query: Mapping[str, str], pages: int) -> int:
    """The ``page`` of a long table, 1 to ``pages`` (1 when absent)."""
    value = _value(query, "page")
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit() and len(value) <= 9 and 1 <= int(value) <= pages):
        raise BadRequest(
            "Bad page", f"page {quoted(value)} is not one of the pages: 1 to {pages:,}."
        )
    return int(value)
