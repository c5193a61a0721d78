"""Shared fixtures: a fresh workspace per test, and helpers to write export files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shopkpi.workspace import Workspace


def _shared_data() -> Path:
    """shared/data beside the checkout (../shared/data), or where SHOPKPI_SHARED_DATA says."""
    candidates = [
        os.environ.get("SHOPKPI_SHARED_DATA", ""),
        str(Path(__file__).resolve().parents[2] / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path(candidates[1])


SHARED_DATA = _shared_data()
# CI sets SHOPKPI_REQUIRE_SERVICES=1: marked tests must then run, never skip.
REQUIRE_SERVICES = os.environ.get("SHOPKPI_REQUIRE_SERVICES") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` unless CI demands the service, in which case fail."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)


FULL_TESTS = os.environ.get("SHOPKPI_FULL_TESTS") == "1" or REQUIRE_SERVICES


def _postgres_up() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _spark_ready() -> bool:
    import importlib.util
    import shutil

    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


def _chromium_ready() -> bool:
    return Path("/usr/bin/chromium").exists()


def _libreoffice_ready() -> bool:
    import shutil

    return shutil.which("soffice") is not None


_SERVICE_CHECKS = {
    "postgres": (_postgres_up, "PostgreSQL is not reachable on 127.0.0.1:5432"),
    "spark": (_spark_ready, "PySpark or Java is not installed"),
    "browser": (_chromium_ready, "Chromium is not installed at /usr/bin/chromium"),
    "libreoffice": (_libreoffice_ready, "LibreOffice (soffice) is not installed"),
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Marked tests skip with a reason locally and are mandatory in CI."""
    for name, (check, reason) in _SERVICE_CHECKS.items():
        if item.get_closest_marker(name) is not None:
            require(check(), reason)
    if item.get_closest_marker("slow") is not None and not FULL_TESTS:
        pytest.skip("slow test: set SHOPKPI_FULL_TESTS=1 to run it (CI does)")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """An initialised workspace in a temp folder (shop id ``demo``, timezone Asia/Shanghai)."""
    workspace = Workspace.init(tmp_path / "ws", shop_id="demo", shop_name="示例旗舰店")
    yield workspace
    workspace.close()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text (CRLF by default, GBK by default) or bytes to a file and return its path."""

    def _write(name: str, content: str | bytes, encoding: str = "gbk", crlf: bool = True) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = content.replace("\r\n", "\n")
            if crlf:
                text = text.replace("\n", "\r\n")
            path.write_bytes(text.encode(encoding))
        return path

    return _write


def snapshot(ws: Workspace, tables: list[str] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every canonical data table, sorted, for before/after comparisons."""
    from shopkpi.warehouse.schema import TABLES

    names = tables or [t.name for t in TABLES.values() if t.lineage]
    names += ["quarantine", "import_overwrite"] if tables is None else []
    con = ws.warehouse.con
    return {n: sorted(con.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
