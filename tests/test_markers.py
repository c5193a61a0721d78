"""Marked tests (postgres, spark, browser) skip locally with a reason and fail in CI."""

from __future__ import annotations

import pytest

from tests import conftest


def test_missing_service_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL is down"):
        conftest.require(False, "PostgreSQL is down")


def test_missing_service_fails_when_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "REQUIRE_SERVICES", True)
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        conftest.require(False, "PostgreSQL is down")


def test_available_service_runs() -> None:
    conftest.require(True, "never shown")  # returns without skipping


@pytest.mark.postgres
def test_postgres_marker_reaches_the_local_server() -> None:
    """The marker's own check: a real TCP handshake with 127.0.0.1:5432."""
    import socket

    with socket.create_connection(("127.0.0.1", 5432), timeout=2) as sock:
        assert sock.getpeername()[1] == 5432
