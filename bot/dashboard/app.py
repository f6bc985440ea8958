"""The dashboard as an aiohttp application: routes, the guards every response passes
through, and the page that any mistake becomes.

Every response carries a Content-Security-Policy that allows nothing but this server's
own stylesheet, images and forms (no script at all, no other origin, no framing),
``nosniff`` and ``no-referrer``. A bad address or parameter is a 400 or 404 page in
the dashboard's layout that says what was expected; an unexpected failure is a 500
page, its traceback only in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from urllib.parse import urlencode

from aiohttp import web

from bot.dashboard import pages, render
from bot.dashboard.auth import COOKIE, SESSION_SECONDS, Gate
from bot.dashboard.config import CONFIG, DATA, GATE, PEOPLE, DashboardConfig
from bot.dashboard.data import DashboardData
from bot.dashboard.params import PageError
from bot.dashboard.people import PeopleData
from bot.dashboard.warm import WARMED, keep_warm
from bot.store.readonly import ReadOnlyStore

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Without a password the dashboard answers only to this machine's own names: a page
# of another site that points its own name at 127.0.0.1 (DNS rebinding) gets nothing.
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
OPEN_PATHS = frozenset({"/login", "/static/dashboard.css", "/static/favicon.svg"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(config: DashboardConfig) -> web.Application:
    """The dashboard's application; the database opens (read-only) when it starts."""
    # An address typed with a trailing slash (/g/1/members/) is redirected without it.
    trailing = web.normalize_path_middleware(append_slash=False, remove_slash=True)
    app = web.Application(middlewares=[_errors, trailing, _local_only, _login_required])
    app[CONFIG] = config
    app[GATE] = Gate(config.password, config.secret, config.sleep)
    app[render.TEMPLATES] = render.environment()
    app.router.add_get("/static/dashboard.css", _static("dashboard.css", "text/css"))
    # Named by every page, so that a browser does not ask for /favicon.ico (a 404).
    app.router.add_get("/static/favicon.svg", _static("favicon.svg", "image/svg+xml"))
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    pages.add_routes(app.router)
    app.cleanup_ctx.append(_store)
    app.on_response_prepare.append(_headers)
    return app


def _static(name: str, content_type: str) -> Handler:
    """A handler serving the package's ``static/name``, read once."""
    body = resources.files("bot.dashboard").joinpath("static", name).read_bytes()

    async def handler(_: web.Request) -> web.Response:
        response = web.Response(body=body, content_type=content_type, charset="utf-8")
        response.headers["Cache-Control"] = "max-age=3600"
        return response

    return handler


async def _store(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    store = ReadOnlyStore(config.database)
    await store.open()
    app[DATA] = data = DashboardData(store, config.rules, config.clock)
    app[PEOPLE] = PeopleData(data)
    app[WARMED] = asyncio.Event()
    warming = None
    if config.warm_every is not None:
        warming = asyncio.create_task(keep_warm(app, config.warm_every), name="dashboard-warm")
    try:
        yield
    finally:
        if warming is not None:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
        await store.close()


async def _headers(_: web.Request, response: web.StreamResponse) -> None:
    """Every response, pages, pictures, files, redirects and errors alike, as it is sent."""
    response.headers.update(SECURITY_HEADERS)
    # Pages hold members' names: no cache keeps them (the stylesheet says otherwise).
    response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except PageError as exc:
        return render.error(request, exc.status, exc.title, exc.detail)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        if exc.status == 404:
            return render.error(
                request,
                404,
                "No such page",
                f"{request.path} is not a page of this dashboard: start from the list of servers.",
            )
        if exc.status == 405:
            return render.error(
                request, 405, "Not here", f"{request.method} is not how {request.path} is used."
            )
        return render.error(request, exc.status, exc.reason, exc.text or exc.reason)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("dashboard: %s %s failed", request.method, request.path)
        return render.error(
            request,
            500,
            "Something went wrong",
            "The page could not be made; the dashboard's log says why. Try again, or go "
            "back to the list of servers.",
        )


@web.middleware
async def _local_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.app[GATE].required and request.url.host not in LOCAL_NAMES:
        return render.error(
            request,
            403,
            "Only on this machine",
            "Without a password this dashboard answers only at 127.0.0.1 or localhost.",
        )
    return await handler(request)


@web.middleware
async def _login_required(request: web.Request, handler: Handler) -> web.StreamResponse:
    gate = request.app[GATE]
    if (
        gate.required
        and request.path not in OPEN_PATHS
        and not gate.valid(request.cookies.get(COOKIE))
    ):
        raise web.HTTPSeeOther(f"/login?{urlencode({'next': request.path_qs})}")
    return await handler(request)


def _local_page(target: object) -> str:
    """Where to go after logging in: the page first asked for, when it is one of this
    dashboard's (a path, never another site's address); else the list of servers."""
    if (
        isinstance(target, str)
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and not target.startswith("/login")
    ):
        return target
    return "/"


async def login_page(request: web.Request) -> web.StreamResponse:
    """The login form (only when a password is set)."""
    if not request.app[GATE].required:
        raise web.HTTPSeeOther("/")
    return render.page(
        request, "login.html", title="Log in", next=_local_page(request.query.get("next"))
    )


async def login(request: web.Request) -> web.StreamResponse:
    """Check the password: a session cookie and the servers' list, or the form again."""
    gate = request.app[GATE]
    if not gate.required:
        raise web.HTTPSeeOther("/")
    form = await request.post()
    given = form.get("password")
    if not isinstance(given, str) or not await gate.check(given):
        return render.page(
            request,
            "login.html",
            status=401,
            title="Log in",
            wrong=True,
            failures=gate.failures,
            next=_local_page(form.get("next")),
        )
    response = web.HTTPSeeOther(_local_page(form.get("next")))
    response.set_cookie(
        COOKIE,
        gate.session(),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Strict",
        path="/",
    )
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    response = web.HTTPSeeOther("/login" if request.app[GATE].required else "/")
    response.del_cookie(COOKIE, path="/")
    raise response
