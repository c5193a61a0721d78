"""Pydantic models for ``shopkpi.yaml``.

Every setting the derivations use lives here, with the field's convention as the default
(see shared FIELD.md §2). Models are frozen: code reads settings, it never mutates them.
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shopkpi.insights.config import InsightsConfig
from shopkpi.qa.config import QAConfig

_SHOP_ID = re.compile(r"^[A-Za-z0-9_\-]+$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Platform(StrEnum):
    taobao = "taobao"
    tmall = "tmall"
    jd = "jd"
    pdd = "pdd"
    douyin = "douyin"
    other = "other"


class AttributionAnchor(StrEnum):
    """下单判定 / 付款判定 / 下单优先判定."""

    order_created = "order_created"
    order_paid = "order_paid"
    order_first = "order_first"


class AttributionPicker(StrEnum):
    """末次接待 / 首次接待."""

    last_touch = "last_touch"
    first_touch = "first_touch"


class InquiryWindow(StrEnum):
    """询单有效时长: the classic same-or-previous-day rule, or N hours."""

    same_or_previous_day = "same_or_previous_day"
    hours = "hours"


class TouchRule(StrEnum):
    """What counts as an agent touching (接待) a buyer, for order attribution.

    Either way the touch is a human agent message (never an auto-reply), timed at its
    ``sent_at`` and credited to its ``staff_id``.
    """

    agent_message = "agent_message"  # any human agent message to the buyer
    reception = "reception"  # only on a day the buyer also wrote to that account (platform 接待)


class ConversionBasis(StrEnum):
    """Which orders convert an inquiry (询单→下单/付款转化).

    ``credited``: orders credited to the inquiry's agent by the attribution rule (落实下单/
    落实付款; the platform's 客服绩效 report). ``buyer``: any order of the buyer, so an
    inquiry with two agents converts for both.
    """

    credited = "credited"
    buyer = "buyer"


class DaysWorkedBasis(StrEnum):
    """What makes a day worked (上班天数).

    ``chat``: a day with a human agent message (the platform's 上班天数); staff who never
    chat count their roster shifts. ``shift``: a day with a roster shift; staff without any
    shift rows count the days they sent a human message.
    """

    chat = "chat"
    shift = "shift"


class OutOfHoursRule(StrEnum):
    """How a reply round opened outside service hours is measured."""

    from_next_opening = "from_next_opening"
    exclude = "exclude"


class ServiceWindow(_Frozen):
    start: time = time(8, 0)
    end: time = time(23, 59, 59)


class ServiceHours(_Frozen):
    """Service hours of a shop (default 08:00–24:00 every day)."""

    windows: list[ServiceWindow] = Field(default_factory=lambda: [ServiceWindow()])
    days_off: list[date] = Field(default_factory=list)
    out_of_hours: OutOfHoursRule = OutOfHoursRule.from_next_opening


class ShopConfig(_Frozen):
    id: str
    name: str
    platform: Platform = Platform.taobao
    timezone: str = "Asia/Shanghai"
    seller_nick: str | None = None
    service_hours: ServiceHours = Field(default_factory=ServiceHours)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _SHOP_ID.match(value):
            raise ValueError("shop id may contain only letters, digits, '_' and '-'")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from exc
        return value


class SessionSettings(_Frozen):
    """Chat session and reply-round rules (GLOSSARY: 会话, 回合)."""

    idle_minutes: int = Field(10, ge=1, le=24 * 60)
    round_cap_seconds: int = Field(600, ge=1)
    slow_seconds: int = Field(120, ge=1)
    slow_reception_min_rounds: int = Field(3, ge=1)
    long_session_minutes: int = Field(30, ge=1)
    within_seconds: int = Field(180, ge=1)
    aftersale_days: int = Field(21, ge=0)
    auto_reply_prefixes: list[str] = Field(
        default_factory=lambda: ["[自动回复]", "【自动回复】", "#"]
    )
    auto_reply_senders: list[str] = Field(default_factory=list)
    filler_phrases: list[str] = Field(
        default_factory=lambda: ["在的", "在呢", "稍等", "亲，在的哦", "您好，在的", "马上为您查询"]
    )
    # Added for sessions (issue 3): a filler is a human reply that, with spaces and
    # punctuation removed, starts with a filler phrase and is at most this long; a longer
    # message carries a real answer ("稍等，我帮您查一下" is a filler, 8 characters).
    filler_max_chars: int = Field(12, ge=1)
    # Added for transfers (issue 3): system lines handing the buyer to another account;
    # group 1 is the new account (千牛: "由 服务助手 转交给 店铺:小王", "A --> B 时间").
    transfer_patterns: list[str] = Field(
        default_factory=lambda: [r"转交给\s*(\S+)", r"-->\s*(\S+)"]
    )


class AttributionSettings(_Frozen):
    """Order attribution (GLOSSARY: anchor × picker, 询单有效时长)."""

    anchor: AttributionAnchor = AttributionAnchor.order_first
    picker: AttributionPicker = AttributionPicker.last_touch
    window: InquiryWindow = InquiryWindow.same_or_previous_day
    window_hours: int | None = Field(None, ge=1, le=24 * 30)
    # Added for attribution (issue 3): which agent messages count as touches.
    touch: TouchRule = TouchRule.agent_message
    deduct_refunds: bool = True
    deduct_postage: bool = False
    payment_buffer_days: int = Field(4, ge=0)
    # Added for conversion (issue 3): credited orders only (platform), or any of the buyer's.
    conversion: ConversionBasis = ConversionBasis.credited

    @model_validator(mode="after")
    def _hours_need_value(self) -> AttributionSettings:
        if self.window is InquiryWindow.hours and self.window_hours is None:
            raise ValueError("window: hours needs window_hours (e.g. 24 or 48)")
        return self


class MetricSettings(_Frozen):
    """Metric rules that are not derivation settings (``metrics:`` in shopkpi.yaml).

    Attributes:
        fcr_days: 问题一次解决: a contact is resolved when the buyer does not come back
            within this many days.
        chase_hours: 催付: a chased order counts as recovered when paid within N hours.
        first_response_target_seconds: the leading-shop 15秒首响 standard.
        days_worked: what makes a day worked (上班天数), see :class:`DaysWorkedBasis`.
    """

    fcr_days: int = Field(3, ge=1, le=90)
    chase_hours: int = Field(24, ge=1, le=24 * 30)
    first_response_target_seconds: int = Field(15, ge=1)
    days_worked: DaysWorkedBasis = DaysWorkedBasis.chat


class EngineSettings(_Frozen):
    """Where data lives and how much memory the warehouse may take."""

    warehouse: str = "warehouse.duckdb"
    database_url: str = "sqlite:///app.db"
    memory_limit: str = "4GB"
    temp_directory: str = ".shopkpi_tmp"
    threads: int | None = Field(None, ge=1)


class IngestSettings(_Frozen):
    """Extra column mappings for the generic adapter (paths relative to the workspace)."""

    mappings: list[str] = Field(default_factory=lambda: ["mappings/*.yaml"])


class WorkspaceConfig(_Frozen):
    """The whole ``shopkpi.yaml``."""

    shops: list[ShopConfig] = Field(min_length=1)
    week_start: str = "monday"
    session: SessionSettings = Field(default_factory=SessionSettings)
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    metrics: MetricSettings = Field(default_factory=MetricSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    qa: QAConfig = Field(default_factory=QAConfig)
    insights: InsightsConfig = Field(default_factory=InsightsConfig)

    @field_validator("week_start")
    @classmethod
    def _check_week_start(cls, value: str) -> str:
        if value not in ("monday", "sunday"):
            raise ValueError("week_start must be monday or sunday")
        return value

    @model_validator(mode="after")
    def _unique_shops(self) -> WorkspaceConfig:
        ids = [s.id for s in self.shops]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate shop id(s): {', '.join(dupes)}")
        return self

    def shop(self, shop_id: str | None = None) -> ShopConfig:
        """The shop with this id, or the first shop when no id is given."""
        if shop_id is None:
            return self.shops[0]
        for shop in self.shops:
            if shop.id == shop_id:
                return shop
        raise KeyError(shop_id)
