"""The demo shop's 评价管理 export: reviews of delivered orders, changes and 追评.

About 45 % of the orders a buyer confirmed get a review soon after. Orders with a refund,
and orders served by careless agents, get more 中差评. A 中差评 is often changed to 好评
after the shop contacts the buyer, more often when the agent who served the buyer is
caring (low ``eval_penalty``); some reviews get a 追评 days later. Only what happened
before the export time is written.

Draws come from a generator of their own (seeded from the demo seed), so the rest of the
demo stays byte-identical whether or not this file is written.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Order
from shopkpi.demo.rand import Rng, chance, pick, span
from shopkpi.demo.snapshot import refunds_by_order
from shopkpi.demo.writers.cells import Cell, excel_id, ts, write_csv

SEED_OFFSET = 0x5E71E35  # review draws: random.Random(seed + SEED_OFFSET)
REVIEW_SHARE = 0.45
FOLLOWUP_SHARE = 0.12
RATING_TEXT = {"good": "好评", "neutral": "中评", "bad": "差评"}
HEADER = (
    "评价时间", "订单编号", "买家", "宝贝标题", "评分", "评价", "评价内容", "追评内容", "追评时间",
    "修改后评价", "修改时间",
)  # fmt: skip

GOOD = (
    "质量很好，穿着很舒服，客服很耐心", "尺码合适，颜色和图片一样", "物流很快，包装完好，好评",
    "第二次回购了，一如既往的好", "面料厚实，性价比高", "客服推荐的尺码刚刚好",
)  # fmt: skip
NEUTRAL = ("还可以吧，有点色差", "一般般，和预期差一点", "尺码偏大，凑合穿", "做工一般，线头有点多")
BAD = (
    "质量太差了，穿一次就起球",
    "发货太慢，催了好几次",
    "和描述不符，客服也不理人",
    "尺码严重偏小",
)
FOLLOWUPS = (
    "穿了一段时间，没有起球，还不错",
    "洗过一次有点缩水",
    "回购了一件送家人",
    "保暖效果很好",
)


@dataclass(frozen=True)
class Review:
    order: Order
    reviewed_at: dt.datetime
    score: int
    rating: str  # good | neutral | bad
    content: str
    followup: str = ""
    followup_at: dt.datetime | None = None
    changed_at: dt.datetime | None = None  # changed to 好评 at


def make_reviews(history: ShopHistory) -> list[Review]:
    """The reviews written by the final export, in order of 评价时间."""
    rng = random.Random(history.options.seed + SEED_OFFSET)
    end = history.final_export
    refunded = refunds_by_order(history.refunds)
    reviews: list[Review] = []
    for order in history.orders:
        if order.confirmed_at is None or not chance(rng, REVIEW_SHARE):
            continue
        at = order.confirmed_at + span(hours=rng.uniform(0.2, 72))
        review = _review(rng, order, at, bool(refunded.get(order.order_id)), end)
        if at <= end:
            reviews.append(review)
    return sorted(reviews, key=lambda r: (r.reviewed_at, r.order.order_id))


def _review(rng: Rng, order: Order, at: dt.datetime, refunded: bool, end: dt.datetime) -> Review:
    penalty = order.agent.traits.eval_penalty if order.agent is not None else 0.0
    bad = 0.03 + 0.04 * max(penalty, 0.0) + (0.12 if refunded else 0.0)
    neutral = 0.05 + 0.03 * max(penalty, 0.0)
    draw = rng.random()
    if draw < bad:
        rating, score, content = "bad", rng.randint(1, 2), pick(rng, BAD)
    elif draw < bad + neutral:
        rating, score, content = "neutral", 3, pick(rng, NEUTRAL)
    else:
        rating, score, content = "good", 5 if chance(rng, 0.8) else 4, pick(rng, GOOD)
    changed = None
    if rating != "good":
        moment = at + span(hours=rng.uniform(4, 72))
        if chance(rng, min(max(0.5 - 0.2 * penalty, 0.1), 0.8)) and moment <= end:
            changed = moment
    followup, followup_at = "", None
    if chance(rng, FOLLOWUP_SHARE):
        moment = at + span(hours=rng.uniform(72, 360))
        if moment <= end:
            followup, followup_at = pick(rng, FOLLOWUPS), moment
    return Review(order, at, score, rating, content, followup, followup_at, changed)


def write(folder: Path, history: ShopHistory) -> tuple[Path, int] | None:
    """``评价管理_<end>.csv`` (GBK), as the 评价管理 page exports it (no 评价ID column);
    None (no file) when no review was written yet."""
    rows = [_cells(r) for r in make_reviews(history)]
    if not rows:
        return None
    path = folder / f"评价管理_{history.final_export:%Y%m%d%H%M}.csv"
    return path, write_csv(path, HEADER, rows)


def _cells(r: Review) -> list[Cell]:
    return [
        ts(r.reviewed_at), excel_id(r.order.order_id), r.order.buyer.nick,
        r.order.lines[0].product.title, str(r.score), RATING_TEXT[r.rating], r.content,
        r.followup, ts(r.followup_at), "好评" if r.changed_at else "", ts(r.changed_at),
    ]  # fmt: skip
