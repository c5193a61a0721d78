"""A plain-pandas reference of shopkpi's metric catalog, for the compute benchmark (issue 3).

It reads the same canonical tables (exported to ``ROOT/parquet/<table>.parquet`` by
``bench_compute.py``: chat_message, orders, refund, service_eval, staff, staff_account,
shift) and the settings in ``ROOT/shopkpi.yaml``, does the whole chain in pandas/numpy, and
writes one long table like ``metric_value`` to ``ROOT/pandas_metric_value.parquet``.

What it covers (the same rules as ``shopkpi.derive`` and ``shopkpi.metrics``):

- **Messages.** System lines left out; an agent message starting with an
  ``auto_reply_prefixes`` entry (or from an ``auto_reply_senders`` account) is auto;
  fillers are human messages that, stripped of spaces and punctuation, start with a
  ``filler_phrases`` entry and are at most ``filler_max_chars`` long. A stream is one buyer
  with one account on one local day, ordered by time, then buyer < human < auto.
- **Sessions** split after more than ``idle_minutes`` of silence; first response (first
  human message at or after the first buyer message, the same day); message and character
  counts; transfers between consecutive sessions of a buyer on different accounts.
- **Reply rounds**: a buyer run ended by the first human reply; plain and effective
  (first non-filler) clocks from the run's first buyer message; service hours with
  ``from_next_opening``/``exclude``; the 600 s cap, 3-minute and slow flags.
- **Inquiries** (buyer × staff × day): consulted, received, replied; after-sale by the
  ``aftersale_days`` rule (paid within N days before, no new order in the inquiry window);
  slow receptions and transfers.
- **Attribution**: anchor (``order_first`` default, ``order_created``, ``order_paid``) ×
  picker (``last_touch``/``first_touch``) with the same-or-previous-day or N-hour window;
  credited and assist agents, 静默 orders; refunds as the larger of the order's and the
  refund table's, sales net of refunds (and postage when set); payment buffer.
- **Metrics**: the full catalog (reception, response, conversion, sales, per day worked,
  after-sale, resolution, labour), additive ones as Σnumerator/Σdenominator from
  staff × day facts, distinct counts, medians and p90s from the rows, for staff, team and
  shop × day, ISO week and month.

What it leaves out (none of it is in the benchmark data): several shops in one workspace
(it refuses them), shops in different time zones and zones with daylight saving (one fixed
UTC offset), system-line transfers (``转交给 X``; the demo has a handful), the ``reception``
touch rule, the ``pending`` status (values only), ``message_id`` as the last sort key of a
stream (same-second messages of one direction keep their stored order), and Sunday weeks.

Money is kept as float64 cents (whole numbers, so sums stay exact far beyond a shop's
turnover), times as float64 seconds since the epoch (NaN = missing), dates as day numbers.

Usage::

    python benchmarks/pandas_reference.py ROOT [--timings]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from shopkpi.config.loader import load_config
from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    ConversionBasis,
    InquiryWindow,
    OutOfHoursRule,
    TouchRule,
    WorkspaceConfig,
)
from shopkpi.derive.messages import STRIP, strip_filler

DAY = 86400
NONE = -1  # the code of a missing staff member / account


@dataclass
class Tables:
    """The canonical tables, with ids as integer codes (sorted, so code order = id order)."""

    messages: pd.DataFrame
    orders: pd.DataFrame
    refunds: pd.DataFrame
    evals: pd.DataFrame
    staff: pd.DataFrame
    accounts: pd.DataFrame
    shifts: pd.DataFrame
    staff_ids: pd.Index
    shop_id: str
    offset: int  # the shop's UTC offset, seconds


def secs(values: pd.Series) -> np.ndarray:
    """Seconds since the epoch as float64 (NaN for missing)."""
    stamps = pd.to_datetime(values).to_numpy(dtype="datetime64[s]")
    out = stamps.astype("int64").astype("float64")
    out[np.isnat(stamps)] = np.nan
    return out


def day_numbers(values: pd.Series) -> np.ndarray:
    """Days since the epoch as float64 (NaN for missing)."""
    stamps = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = stamps.astype("int64").astype("float64")
    out[np.isnat(stamps)] = np.nan
    return out


def cents(values: pd.Series) -> np.ndarray:
    """DECIMAL(18,2) money as float64 cents (NaN for missing)."""
    return np.round(values.astype("float64").to_numpy() * 100)


def local_day(seconds: np.ndarray, offset: int) -> np.ndarray:
    return np.floor((seconds + offset) / DAY)


def codes(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in ``index`` (-1 when missing or unknown)."""
    return index.get_indexer(values)


