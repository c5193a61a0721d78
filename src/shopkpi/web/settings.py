"""Settings of one web-app instance (tests pass a fixed clock and short windows)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WebSettings:
    """Session lifetime, login rate limit and job wait; ``clock`` returns seconds
    (``time.time``)."""

    session_seconds: int = 8 * 3600
    login_failures: int = 5  # failures per username + IP within the window …
    login_window_seconds: int = 300  # … before further attempts are refused
    https_only: bool = False
    job_wait_seconds: float = 2.0  # a page waits this long for a job before showing progress
    clock: Callable[[], float] = field(default=time.time)
