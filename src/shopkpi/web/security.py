"""Session, CSRF and login rate-limit helpers (DESIGN §9).

The session is Starlette's signed cookie (itsdangerous); it holds the username, the login
time (checked against ``WebSettings.session_seconds`` on every request) and a CSRF token
that every form posts back.
"""

from __future__ import annotations

import hmac
import secrets
from collections import defaultdict, deque
from collections.abc import MutableMapping
from typing import Any

from shopkpi.web.settings import WebSettings

CSRF_KEY = "csrf"


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_KEY] = token
    return token


def csrf_ok(session: MutableMapping[str, Any], sent: str | None) -> bool:
    expected = session.get(CSRF_KEY)
    return isinstance(expected, str) and sent is not None and hmac.compare_digest(expected, sent)


class LoginLimiter:
    """At most ``login_failures`` failed logins per (username, IP) in a sliding window."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def blocked(self, username: str, ip: str) -> bool:
        return len(self._recent((username, ip))) >= self.settings.login_failures

    def failed(self, username: str, ip: str) -> None:
        self._recent((username, ip)).append(self.settings.clock())

    def succeeded(self, username: str, ip: str) -> None:
        self._failures.pop((username, ip), None)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures[key]
        horizon = self.settings.clock() - self.settings.login_window_seconds
        while times and times[0] <= horizon:
            times.popleft()
        return times