def load(root: Path, config: WorkspaceConfig) -> Tables:
    folder = root / "parquet"

    def read(name: str, columns: list[str]) -> pd.DataFrame:
        return pd.read_parquet(folder / f"{name}.parquet", columns=columns, dtype_backend="pyarrow")

    raw = read(
        "chat_message",
        [
            *("shop_id", "buyer_nick", "account_nick", "staff_id", "direction", "sent_at"),
            *("biz_date", "text"),
        ],
    )
    shops = raw["shop_id"].dropna().unique()
    if len(shops) > 1:
        raise SystemExit("the pandas reference handles one shop per workspace")
    orders = read(
        "orders",
        [
            *("order_id", "buyer_nick", "created_at", "paid_at", "paid_amount", "postage"),
            *("refund_amount", "item_count"),
        ],
    )
    refunds = read("refund", ["order_id", "amount", "kind", "status"])
    evals = read("service_eval", ["buyer_nick", "staff_id", "score", "biz_date"])
    staff = read("staff", ["staff_id", "team", "hired_on", "left_on", "base_salary"])
    accounts = read("staff_account", ["shop_id", "staff_id"])
    shifts = read("shift", ["staff_id", "biz_date"])

    staff_ids = pd.Index(
        sorted(
            set(staff["staff_id"].dropna())
            | set(raw["staff_id"].dropna().unique())
            | set(evals["staff_id"].dropna().unique())
            | set(shifts["staff_id"].dropna().unique())
        )
    )
    buyers = pd.Index(pd.concat([raw["buyer_nick"], orders["buyer_nick"]]).dropna().unique())
    shop = config.shops[0]
    zone = ZoneInfo(shop.timezone)
    delta = datetime(2026, 1, 1, tzinfo=UTC).astimezone(zone).utcoffset() or timedelta()

    messages = pd.DataFrame(
        {
            "buyer": codes(raw["buyer_nick"], buyers),
            "account": codes(
                raw["account_nick"], pd.Index(sorted(raw["account_nick"].dropna().unique()))
            ),
            "staff": codes(raw["staff_id"], staff_ids),
            "direction": raw["direction"].astype("category"),
            "sent": secs(raw["sent_at"]),
            "day": day_numbers(raw["biz_date"]),
            "text": raw["text"],
        }
    )
    order_frame = pd.DataFrame(
        {
            "order": np.arange(len(orders)),
            "buyer": codes(orders["buyer_nick"], buyers),
            "created": secs(orders["created_at"]),
            "paid": secs(orders["paid_at"]),
            "paid_amount": cents(orders["paid_amount"]),
            "postage": cents(orders["postage"]),
            "refund_amount": cents(orders["refund_amount"]),
            "items": orders["item_count"].astype("float64").to_numpy(),
        }
    )
    order_index = pd.Index(orders["order_id"])
    refund_frame = pd.DataFrame(
        {
            "order": codes(refunds["order_id"], order_index),
            "amount": cents(refunds["amount"]),
            "kind": refunds["kind"].astype("str"),
            "status": refunds["status"].fillna("").astype("str"),
        }
    )
    eval_frame = pd.DataFrame(
        {
            "buyer": evals["buyer_nick"].astype("str"),
            "staff": codes(evals["staff_id"], staff_ids),
            "score": evals["score"].astype("float64").to_numpy(),
            "day": day_numbers(evals["biz_date"]),
        }
    )
    staff_frame = pd.DataFrame(
        {
            "staff": codes(staff["staff_id"], staff_ids),
            "team": staff["team"].astype("str"),
            "hired": day_numbers(staff["hired_on"]),
            "left": day_numbers(staff["left_on"]),
            "base_salary": cents(staff["base_salary"]),
        }
    )
    account_frame = pd.DataFrame(
        {"staff": codes(accounts["staff_id"], staff_ids), "shop": accounts["shop_id"].astype("str")}
    )
    shift_frame = pd.DataFrame(
        {"staff": codes(shifts["staff_id"], staff_ids), "day": day_numbers(shifts["biz_date"])}
    )
    return Tables(
        messages,
        order_frame,
        refund_frame,
        eval_frame,
        staff_frame,
        account_frame,
        shift_frame,
        staff_ids,
        str(shops[0]) if len(shops) else shop.id,
        int(delta.total_seconds()),
    )


