"""The fixture period's workbook, written once per test and opened with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.report.workbook import write_fixture


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_fixture(tmp_path / "out" / "2026-11.xlsx"))
