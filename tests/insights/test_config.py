"""``insights:`` in shopkpi.yaml: the promotion calendar and anomaly thresholds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shopkpi.errors import ShopkpiError
from shopkpi.workspace import Workspace


def with_insights(root: Path, text: str) -> Workspace:
    config = root / "shopkpi.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\ninsights:\n" + text, encoding="utf-8")
    return Workspace(root)


def test_the_promotion_calendar_reaches_the_anomaly_settings(ws: Workspace) -> None:
    ws2 = with_insights(ws.root, '  promotions: ["11-11", "2026-08-08"]\n  weeks: 6\n')
    settings = ws2.config.insights.anomaly()
    assert (settings.weeks, settings.promotions) == (6, ("11-11", "2026-08-08"))
    assert settings.is_promotion(date(2026, 8, 8)) and not settings.is_promotion(date(2027, 8, 8))
    assert not settings.is_promotion(date(2026, 6, 18))  # replaced, not added to


def test_a_bad_day_is_refused(ws: Workspace) -> None:
    with pytest.raises(ShopkpiError, match="不是 MM-DD 或 YYYY-MM-DD"):
        with_insights(ws.root, '  promotions: ["双11"]\n')