# --- derivations -----------------------------------------------------------------------


def session_messages(t: Tables, config: WorkspaceConfig) -> pd.DataFrame:
    """Messages classified, ordered per stream, with session and round markers."""
    s = config.session
    m = t.messages
    keep = (
        m["direction"].isin(["buyer", "agent", "auto"])
        & m["sent"].notna()
        & (m["buyer"] >= 0)
        & (m["account"] >= 0)
        & m["day"].notna()
    )
    m = m[keep]
    agent = (m["direction"] == "agent").to_numpy()
    text = m["text"].fillna("")
    prefixes = tuple(p for p in s.auto_reply_prefixes if p)
    auto = agent & text.str.startswith(prefixes).to_numpy(dtype=bool) if prefixes else agent & False
    if s.auto_reply_senders:
        raise SystemExit("auto_reply_senders are not covered by the pandas reference")
    agent = agent & ~auto
    buyer = (m["direction"] == "buyer").to_numpy()
    rank = np.where(buyer, 0, np.where(agent, 1, 2)).astype("int8")
    filler = np.zeros(len(m), dtype=bool)
    chars = np.zeros(len(m), dtype="int64")
    human_text = text[agent]
    chars[agent] = human_text.str.len().to_numpy(dtype="int64")
    phrases = tuple(sorted({p for p in (strip_filler(x) for x in s.filler_phrases) if p}))
    if phrases:
        norm = human_text.str.replace(STRIP, "", regex=True)
        filler[agent] = (
            (norm.str.len() <= s.filler_max_chars) & norm.str.startswith(phrases)
        ).to_numpy(dtype=bool)

    frame = pd.DataFrame(
        {
            "buyer": m["buyer"].to_numpy(),
            "account": m["account"].to_numpy(),
            "staff": m["staff"].to_numpy(),
            "day": m["day"].to_numpy(),
            "sent": m["sent"].to_numpy(),
            "rank": rank,
            "filler": filler,
            "chars": chars,
        }
    )
    frame["stream"] = frame.groupby(["buyer", "account", "day"], sort=False).ngroup()
    order = np.lexsort(
        (frame["rank"].to_numpy(), frame["sent"].to_numpy(), frame["stream"].to_numpy())
    )
    frame = frame.iloc[order].reset_index(drop=True)

    stream = frame["stream"]
    sent = frame["sent"]
    is_buyer = frame["rank"] == 0
    is_agent = frame["rank"] == 1
    first = stream.ne(stream.shift())
    prev = sent.shift().mask(first)
    frame["new_session"] = first | (sent - prev > s.idle_minutes * 60)
    frame["session"] = frame["new_session"].cumsum() - 1
    frame["session_start"] = sent.where(frame["new_session"]).ffill()

    by_stream = stream.to_numpy()

    def before(values: pd.Series) -> pd.Series:
        """The latest value strictly before each row in its stream."""
        return values.shift().mask(first).groupby(by_stream).ffill()

    def from_here(values: pd.Series) -> pd.Series:
        """The earliest value at or after each row in its stream."""
        return values.groupby(by_stream).bfill()

    agent_at = sent.where(is_agent)
    last_buyer = before(sent.where(is_buyer))
    last_agent = before(agent_at)
    frame["next_agent"] = from_here(agent_at)
    frame["next_real"] = from_here(sent.where(is_agent & ~frame["filler"]))
    frame["opens"] = is_buyer & (last_buyer.isna() | (last_agent >= last_buyer))
    frame["answer"] = (
        is_agent & last_buyer.notna() & (last_agent.isna() | (last_agent < last_buyer))
    )
    frame["round"] = frame["opens"].cumsum() - 1
    return frame


