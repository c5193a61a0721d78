"""The demo shop's domain objects: people, goods, buyers, chats, orders, refunds, evaluations.

All times are naive Beijing wall-clock times, as every platform export writes them.
Money is :class:`~decimal.Decimal` with two places; ids are strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from shopkpi.demo.options import SHOP_NAME

ZERO = Decimal("0.00")


class Role(StrEnum):
    """角色 as the roster writes it."""

    presale = "售前"
    aftersale = "售后"
    supervisor = "主管"


class Level(StrEnum):
    """级别 as the roster writes it."""

    junior = "初级"
    senior = "高级"
    lead = "组长"


@dataclass(frozen=True)
class Traits:
    """How an agent behaves; the differences a supervisor should see in the KPIs.

    Attributes:
        profile: a label (volume, premium, fast, slow, careless, steady).
        reply_seconds: typical human reply delay.
        capacity: share of incoming buyers relative to peers (volume sellers > 1).
        upsell: basket size and price tendency (high-price sellers > 1).
        conversion: chance that a served pre-sale buyer orders.
        miss_rate: chance to leave a buyer without any human reply (careless).
        eval_penalty: shifts service evaluations towards 不满意.
        forbidden_rate: chance per chat to use an absolute advertising term (最好, 第一…).
        slow_from: from this day on, human replies take ``slow_factor`` times as long (the
            demo's planted slowdown, issue 7); None for everyone else.
        slow_factor: see ``slow_from``.
    """

    profile: str
    reply_seconds: float
    capacity: float
    upsell: float
    conversion: float
    miss_rate: float
    eval_penalty: float
    forbidden_rate: float
    slow_from: dt.date | None = None
    slow_factor: float = 1.0

    def reply_factor(self, day: dt.date) -> float:
        """How many times slower than usual this agent replies on ``day``."""
        return self.slow_factor if self.slow_from is not None and day >= self.slow_from else 1.0


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    nick: str  # 客服名: the part after ``店铺名:``
    role: Role
    level: Level
    team: str
    supervisor: str  # the supervisor's name; blank for supervisors
    hired_on: dt.date
    left_on: dt.date | None
    base_salary: Decimal
    bonus_base: Decimal
    account_id: str  # 生意参谋 accountId
    traits: Traits

    @property
    def account(self) -> str:
        """The sub-account, ``店铺名:客服名``."""
        return f"{SHOP_NAME}:{self.nick}"


@dataclass(frozen=True)
class Shift:
    staff: Staff
    day: dt.date
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Sku:
    props: str  # 商品属性, e.g. 颜色分类:黑色;尺码:XL
    outer_id: str  # 商家编码
    color: str
    size: str


@dataclass(frozen=True)
class Product:
    item_id: str
    title: str
    short: str  # what buyers call it in chat
    category: str
    price: Decimal
    outer_id: str
    skus: tuple[Sku, ...]
    popularity: float


@dataclass(frozen=True)
class Buyer:
    nick: str  # as every export shows it (some are masked, e.g. t**8)
    buyer_id: str  # numeric id in 生意参谋's dataId
    receiver: str
    phone: str
    alipay: str
    address: str  # 省 市 区 详细地址(邮编)
    city: str


class Side(StrEnum):
    """Who a chat line comes from."""

    buyer = "buyer"
    agent = "agent"
    auto = "auto"  # auto-reply, text starts with [自动回复]
    system = "system"  # 千牛 system line (only the copy-paste text shows it)
    transfer = "transfer"  # ``A --> B`` hand-over (only the copy-paste text shows it)


@dataclass(frozen=True)
class Message:
    at: dt.datetime
    side: Side
    agent: Staff  # the account on the shop's side of this line
    text: str
    peer: Staff | None = None  # transfer: the agent handing over


@dataclass
class Conversation:
    """One contact between a buyer and the shop; may span agents (transfers)."""

    buyer: Buyer
    kind: str  # presale, night_followup, chase, aftersale
    messages: list[Message] = field(default_factory=list)
    angry: bool = False

    @property
    def day(self) -> dt.date:
        return self.messages[0].at.date()


@dataclass
class OrderLine:
    line_id: str  # 子订单编号
    product: Product
    sku: Sku
    qty: int
    paid: Decimal = ZERO  # share of the order's payment (postage excluded)
    refund: Decimal = ZERO
    refund_status: str = ""  # blank: no refund; else the refund report's 退款状态
    list_price: Decimal | None = None  # 商品价格 when an agent changed the price by hand

    @property
    def shown_price(self) -> Decimal:
        """商品价格 as the line report shows it (the list price before a manual change)."""
        return self.product.price if self.list_price is None else self.list_price

    @property
    def payable(self) -> Decimal:
        return self.product.price * self.qty


@dataclass
class Order:
    order_id: str
    buyer: Buyer
    created_at: dt.datetime
    lines: list[OrderLine]
    postage: Decimal
    discount: Decimal
    agent: Staff | None  # who served the buyer (None: silent order)
    paid_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None  # 确认收货
    closed_at: dt.datetime | None = None
    close_reason: str = ""
    tracking_no: str = ""
    carrier: str = ""
    mobile: bool = True
    buyer_message: str = ""
    memo: str = ""

    @property
    def goods_amount(self) -> Decimal:
        return sum((line.payable for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.goods_amount + self.postage

    @property
    def paid_amount(self) -> Decimal:
        return self.total - self.discount


@dataclass(frozen=True)
class Refund:
    refund_id: str
    order: Order
    line: OrderLine
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    amount: Decimal
    success: bool
    need_return: bool
    after_sale: bool  # 售后退款 (after receipt) vs 售中退款
    reason: str
    note: str


@dataclass(frozen=True)
class Evaluation:
    agent: Staff
    buyer: Buyer
    invited_at: dt.datetime | None
    evaluated_at: dt.datetime | None  # None: invited, not answered (yet)
    score: int | None  # 0 非常满意 … 4 非常不满意
    source: int  # 0 客服邀评, 1 消费者自主评价, 2 系统邀评

    @property
    def at(self) -> dt.datetime:
        moment = self.evaluated_at or self.invited_at
        assert moment is not None
        return moment
