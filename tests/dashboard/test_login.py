"""With a password (needed off this machine), every page asks for a login first."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.dashboard import create_app
from bot.dashboard.auth import COOKIE, failure_delay
from tests.dashboard.world import GUILD, config

PASSWORD = "correct horse battery staple"
SORTED = f"/g/{GUILD}/members?sort=messages&order=asc"


async def served(path: Path, sleeps: list[float] | None = None, **options: object) -> TestClient:  # type: ignore[type-arg]
    """A client of the dashboard with a password; ``sleeps`` records each wait."""
    from pydantic import SecretStr

    waits = sleeps if sleeps is not None else []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    app = create_app(config(path, password=SecretStr(PASSWORD), sleep=sleep, **options))
    test_client = TestClient(TestServer(app, host="127.0.0.1"))
    await test_client.start_server()
    return test_client


async def test_every_page_redirects_to_the_login_form_until_logged_in(store_path: Path) -> None:
    c = await served(store_path)
    try:
        for url in (
            "/",
            f"/g/{GUILD}",
            f"/g/{GUILD}/trends.svg",
            f"/g/{GUILD}/export/summaries.csv",
            "/nope",
        ):
            response = await c.get(url, allow_redirects=False)
            back = urlsplit(response.headers["Location"])
            assert (response.status, back.path, parse_qs(back.query)) == (
                303,
                "/login",
                {"next": [url]},
            ), url
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        form = await c.get("/login")
        html = await form.text()
        stylesheet = await c.get("/static/dashboard.css")
    finally:
        await c.close()

    assert form.status == 200
    assert '<form class="login" method="post" action="/login">' in html
    assert 'type="password"' in html
    assert stylesheet.status == 200  # the login page has its style


async def test_the_right_password_gives_a_signed_strict_httponly_cookie(store_path: Path) -> None:
    c = await served(store_path)
    try:
        response = await c.post("/login", data={"password": PASSWORD}, allow_redirects=False)
        cookie = response.cookies[COOKIE]
        header = response.headers["Set-Cookie"]
        after = await c.get("/")
        page = await after.text()
        logout = await c.post("/logout", allow_redirects=False)
        again = await c.get("/", allow_redirects=False)
    finally:
        await c.close()

    assert (response.status, response.headers["Location"]) == (303, "/")
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert PASSWORD not in cookie.value and "." in cookie.value  # signed, not the password
    assert after.status == 200 and "Test guild" in page
    assert '<form class="logout" method="post" action="/logout">' in page
    assert (logout.status, logout.headers["Location"]) == (303, "/login")
    assert again.status == 303


@pytest.mark.parametrize(
    ("asked", "landing"),
    [
        (
            f"/g/{GUILD}/members?sort=messages&order=asc",
            f"/g/{GUILD}/members?sort=messages&order=asc",
        ),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("/login?next=/", "/"),
        ("", "/"),
    ],
)
async def test_logging_in_returns_to_the_page_asked_for_and_never_to_another_site(
    store_path: Path, asked: str, landing: str
) -> None:
    c = await served(store_path)
    try:
        form = await (await c.get("/login", params={"next": asked})).text()
        response = await c.post(
            "/login", data={"password": PASSWORD, "next": asked}, allow_redirects=False
        )
        wrong = await c.post("/login", data={"password": "nope", "next": asked})
        again = await wrong.text()
    finally:
        await c.close()

    hidden = f'<input type="hidden" name="next" value="{html.escape(landing)}">'
    assert hidden in form and hidden in again  # a wrong try keeps the way back
    assert (response.status, response.headers["Location"]) == (303, landing)


async def test_a_forged_or_foreign_cookie_is_not_a_session(store_path: Path) -> None:
    other = await served(store_path)
    try:
        login = await other.post("/login", data={"password": PASSWORD}, allow_redirects=False)
        foreign = login.cookies[COOKIE].value
    finally:
        await other.close()
    c = await served(store_path)
    try:
        for value in ("dashboard", "dashboard.x.y", foreign):
            c.session.cookie_jar.update_cookies({COOKIE: value})
            response = await c.get("/", allow_redirects=False)
            assert response.status == 303, value
    finally:
        await c.close()


async def test_wrong_passwords_wait_longer_each_time_and_the_right_one_resets(
    store_path: Path,
) -> None:
    sleeps: list[float] = []
    c = await served(store_path, sleeps)
    try:
        statuses = []
        for _ in range(4):
            response = await c.post("/login", data={"password": "guess"})
            statuses.append(response.status)
            html = await response.text()
        await c.post("/login", data={"password": PASSWORD}, allow_redirects=False)
        await c.post("/login", data={"password": "guess"})
        missing = await c.post("/login", data={})
    finally:
        await c.close()

    assert statuses == [401] * 4
    assert "Wrong password." in html
    assert sleeps[:4] == [0.5, 1.0, 2.0, 4.0]
    assert sleeps[4] == 0.5  # counted again from the start after a success
    assert missing.status == 401
    assert failure_delay(30) == 30.0  # never more than 30 seconds


async def test_without_a_password_there_is_no_login_and_only_local_names_are_served(
    store_path: Path,
) -> None:
    from tests.dashboard.world import client

    async with client(store_path) as c:
        login = await c.get("/login", allow_redirects=False)
        local = await c.get("/", headers={"Host": "localhost:8080"})
        rebound = await c.get("/", headers={"Host": "evil.example:8080"})
        html = await rebound.text()

    assert (login.status, login.headers["Location"]) == (303, "/")
    assert local.status == 200
    assert rebound.status == 403
    assert "Without a password this dashboard answers only at 127.0.0.1 or localhost." in html