def sessions(sm: pd.DataFrame, t: Tables, config: WorkspaceConfig) -> pd.DataFrame:
    """``chat_session``: one row per session, with first response and transfers."""
    is_buyer = sm["rank"] == 0
    live = sm["sent"].where(sm["rank"] < 2)
    parts = pd.DataFrame(
        {
            "session": sm["session"],
            "sent": sm["sent"],
            "buyer_messages": is_buyer.astype("int64"),
            "agent_messages": (sm["rank"] == 1).astype("int64"),
            "auto_messages": (sm["rank"] == 2).astype("int64"),
            "agent_chars": sm["chars"],
            "first_buyer": sm["sent"].where(is_buyer),
            "first_response": sm["next_agent"].where(is_buyer),
            "live": live,
            "staff": sm["staff"],
        }
    )
    g = parts.groupby("session", sort=True)
    out = g.agg(
        started=("sent", "min"),
        ended=("sent", "max"),
        buyer_messages=("buyer_messages", "sum"),
        agent_messages=("agent_messages", "sum"),
        auto_messages=("auto_messages", "sum"),
        agent_chars=("agent_chars", "sum"),
        first_buyer=("first_buyer", "min"),
        first_response=("first_response", "min"),
        first_live=("live", "min"),
        last_live=("live", "max"),
        max_staff=("staff", "max"),
    ).reset_index()
    heads = sm[sm["new_session"]]
    out["buyer"] = heads["buyer"].to_numpy()
    out["account"] = heads["account"].to_numpy()
    out["day"] = heads["day"].to_numpy()
    head_staff = heads["staff"].to_numpy()
    out["staff"] = np.where(head_staff >= 0, head_staff, out["max_staff"].to_numpy())
    out["seller_first"] = heads["rank"].to_numpy() > 0
    out["duration"] = out["ended"] - out["started"]
    first_buyer = out["first_buyer"].to_numpy()
    clock = _clock_start(first_buyer, t, config)
    response = out["first_response"].to_numpy()
    # a reply after the session went quiet is timed by the rounds, not as a first response
    out["first_response_seconds"] = np.where(
        response <= out["ended"].to_numpy(), np.maximum(response - clock, 0), np.nan
    )
    out["transferred_in"], out["transferred_out"] = _consecutive_transfers(out, config)
    return out


def _consecutive_transfers(
    ses: pd.DataFrame, config: WorkspaceConfig
) -> tuple[np.ndarray, np.ndarray]:
    idle = config.session.idle_minutes * 60
    live = ses[ses["first_live"].notna()].sort_values(
        ["buyer", "first_live", "account", "session"], kind="stable"
    )
    same_prev = live["buyer"].eq(live["buyer"].shift())
    same_next = live["buyer"].eq(live["buyer"].shift(-1))
    xin = (
        same_prev
        & live["account"].shift().ne(live["account"])
        & (live["last_live"].shift() >= live["first_live"] - idle)
    )
    xout = (
        same_next
        & live["account"].shift(-1).ne(live["account"])
        & (live["first_live"].shift(-1) <= live["last_live"] + idle)
    )
    transferred_in = np.zeros(len(ses), dtype=bool)
    transferred_out = np.zeros(len(ses), dtype=bool)
    rows = live.index.to_numpy()
    transferred_in[rows] = xin.to_numpy(dtype=bool)
    transferred_out[rows] = xout.to_numpy(dtype=bool)
    return transferred_in, transferred_out


def _next_opening(local: np.ndarray, config: WorkspaceConfig) -> np.ndarray:
    """The next service-window opening (local seconds) after ``local``; NaN when none."""
    hours = config.shops[0].service_hours
    starts = [w.start.hour * 3600 + w.start.minute * 60 + w.start.second for w in hours.windows]
    off = {(d - datetime(1970, 1, 1).date()).days for d in hours.days_off}
    ahead = 1
    for d in off:  # longest run of days off + 1, as in shopkpi.derive.settings
        run = 1
        while d + run in off:
            run += 1
        ahead = max(ahead, run + 1)
    day0 = np.floor(local / DAY)
    best = np.full(len(local), np.inf)
    for k in range(ahead + 1):
        day = day0 + k
        usable = ~np.isin(day, list(off)) if off else np.ones(len(local), dtype=bool)
        for start in starts:
            cand = day * DAY + start
            best = np.where(usable & (cand > local), np.minimum(best, cand), best)
    return np.where(np.isinf(best), np.nan, best)


