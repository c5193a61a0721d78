"""Scorecards and pay lines as plain JSON-ready records (``score --format json``, exports).

Decimals become strings (exact: ``"90.40"``), enums their values, dataclasses dicts.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from decimal import Decimal
from enum import Enum
from typing import Any


def plain(obj: Any) -> Any:
    """``obj`` with every Decimal, enum, tuple and dataclass made JSON-serialisable."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(plain(k)): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return f"{obj:f}"
    return obj
