"""Pages from Jinja2 templates, every one autoescaped: a member's name or message is
text in the page, whatever characters it holds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from bot.dashboard.config import GATE
from bot.render.digest import NO_VALUE, human_duration
from bot.render.text import plural

TEMPLATES = web.AppKey("templates", jinja2.Environment)


def environment() -> jinja2.Environment:
    """The templates shipped in the package, autoescaped whatever their name."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.dashboard", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["count"] = count
    env.filters["percent"] = percent
    env.filters["duration"] = human_duration
    env.globals["plural"] = plural
    env.globals["link"] = link
    env.globals["NO_VALUE"] = NO_VALUE
    env.globals["one_day"] = timedelta(days=1)
    env.globals["week"] = timedelta(days=6)  # a day and the 6 before it
    return env


def count(value: int | None) -> str:
    """A whole number with thousands separators; "—" when unknown."""
    return NO_VALUE if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    """A ratio as a whole percentage; "—" when there is none."""
    return NO_VALUE if value is None else f"{value:.0%}"


def link(path: str, params: Mapping[str, object] | None = None, **more: object) -> str:
    """``path`` with the non-empty ``params`` as its query string."""
    query = {k: str(v) for k, v in {**(params or {}), **more}.items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


def page(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    """A page of the dashboard, in its layout."""
    env = request.app[TEMPLATES]
    html = env.get_template(template).render(
        login=request.app[GATE].required, path=request.path, **context
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def error(request: web.Request, status: int, title: str, detail: str) -> web.Response:
    """A mistake as a page: what went wrong, what was expected, where to go instead."""
    return page(
        request, "error.html", status=status, title=title, status_code=status, detail=detail
    )