def _in_service(local: np.ndarray, config: WorkspaceConfig) -> np.ndarray:
    hours = config.shops[0].service_hours
    tod = np.mod(local, DAY)
    inside = np.zeros(len(local), dtype=bool)
    for w in hours.windows:
        lo = w.start.hour * 3600 + w.start.minute * 60 + w.start.second
        hi = w.end.hour * 3600 + w.end.minute * 60 + w.end.second
        inside |= ((tod >= lo) & (tod <= hi)) if lo <= hi else ((tod >= lo) | (tod <= hi))
    if hours.days_off:
        off = [(d - datetime(1970, 1, 1).date()).days for d in hours.days_off]
        inside &= ~np.isin(np.floor(local / DAY), off)
    return inside


def _clock_start(start: np.ndarray, t: Tables, config: WorkspaceConfig) -> np.ndarray:
    """When a response clock starts: ``start`` in service hours, else the next opening
    (``from_next_opening``) or NaN (``exclude``, or no opening ahead)."""
    local = start + t.offset
    inside = _in_service(local, config)
    clock = np.where(inside, start, np.nan)
    out = ~inside & ~np.isnan(start)
    if config.shops[0].service_hours.out_of_hours is OutOfHoursRule.from_next_opening:
        clock[out] = _next_opening(local[out], config) - t.offset
    return clock


def reply_rounds(sm: pd.DataFrame, t: Tables, config: WorkspaceConfig) -> pd.DataFrame:
    """``reply_round``: one row per round, credited to the staff member who answered."""
    s = config.session
    opens = sm[sm["opens"]]
    answers = sm[sm["answer"]]
    rounds = pd.DataFrame(
        {
            "round": opens["round"].to_numpy(),
            "buyer": opens["buyer"].to_numpy(),
            "account": opens["account"].to_numpy(),
            "day": opens["day"].to_numpy(),
            "session": opens["session"].to_numpy(),
            "opened": opens["sent"].to_numpy(),
            "effective_at": opens["next_real"].to_numpy(),
        }
    )
    answered = np.full(len(rounds), np.nan)
    staff = np.full(len(rounds), NONE)
    slot = answers["round"].to_numpy()
    answered[slot] = answers["sent"].to_numpy()
    staff[slot] = answers["staff"].to_numpy()
    rounds["answered"] = answered
    rounds["staff"] = staff
    opened = rounds["opened"].to_numpy()
    clock = _clock_start(opened, t, config)
    rounds["in_service"] = _in_service(opened + t.offset, config)
    rounds["counted"] = ~np.isnan(answered) & ~np.isnan(clock)
    clock = np.where(np.isnan(clock), opened, clock)
    response = np.maximum(answered - clock, 0)
    rounds["response"] = response
    rounds["effective"] = np.maximum(rounds["effective_at"].to_numpy() - clock, 0)
    rounds["capped"] = np.minimum(response, s.round_cap_seconds)
    counted = rounds["counted"].to_numpy()
    rounds["within"] = counted & (response <= s.within_seconds)
    rounds["slow"] = counted & (response > s.slow_seconds)
    return rounds


def _staff_key(staff: pd.Series | np.ndarray, account: pd.Series | np.ndarray) -> np.ndarray:
    """The staff member, or (no staff) the account as a negative key, as in ``STAFF_KEY``."""
    staff = np.asarray(staff)
    return np.where(staff >= 0, staff, -2 - np.asarray(account))


