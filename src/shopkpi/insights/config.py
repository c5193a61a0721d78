"""``insights:`` in shopkpi.yaml: the promotion calendar and the anomaly thresholds."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shopkpi.insights.anomaly import AnomalySettings

_DAY = re.compile(r"^(\d{4}-)?\d{2}-\d{2}$")


class InsightsConfig(BaseModel):
    """Anomaly detection settings (``insights:`` in shopkpi.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    promotions: list[str] = Field(
        default_factory=lambda: ["06-18", "11-11", "12-12"],
        description="Promotion days (大促日): MM-DD every year, or YYYY-MM-DD once. They never "
        "count as a normal day's history and are judged only against earlier promotion days.",
    )
    weeks: int = Field(4, ge=1, le=12, description="Weeks of same-weekday history in a baseline.")
    threshold: float = Field(3.5, gt=0, description="|robust score| that counts as an anomaly.")
    min_relative_change: float = Field(
        0.10, ge=0, description="…and at least this relative change from the baseline."
    )

    @field_validator("promotions")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _DAY.match(v)]
        if bad:
            raise ValueError(f"promotions: {bad} 不是 MM-DD 或 YYYY-MM-DD")
        return value

    def anomaly(self) -> AnomalySettings:
        return AnomalySettings(
            weeks=self.weeks,
            threshold=self.threshold,
            min_relative_change=self.min_relative_change,
            promotions=tuple(self.promotions),
        )
