"""Helpers for the management-page tests (ratings, plans, close, audit)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import login


def as_user(client: TestClient, username: str) -> str:
    """Log in as ``username``; returns the session's CSRF token."""
    assert login(client, username) == 303
    token: str = client.get("/api/v1/csrf").json()["csrf_token"]
    return token


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells in the table with ``table_id``."""
    body = html[html.index(f'id="{table_id}"') :].split("</table>")[0]
    rows = re.findall(r"<tr data-[^>]*>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows]  # fmt: skip


def adopt(client: TestClient, token: str, file: str = "测试售前.yaml") -> int:
    data = {"file": file, "csrf_token": token}
    return client.post("/plans/adopt", data=data, follow_redirects=False).status_code
