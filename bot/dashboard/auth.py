"""The dashboard's login, needed when it listens beyond this machine.

One password (``[dashboard] password``). A correct one gets a session cookie signed
with a key made at start-up (so a restart logs everyone out), ``HttpOnly`` (no script
reads it) and ``SameSite=Strict`` (no other site's page sends it, which also stops
forged form posts). It cannot be ``Secure``: the dashboard speaks plain HTTP; put it
behind an HTTPS proxy to use it across a network you do not trust (README).

A wrong password waits before the answer, twice as long at each failure in a row
(0.5 s, 1 s, 2 s ... up to 30 s), one attempt at a time, so guessing is slow; a
correct one resets the count. The wait is injected, so tests count it without sleeping.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable

from itsdangerous import BadSignature, TimestampSigner
from pydantic import SecretStr

COOKIE = "ascolto_session"
SESSION_SECONDS = 12 * 3600  # a login lasts this long
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 30.0
_SESSION_VALUE = b"dashboard"

Sleep = Callable[[float], Awaitable[object]]


def failure_delay(failures: int) -> float:
    """How long the answer to the ``failures``-th wrong password in a row waits."""
    return float(min(FIRST_DELAY_SECONDS * 2 ** (failures - 1), MAX_DELAY_SECONDS))


class Gate:
    """Checks the password and the session cookies made from it."""

    def __init__(self, password: SecretStr | None, secret: bytes, sleep: Sleep) -> None:
        self.password = password
        self._signer = TimestampSigner(secret, salt="ascolto-dashboard-session")
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self.failures = 0

    @property
    def required(self) -> bool:
        """Whether pages need a login at all (a password is set)."""
        return self.password is not None

    def session(self) -> str:
        """A new session cookie's value."""
        return self._signer.sign(_SESSION_VALUE).decode("ascii")

    def valid(self, cookie: str | None, max_age: int = SESSION_SECONDS) -> bool:
        """Whether ``cookie`` is a session this process signed, at most ``max_age`` old."""
        if not cookie:
            return False
        try:
            return self._signer.unsign(cookie, max_age=max_age) == _SESSION_VALUE
        except BadSignature:  # also expired (SignatureExpired is one)
            return False

    async def check(self, given: str) -> bool:
        """Whether ``given`` is the password; a wrong one waits first (see the module)."""
        if self.password is None:
            return True
        async with self._lock:
            expected = self.password.get_secret_value().encode("utf-8")
            if hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected):
                self.failures = 0
                return True
            self.failures += 1
            await self._sleep(failure_delay(self.failures))
            return False
