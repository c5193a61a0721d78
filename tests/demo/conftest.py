"""A small demo shop shared by the demo tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkpi.demo import DemoFiles, DemoOptions, generate_demo
from shopkpi.demo.history import ShopHistory, simulate

# Three weeks ending 2026-11-22: 双11 falls inside, with ordinary days after it.
SMALL = DemoOptions(staff=10, days=21, scale=0.5, seed=7)


@pytest.fixture(scope="session")
def small_history() -> ShopHistory:
    return simulate(SMALL)


@pytest.fixture(scope="session")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate_demo(tmp_path_factory.mktemp("demo") / "inbox", SMALL)


def only(files: DemoFiles, kind: str) -> Path:
    [file] = files.by_kind(kind)
    return file.path
