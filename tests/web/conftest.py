"""A tiny scored shop (tests/scoring/shop.py) served by the web app, with one login per role.

Shop ``demo`` in 2026-11: daily 客服销售额 on the 1st–15th (4000.50, 3999.50, then 4000 a
day: Σ 60000), a shop target of 100000 → achievement 60% with 15/30 = 50% of the month
gone → ahead. Staff s1 小美 and s2 阿强 (A组, scored by the plan), supervisor b1 (A组),
and s3 老周 in B组 (on the roster, no values).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from shopkpi.appdb import users
from shopkpi.appdb.users import Role
from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.metrics.derived import insert
from tests.scoring.shop import make_shop

PASSWORD = "correct-horse-1"
USERS = {
    "boss": (Role.admin, None),
    "cfo": (Role.finance, None),
    "sup": (Role.supervisor, "b1"),
    "xm": (Role.staff, "s1"),
    "aq": (Role.staff, "s2"),
}
DAILY = [Decimal("4000.50"), Decimal("3999.50")] + [Decimal("4000")] * 13


@dataclass
class Clock:
    """A settable clock (seconds) for session expiry and the login rate limit."""

    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def put_shop_values(ws: Workspace) -> None:
    con = ws.warehouse.con
    start = date(2026, 11, 1)
    for i, amount in enumerate(DAILY):
        day = start + timedelta(days=i)
        con.execute(
            """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
                   period_start, period_end, metric_id, numerator, denominator, value, status)
               VALUES ('demo', 'shop', 'demo', 'day', ?, ?, ?, 'cs_sales', ?, NULL, ?, 'final')""",
            [day.isoformat(), day, day, amount, amount],
        )
    con.execute(
        """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
               period_start, period_end, metric_id, numerator, denominator, value, status)
           VALUES ('demo', 'shop', 'demo', 'month', '2026-11', DATE '2026-11-01',
                   DATE '2026-11-30', 'cs_sales', 60000, NULL, 60000, 'final')"""
    )
    insert(con, "target", [{"entity_kind": "shop", "entity_id": "demo", "period": "2026-11", "metric_id": "cs_sales", "value": Decimal("100000")}])  # fmt: skip
    insert(con, "staff", [{"staff_id": "s3", "name": "老周", "role": "presale_cs", "level": "junior", "team": "B组"}])  # fmt: skip


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with tiny cost parameters: the same algorithm, a fraction of the CPU time."""
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))


@pytest.fixture
def shop(ws: Workspace) -> Workspace:
    make_shop(ws)
    put_shop_values(ws)
    for name, (role, staff) in USERS.items():
        ws.appdb.add_user(name, PASSWORD, role, staff_id=staff, actor="setup")
    return ws


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(shop: Workspace, clock: Clock) -> Iterator[TestClient]:
    shop.close()  # the app opens its own connections to the same files
    app = create_app(shop.root, WebSettings(session_seconds=3600, clock=clock))
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


def embedded_chart(html: str, chart_id: str) -> dict[str, object]:
    """The ECharts option a page embeds for the chart box ``chart_id``."""
    pattern = rf'<script type="application/json" data-chart="{re.escape(chart_id)}">(.*?)</script>'
    found = re.search(pattern, html, re.S)
    if found is None:
        raise AssertionError(f"the page embeds no chart option for {chart_id!r}")
    option: dict[str, object] = json.loads(found.group(1))
    return option


def csrf(client: TestClient, path: str = "/login") -> str:
    """The CSRF token in the form of the page at ``path``."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    """Log in through the form; returns the response status (303 on success)."""
    data = {"username": username, "password": password, "csrf_token": csrf(client)}
    return client.post("/login", data=data, follow_redirects=False).status_code