def inquiries(
    sm: pd.DataFrame,
    ses: pd.DataFrame,
    rounds: pd.DataFrame,
    credit: pd.DataFrame,
    t: Tables,
    config: WorkspaceConfig,
) -> pd.DataFrame:
    """``inquiry``: buyer × staff × day, with the after-sale split."""
    human = sm[sm["rank"] < 2]
    is_buyer = human["rank"] == 0
    parts = pd.DataFrame(
        {
            "buyer": human["buyer"].to_numpy(),
            "key": _staff_key(human["staff"], human["account"]),
            "day": human["day"].to_numpy(),
            "staff": human["staff"].to_numpy(),
            "account": human["account"].to_numpy(),
            "sent": human["sent"].to_numpy(),
            "consulted": is_buyer.to_numpy(),
            "agent_wrote": (~is_buyer).to_numpy(),
            "first_buyer": human["sent"].where(is_buyer).to_numpy(),
            "last_agent": human["sent"].where(~is_buyer).to_numpy(),
        }
    )
    inq = (
        parts.groupby(["buyer", "key", "day"], sort=False)
        .agg(
            staff=("staff", "max"),
            account=("account", "min"),
            first_at=("sent", "min"),
            last_at=("sent", "max"),
            consulted=("consulted", "max"),
            agent_wrote=("agent_wrote", "max"),
            first_buyer=("first_buyer", "min"),
            last_agent=("last_agent", "max"),
        )
        .reset_index()
    )
    inq["received"] = inq["consulted"] & inq["agent_wrote"]
    inq["replied"] = inq["received"]  # the platform's 回复: an agent wrote the same day
    inq["aftersale"] = _aftersale(inq, credit, config)
    inq["is_inquiry"] = inq["received"] & ~inq["aftersale"]

    answered = rounds[rounds["answered"].notna()]
    slow = (
        pd.DataFrame(
            {
                "buyer": answered["buyer"].to_numpy(),
                "key": _staff_key(answered["staff"], answered["account"]),
                "day": answered["day"].to_numpy(),
                "slow_rounds": answered["slow"].to_numpy(dtype="int64"),
            }
        )
        .groupby(["buyer", "key", "day"], sort=False)["slow_rounds"]
        .sum()
    )
    moved_rows = ses[ses["transferred_out"]]
    moved = pd.DataFrame(
        {
            "buyer": moved_rows["buyer"].to_numpy(),
            "key": _staff_key(moved_rows["staff"], moved_rows["account"]),
            "day": moved_rows["day"].to_numpy(),
        }
    ).drop_duplicates()
    moved["transferred_out"] = True
    inq = inq.merge(slow.reset_index(), on=["buyer", "key", "day"], how="left")
    inq = inq.merge(moved, on=["buyer", "key", "day"], how="left")
    inq["slow_rounds"] = inq["slow_rounds"].fillna(0)
    inq["transferred_out"] = inq["transferred_out"].fillna(False).astype(bool)
    return inq


def _aftersale(inq: pd.DataFrame, credit: pd.DataFrame, config: WorkspaceConfig) -> np.ndarray:
    """Paid within ``aftersale_days`` before (latest payment at or before the first message)
    and no order created from the first message to the end of the inquiry window."""
    left = inq[["first_at", "buyer", "day"]].reset_index().sort_values("first_at")
    paid = credit.loc[
        credit["paid"].notna() & (credit["buyer"] >= 0), ["paid", "paid_day", "buyer"]
    ]
    recent = pd.merge_asof(
        left,
        paid.sort_values("paid"),
        left_on="first_at",
        right_on="paid",
        by="buyer",
        direction="backward",
    )
    is_recent = recent["paid_day"] >= recent["day"] - config.session.aftersale_days
    made = credit.loc[
        credit["created"].notna() & (credit["buyer"] >= 0), ["created", "day", "buyer"]
    ]
    again = pd.merge_asof(
        left,
        made.rename(columns={"day": "created_day"}).sort_values("created"),
        left_on="first_at",
        right_on="created",
        by="buyer",
        direction="forward",
    )
    rule = config.attribution
    if rule.window is InquiryWindow.hours:
        reordered = again["created"] <= again["first_at"] + int(rule.window_hours or 0) * 3600
    else:
        reordered = again["created_day"] <= again["day"] + 1
    out = np.zeros(len(inq), dtype=bool)
    out[recent["index"].to_numpy()] = (is_recent & ~reordered.to_numpy()).to_numpy(dtype=bool)
    return out


