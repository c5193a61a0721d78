"""Closed vocabularies of the tabular sources and the raw values that map onto them.

Each enum is the canonical value stored in the warehouse (GLOSSARY / DESIGN §4). Each map
lists the raw cell values real files carry, Chinese and English; a value outside a map
quarantines the row ("unknown status value", DESIGN §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Role(StrEnum):
    presale_cs = "presale_cs"  # 售前
    aftersale_cs = "aftersale_cs"  # 售后
    operations = "operations"  # 运营
    sales = "sales"  # 销售
    supply_chain = "supply_chain"  # 供应链
    design = "design"  # 设计
    supervisor = "supervisor"  # 主管


class Level(StrEnum):
    junior = "junior"
    senior = "senior"
    lead = "lead"


class RefundStatus(StrEnum):
    none = "none"  # 没有申请退款
    requested = "requested"  # 等待卖家同意
    waiting_return = "waiting_return"  # 卖家已同意，等待买家退货
    returned = "returned"  # 买家已退货，等待卖家确认收货
    rejected = "rejected"  # 卖家拒绝退款
    closed = "closed"  # 退款关闭
    success = "success"  # 退款成功
    # order_line only: 应付 − 实付 ≈ 退款金额, i.e. the amount is already out of 实付.
    netted = "netted"


class RefundKind(StrEnum):
    refund_only = "refund_only"  # 仅退款
    return_refund = "return_refund"  # 退货退款
    exchange = "exchange"  # 换货


class RefundStage(StrEnum):
    in_sale = "in_sale"  # 售中
    after_sale = "after_sale"  # 售后


class EvalSource(StrEnum):
    agent_invite = "agent_invite"  # 0 客服邀评
    buyer_initiated = "buyer_initiated"  # 1 消费者自主评价
    system_invite = "system_invite"  # 2 系统邀评


class ProductLifecycle(StrEnum):
    """商品生命周期 (product life stage, DESIGN §4); plans weight items by it (§7)."""

    new = "new"  # 新品
    growth = "growth"  # 成长
    mature = "mature"  # 成熟
    clearance = "clearance"  # 清仓


class EntityKind(StrEnum):
    staff = "staff"
    team = "team"
    shop = "shop"


def _vocab(enum: type[StrEnum], raw: Mapping[StrEnum, tuple[str, ...]]) -> dict[str, str]:
    """raw value → canonical value; every enum value also maps to itself (English headers)."""
    out = {member.value: member.value for member in enum}
    for member, values in raw.items():
        for value in values:
            out[value] = member.value
            out[value.replace("，", ",")] = member.value
    return out


# 级别 mapping: the schema keeps three levels. 中级 is a fully ramped agent past probation,
# so it counts as senior; 初级/新人/试用/实习 are junior; 组长 (team lead) is lead.
ROLES = _vocab(
    Role,
    {
        Role.presale_cs: ("售前", "售前客服", "售前专员"),
        Role.aftersale_cs: ("售后", "售后客服", "售后专员"),
        Role.operations: ("运营", "店铺运营", "运营专员"),
        Role.sales: ("销售", "销售专员"),
        Role.supply_chain: ("供应链", "仓储", "采购", "物流"),
        Role.design: ("设计", "美工", "视觉", "设计师"),
        Role.supervisor: ("主管", "客服主管", "经理", "店长"),
    },
)

LEVELS = _vocab(
    Level,
    {
        Level.junior: ("初级", "新人", "试用", "试用期", "实习", "实习生"),
        Level.senior: ("中级", "高级", "资深", "mid", "middle"),
        Level.lead: ("组长", "领班", "主管"),
    },
)

REFUND_STATUSES = _vocab(
    RefundStatus,
    {
        RefundStatus.none: ("没有申请退款", "无退款申请", "无退款", "无", "NO_REFUND"),
        RefundStatus.requested: (
            "买家已经申请退款，等待卖家同意",
            "买家已申请退款，等待卖家同意",
            "等待卖家同意",
            "买家已申请退款",
            "退款中",
            "待卖家处理",
            "WAIT_SELLER_AGREE",
        ),
        RefundStatus.waiting_return: (
            "卖家已经同意退款，等待买家退货",
            "卖家已同意退款，等待买家退货",
            "等待买家退货",
            "WAIT_BUYER_RETURN_GOODS",
        ),
        RefundStatus.returned: (
            "买家已经退货，等待卖家确认收货",
            "买家已退货，等待卖家确认收货",
            "等待卖家确认收货",
            "WAIT_SELLER_CONFIRM_GOODS",
        ),
        RefundStatus.rejected: ("卖家拒绝退款", "SELLER_REFUSE_BUYER"),
        RefundStatus.closed: ("退款关闭", "退款已关闭", "CLOSED"),
        RefundStatus.success: ("退款成功", "退款完成", "已退款", "SUCCESS"),
    },
)
del REFUND_STATUSES[RefundStatus.netted.value]  # derived, never read from a file

REFUND_KINDS = _vocab(
    RefundKind,
    {
        RefundKind.refund_only: ("仅退款", "未发货仅退款", "已发货仅退款", "只退款", "退款"),
        RefundKind.return_refund: ("退货退款", "退款退货", "退货"),
        RefundKind.exchange: ("换货",),
    },
)

REFUND_STAGES = _vocab(
    RefundStage,
    {
        RefundStage.in_sale: ("售中退款", "售中"),
        RefundStage.after_sale: ("售后退款", "售后"),
    },
)

# 评价结果: text or the API digit (0 = 非常满意 … 4 = 非常不满意); stored as the digit.
EVAL_SCORES = {
    **{str(i): str(i) for i in range(5)},
    "非常满意": "0",
    "满意": "1",
    "一般": "2",
    "不满意": "3",
    "非常不满意": "4",
}

EVAL_SOURCES = _vocab(
    EvalSource,
    {
        EvalSource.agent_invite: ("0", "客服邀评", "客服邀请"),
        EvalSource.buyer_initiated: ("1", "消费者自主评价", "自主评价", "买家自主评价"),
        EvalSource.system_invite: ("2", "系统邀评", "系统邀请"),
    },
)

ENTITY_KINDS = _vocab(
    EntityKind,
    {
        EntityKind.staff: ("员工", "个人", "客服"),
        EntityKind.team: ("团队", "小组", "组"),
        EntityKind.shop: ("店铺", "全店"),
    },
)

LIFECYCLES = _vocab(
    ProductLifecycle,
    {
        ProductLifecycle.new: ("新品", "新品期", "上新", "上新期", "导入期", "launch"),
        ProductLifecycle.growth: ("成长", "成长期"),
        ProductLifecycle.mature: ("成熟", "成熟期"),
        ProductLifecycle.clearance: ("清仓", "清仓期", "衰退", "衰退期"),
    },
)

# Canonical columns with a closed vocabulary. A generic mapping onto one of them gets the
# vocabulary without listing ``values``, so an unknown value quarantines the row just as in
# a built-in format; a mapping's own ``values`` still win.
COLUMN_VOCABULARIES: dict[tuple[str, str], dict[str, str]] = {
    ("product", "lifecycle"): LIFECYCLES,
}