def order_credit(t: Tables, config: WorkspaceConfig, as_of_day: float) -> pd.DataFrame:
    """``order_credit`` without the agent: money, days and ``final`` per order."""
    o = t.orders.copy()
    success = t.refunds[(t.refunds["status"] == "success") & (t.refunds["order"] >= 0)]
    refunded = success.groupby("order")["amount"].sum()
    table_refund = np.zeros(len(o))
    table_refund[refunded.index.to_numpy()] = refunded.to_numpy()
    o["refund"] = np.maximum(np.nan_to_num(o["refund_amount"].to_numpy()), table_refund)
    o["day"] = local_day(o["created"].to_numpy(), t.offset)
    o["paid_day"] = local_day(o["paid"].to_numpy(), t.offset)
    rule = config.attribution
    net = np.nan_to_num(o["paid_amount"].to_numpy())
    if rule.deduct_refunds:
        net = net - o["refund"].to_numpy()
    if rule.deduct_postage:
        net = net - np.nan_to_num(o["postage"].to_numpy())
    is_paid = o["paid"].notna().to_numpy()
    o["sales"] = np.where(is_paid, np.maximum(net, 0), 0)
    basis = o["day"].fillna(o["paid_day"])
    o["final"] = (basis + rule.payment_buffer_days < as_of_day).fillna(False).to_numpy(dtype=bool)
    kinds = t.refunds["kind"].isin(["return_refund", "exchange"]) & ~t.refunds["status"].isin(
        ["closed", "rejected"]
    )
    returned = t.refunds.loc[kinds & (t.refunds["order"] >= 0), "order"].unique()
    o["returned"] = False
    o.loc[returned, "returned"] = True
    return o


def attribution(t: Tables, credit: pd.DataFrame, config: WorkspaceConfig) -> pd.DataFrame:
    """``order_attribution``: per order, every agent touching it in the window; one credited."""
    rule = config.attribution
    if rule.touch is not TouchRule.agent_message:
        raise SystemExit("the pandas reference covers touch: agent_message only")
    m = t.messages
    touch = m.loc[
        (m["direction"] == "agent") & (m["staff"] >= 0) & (m["buyer"] >= 0) & m["sent"].notna(),
        ["buyer", "staff", "sent", "day"],
    ]
    ordered = credit[credit["buyer"] >= 0]
    touch = touch[touch["buyer"].isin(ordered["buyer"].unique())]
    anchors = []
    for rank, column, wanted in (
        (0, "created", (AttributionAnchor.order_created, AttributionAnchor.order_first)),
        (1, "paid", (AttributionAnchor.order_paid, AttributionAnchor.order_first)),
    ):
        if rule.anchor in wanted:
            a = ordered.loc[ordered[column].notna(), ["order", "buyer", column]]
            a = a.rename(columns={column: "anchor_at"})
            a["anchor_rank"] = rank
            a["anchor_day"] = local_day(a["anchor_at"].to_numpy(), t.offset)
            anchors.append(a)
    pairs = pd.concat(anchors, ignore_index=True).merge(touch, on="buyer")
    inside = pairs["sent"] <= pairs["anchor_at"]
    if rule.window is InquiryWindow.hours:
        inside &= pairs["sent"] >= pairs["anchor_at"] - int(rule.window_hours or 0) * 3600
    else:
        inside &= (pairs["day"] >= pairs["anchor_day"] - 1) & (pairs["day"] <= pairs["anchor_day"])
    pairs = pairs[inside]
    pairs = pairs[pairs["anchor_rank"] == pairs.groupby("order")["anchor_rank"].transform("min")]
    hit = (
        pairs.groupby(["order", "staff"], sort=False)["sent"]
        .agg(first_at="min", last_at="max")
        .reset_index()
    )
    if rule.picker is AttributionPicker.last_touch:
        hit["touch_at"] = hit["last_at"]
        hit = hit.sort_values(["order", "last_at", "staff"], ascending=[True, False, True])
    else:
        hit["touch_at"] = hit["first_at"]
        hit = hit.sort_values(["order", "first_at", "staff"])
    hit["credited"] = ~hit["order"].duplicated()
    return hit[["order", "staff", "touch_at", "credited"]]


def inquiry_outcome(
    inq: pd.DataFrame, credit: pd.DataFrame, config: WorkspaceConfig
) -> pd.DataFrame:
    """Per pre-sale inquiry: ordered the same day, by the next day, within the buffer; paid.

    ``credited`` basis (default): only orders credited to the inquiry's agent, created in
    its inquiry window and created or paid at or after its first message; ``buyer``: any
    order of the buyer."""
    rule = config.attribution
    buffer = rule.payment_buffer_days
    rows = inq.loc[inq["is_inquiry"], ["buyer", "staff", "day", "first_at", "last_at"]]
    rows = rows.reset_index(drop=True)
    orders = credit.loc[
        credit["buyer"] >= 0, ["buyer", "staff", "created", "paid", "day", "paid_day"]
    ].rename(columns={"day": "created_day", "staff": "credited"})
    by_credit = rule.conversion is ConversionBasis.credited
    if by_credit:
        orders = orders[orders["credited"] >= 0]
        pairs = (
            rows[rows["staff"] >= 0]
            .reset_index()
            .merge(orders, left_on=["buyer", "staff"], right_on=["buyer", "credited"])
        )
    else:
        pairs = rows.reset_index().merge(orders, on="buyer")
    after = pairs["created"] >= pairs["first_at"]
    last = pairs["day"] + buffer
    paid_in = (pairs["paid"] >= pairs["first_at"]) & (pairs["paid_day"] <= last)
    keep = (after & (pairs["created_day"] <= last)) | paid_in
    if by_credit:
        if rule.window is InquiryWindow.hours:
            window = pairs["created"] <= pairs["last_at"] + int(rule.window_hours or 0) * 3600
        else:
            window = (pairs["created_day"] >= pairs["day"]) & (
                pairs["created_day"] <= pairs["day"] + 1
            )
        keep &= window & (after | (pairs["paid"] >= pairs["first_at"]))
    flags = pd.DataFrame(
        {
            "index": pairs["index"],
            "ordered_same_day": keep & after & (pairs["created_day"] == pairs["day"]),
            "ordered_next_day": keep & after & (pairs["created_day"] <= pairs["day"] + 1),
            "ordered_final": keep & after & (pairs["created_day"] <= last),
            "paid_final": keep & paid_in,
        }
    )
    out = rows.join(flags.groupby("index").max())
    for c in ("ordered_same_day", "ordered_next_day", "ordered_final", "paid_final"):
        out[c] = out[c].fillna(False).astype(bool)
    return out


def credit_staff(credit: pd.DataFrame, touches: pd.DataFrame) -> pd.DataFrame:
    """``order_credit``: each order with its credited staff member (NONE = 静默)."""
    credited = touches[touches["credited"]]
    staff = np.full(len(credit), NONE)
    staff[credited["order"].to_numpy()] = credited["staff"].to_numpy()
    return credit.assign(staff=staff)


def latest_event(t: Tables) -> float:
    candidates = [
        np.nanmax(t.messages["sent"].to_numpy()),
        np.nanmax(t.orders["created"].to_numpy()),
        np.nanmax(t.orders["paid"].to_numpy()),
    ]
    return float(np.nanmax(candidates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--timings", action="store_true", help="print each stage's seconds")
    args = parser.parse_args()
    import pandas_metrics

    config = load_config(args.root / "shopkpi.yaml")
    clock = time.perf_counter()
    stages: list[tuple[str, float]] = []

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages.append((name, now - clock))
        clock = now

    t = load(args.root, config)
    stage("load")
    as_of = latest_event(t)
    as_of_day = float(local_day(np.array([as_of]), t.offset)[0])
    sm = session_messages(t, config)
    stage("session messages")
    ses = sessions(sm, t, config)
    stage("sessions")
    rounds = reply_rounds(sm, t, config)
    stage("reply rounds")
    credit = order_credit(t, config, as_of_day)
    touches = attribution(t, credit, config)
    credit = credit_staff(credit, touches)
    stage("attribution")
    inq = inquiries(sm, ses, rounds, credit, t, config)
    del sm
    stage("inquiries")
    outcome = inquiry_outcome(inq, credit, config)
    stage("inquiry outcome")
    result = pandas_metrics.compute(
        pandas_metrics.Derived(t, ses, rounds, inq, outcome, credit, touches, as_of, as_of_day),
        config,
    )
    stage("metrics")
    result.to_parquet(args.root / "pandas_metric_value.parquet", index=False)
    stage("write")
    if args.timings:
        for name, seconds in stages:
            print(f"{name:>18}: {seconds:6.2f} s", file=sys.stderr)
        print(f"{len(result):,} metric values", file=sys.stderr)


if __name__ == "__main__":
    main()
