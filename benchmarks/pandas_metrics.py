"""The metric half of the pandas reference (see ``pandas_reference.py``): row sources, staff ×
day facts, the roll-up to staff/team/shop × day/week/month, non-additive and derived metrics.

Additive metrics are Σnumerator/Σdenominator over staff × day facts; distinct counts,
medians and p90s are computed from the rows of each entity × period, as in
``shopkpi.metrics.rollup``. Money is in cents until the output, which is in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from shopkpi.config.models import DaysWorkedBasis, WorkspaceConfig

DAY = 86400
NONE = -1


@dataclass
class Derived:
    """The derived tables the metrics read (see ``pandas_reference.py``)."""

    t: Any  # pandas_reference.Tables
    sessions: pd.DataFrame
    rounds: pd.DataFrame
    inquiry: pd.DataFrame
    outcome: pd.DataFrame
    credit: pd.DataFrame
    touches: pd.DataFrame
    as_of: float
    as_of_day: float


# metric id → (numerator column, denominator column or None, shop only)
ADDITIVE: dict[str, tuple[str, str | None, bool]] = {
    "consulted_buyers": ("consulted", None, False),
    "received_buyers": ("received", None, False),
    "inquiry_buyers": ("inquiry", None, False),
    "unreplied_buyers": ("unreplied", None, False),
    "reply_rate": ("replied", "consulted", False),
    "answer_question_ratio": ("agent_messages", "buyer_messages", False),
    "direct_received_buyers": ("direct_received", None, False),
    "transferred_in_buyers": ("transferred_in", None, False),
    "transferred_out_buyers": ("transferred_out", None, False),
    "buyer_messages": ("buyer_messages", None, False),
    "agent_messages": ("agent_messages", None, False),
    "total_messages": ("total_messages", None, False),
    "agent_chars": ("agent_chars", None, False),
    "first_response_seconds": ("responded_seconds", "responded", False),
    "first_response_within_15s_rate": ("first_within_target", "responded", False),
    "avg_response_seconds": ("counted_capped_seconds", "counted", False),
    "effective_response_seconds": ("counted_effective_seconds", "effective_counted", False),
    "reply_within_3min_rate": ("within_target", "counted", False),
    "slow_response_rounds": ("slow", None, False),
    "slow_reception_buyers": ("slow_reception", None, False),
    "long_reception_buyers": ("long_reception", None, False),
    "avg_session_seconds": ("served_seconds", "served", False),
    "avg_resolution_seconds": ("resolution_seconds", "resolved_rows", False),
    "response_bucket_30s": ("bucket_30", "counted", False),
    "response_bucket_60s": ("bucket_60", "counted", False),
    "response_bucket_180s": ("bucket_180", "counted", False),
    "response_bucket_600s": ("bucket_600", "counted", False),
    "response_bucket_over_600s": ("bucket_over", "counted", False),
    "inquiry_to_order_same_day": ("ordered_same_day", "inquiries", False),
    "inquiry_to_order_next_day": ("ordered_next_day", "inquiries", False),
    "inquiry_to_order_final": ("ordered_final", "inquiries", False),
    "inquiry_to_paid_rate": ("paid_final", "inquiries", False),
    "inquiry_paid_buyers": ("paid_final", None, False),
    "order_to_paid_rate": ("credited_paid", "credited_order", False),
    "cs_sales": ("cs_sales", None, False),
    "cs_paying_buyers": ("cs_buyer", None, False),
    "cs_orders": ("credited", None, False),
    "cs_items": ("cs_items", None, False),
    "sales_per_buyer": ("cs_sales", "cs_buyer", False),
    "order_value_avg": ("cs_sales", "credited", False),
    "items_per_buyer": ("cs_items", "cs_buyer", False),
    "price_per_item": ("cs_sales", "cs_items", False),
    "shop_sales": ("sales_amount", None, True),
    "silent_sales": ("silent_sales", None, True),
    "silent_share": ("silent_sales", "sales_amount", True),
    "assist_buyers": ("assist_buyer", None, False),
    "assist_sales": ("assist_sales", None, False),
    "days_worked": ("worked", None, False),
    "refund_amount": ("cs_refund_amount", None, False),
    "refund_rate": ("cs_refund_amount", "cs_paid_amount", False),
    "return_rate": ("cs_returned", "credited", False),
    "evaluations": ("evaluated", None, False),
    "satisfaction_rate": ("satisfied", "evaluated", False),
    "satisfaction_score": ("score5", "evaluated", False),
    "eval_participation_rate": ("evaluated", "invited", False),
    "transfer_rate": ("transferred", "served", False),
    "first_contact_resolution_rate": ("resolved", "contacts", False),
    "payment_chase_orders": ("chased", None, False),
    "payment_chase_recovered": ("recovered", None, False),
    "payment_chase_rate": ("recovered", "chased", False),
    "payment_chase_sales": ("recovered_amount", None, False),
    "wage_cost": ("wage_cost", None, False),
}
MONEY = {
    "cs_sales",
    "sales_amount",
    "silent_sales",
    "cs_paid_amount",
    "cs_refund_amount",
    "assist_sales",
    "recovered_amount",
    "wage_cost",
}
# metric id → (numerator metric, denominator metric, denominator from the whole shop)
DERIVED: dict[str, tuple[str, str, bool]] = {
    "sales_share": ("cs_sales", "shop_sales", True),
    "sales_per_staff": ("cs_sales", "staff_headcount", False),
    "inquiries_per_staff_day": ("inquiry_buyers", "days_worked", False),
    "wage_cost_ratio": ("wage_cost", "cs_sales", False),
    "orders_per_day_worked": ("cs_orders", "days_worked", False),
    "sales_per_day_worked": ("cs_sales", "days_worked", False),
}


def _flag(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=bool).astype("int64")


# --- row sources (ms_*) -----------------------------------------------------------------


def inquiry_rows(d: Derived, config: WorkspaceConfig) -> pd.DataFrame:
    s = config.session
    ses = d.sessions
    served = pd.DataFrame(
        {
            "buyer": ses["buyer"],
            "staff": ses["staff"],
            "day": ses["day"],
            "longest": ses["duration"].where(ses["agent_messages"] > 0),
            "first_buyer_s": ses["first_buyer"],
            "last_served": ses["ended"].where(ses["agent_messages"] > 0),
            "tin": ses["transferred_in"],
        }
    )
    served = (
        served.groupby(["buyer", "staff", "day"], sort=False)
        .agg(
            longest=("longest", "max"),
            first_buyer_s=("first_buyer_s", "min"),
            last_served=("last_served", "max"),
            tin=("tin", "max"),
        )
        .reset_index()
    )
    i = d.inquiry.merge(served, on=["buyer", "staff", "day"], how="left")
    received = i["received"].to_numpy(dtype=bool)
    tin = i["tin"].fillna(False).to_numpy(dtype=bool)
    resolved = received & (i["last_served"] >= i["first_buyer_s"]).to_numpy(dtype=bool)
    resolution = np.where(resolved, i["last_served"] - i["first_buyer_s"], 0)
    consulted = i["consulted"].to_numpy(dtype=bool)
    replied = i["replied"].fillna(False).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "staff": i["staff"],
            "day": i["day"],
            "buyer": i["buyer"],
            "consulted": _flag(consulted),
            "received": _flag(received),
            "inquiry": _flag(i["is_inquiry"]),
            "replied": _flag(consulted & replied),
            "unreplied": _flag(consulted & ~replied),
            "slow_reception": _flag(i["slow_rounds"] >= s.slow_reception_min_rounds),
            "transferred_out": _flag(i["transferred_out"]),
            "transferred_in": _flag(received & tin),
            "direct_received": _flag(received & ~tin),
            "long_reception": _flag(i["longest"] > s.long_session_minutes * 60),
            "resolution_seconds": resolution,
            "resolved_rows": _flag(resolved),
        }
    )


def session_rows(d: Derived, config: WorkspaceConfig, target: int) -> pd.DataFrame:
    s = d.sessions
    served = (s["agent_messages"] > 0) & (s["buyer_messages"] > 0)  # a reception
    frs = s["first_response_seconds"]
    return pd.DataFrame(
        {
            "staff": s["staff"],
            "day": s["day"],
            "buyer_messages": s["buyer_messages"],
            "agent_messages": s["agent_messages"],
            "total_messages": s["buyer_messages"] + s["agent_messages"] + s["auto_messages"],
            "agent_chars": s["agent_chars"],
            "served": _flag(served),
            "served_seconds": s["duration"].where(served, 0),
            "responded": _flag(frs.notna()),
            "responded_seconds": frs.fillna(0),
            "first_within_target": _flag(frs <= target),
            "transferred": _flag(served & s["transferred_out"]),
            "first_response_seconds": frs,
        }
    )


BUCKETS = (("bucket_30", 0, 30), ("bucket_60", 30, 60), ("bucket_180", 60, 180))
BUCKETS += (("bucket_600", 180, 600), ("bucket_over", 600, None))


def round_rows(d: Derived) -> pd.DataFrame:
    r = d.rounds
    counted = r["counted"].to_numpy(dtype=bool)
    response = r["response"].to_numpy()
    effective = r["effective"].to_numpy()
    out = pd.DataFrame(
        {
            "staff": r["staff"],
            "day": r["day"],
            "counted": _flag(counted),
            "counted_capped_seconds": np.where(counted, r["capped"], 0),
            "effective_counted": _flag(counted & ~np.isnan(effective)),
            "counted_effective_seconds": np.where(counted, np.nan_to_num(effective), 0),
            "within_target": _flag(r["within"]),
            "slow": _flag(r["slow"]),
            "counted_seconds": np.where(counted, response, np.nan),
        }
    )
    for name, low, high in BUCKETS:
        inside = (response > low) if low else (response >= 0)
        if high is not None:
            inside &= response <= high
        out[name] = _flag(counted & inside)
    return out


def outcome_rows(d: Derived) -> pd.DataFrame:
    o = d.outcome
    return pd.DataFrame(
        {
            "staff": o["staff"],
            "day": o["day"],
            "inquiries": 1,
            "ordered_same_day": _flag(o["ordered_same_day"]),
            "ordered_next_day": _flag(o["ordered_next_day"]),
            "ordered_final": _flag(o["ordered_final"]),
            "paid_final": _flag(o["paid_final"]),
        }
    )


def created_rows(credit: pd.DataFrame) -> pd.DataFrame:
    c = credit[credit["day"].notna()]
    credited = c["staff"] >= 0
    return pd.DataFrame(
        {
            "staff": c["staff"],
            "day": c["day"],
            "credited_order": _flag(credited),
            "credited_paid": _flag(credited & c["paid"].notna()),
        }
    )


def paid_rows(credit: pd.DataFrame) -> pd.DataFrame:
    p = credit[credit["paid"].notna() & credit["paid_day"].notna()]
    p = p.sort_values(["paid", "order"])
    credited = (p["staff"] >= 0).to_numpy()
    first_buyer = ~p.duplicated(["staff", "paid_day", "buyer"]).to_numpy()
    sales = p["sales"].to_numpy()
    return pd.DataFrame(
        {
            "staff": p["staff"],
            "day": p["paid_day"],
            "buyer": p["buyer"],
            "credited": _flag(credited),
            "cs_sales": np.where(credited, sales, 0),
            "cs_items": np.where(credited, np.nan_to_num(p["items"]), 0),
            "cs_buyer": _flag(credited & first_buyer),
            "silent_sales": np.where(credited, 0, sales),
            "sales_amount": sales,
            "cs_paid_amount": np.where(credited, np.nan_to_num(p["paid_amount"]), 0),
            "cs_refund_amount": np.where(credited, p["refund"], 0),
            "cs_returned": _flag(credited & p["returned"].to_numpy(dtype=bool)),
        }
    )


def assist_rows(d: Derived) -> pd.DataFrame:
    a = d.touches[~d.touches["credited"]]
    c = d.credit[d.credit["paid"].notna() & d.credit["paid_day"].notna()]
    a = a.merge(c[["order", "buyer", "paid", "paid_day", "sales"]], on="order")
    a = a.sort_values(["paid", "order"])
    first = ~a.duplicated(["staff", "paid_day", "buyer"])
    return pd.DataFrame(
        {
            "staff": a["staff"],
            "day": a["paid_day"],
            "assist_buyer": _flag(first),
            "assist_sales": a["sales"],
        }
    )


def workday_rows(d: Derived, basis: DaysWorkedBasis) -> pd.DataFrame:
    """Days worked: ``chat`` — days with a human message (staff who never chat: shifts);
    ``shift`` — roster shifts (staff without shifts: days with a human message)."""
    shifts = d.t.shifts
    shifts = shifts[(shifts["staff"] >= 0) & shifts["day"].notna()].drop_duplicates()
    i = d.inquiry
    chat = i.loc[i["agent_wrote"] & (i["staff"] >= 0), ["staff", "day"]].drop_duplicates()
    if basis is DaysWorkedBasis.chat:
        shifts = shifts[~shifts["staff"].isin(set(chat["staff"].unique()))]
    else:
        chat = chat[~chat["staff"].isin(set(shifts["staff"].unique()))]
    shifts = shifts[shifts["day"] <= d.as_of_day]
    rows = pd.concat([shifts, chat], ignore_index=True)
    rows["worked"] = 1
    return rows


def eval_rows(d: Derived) -> pd.DataFrame:
    e = d.t.evals
    score = e["score"].to_numpy()
    has = ~np.isnan(score)
    return pd.DataFrame(
        {
            "staff": e["staff"],
            "day": e["day"],
            "invited": 1,
            "evaluated": _flag(has),
            "satisfied": _flag(np.isin(score, [0, 1])),
            "score5": np.where(has, 5 - score, 0),
        }
    )


def fcr_rows(d: Derived, fcr_days: int) -> pd.DataFrame:
    i = d.inquiry[d.inquiry["received"]]
    contact = i[["buyer", "day"]].drop_duplicates().sort_values(["buyer", "day"])
    nxt = contact["day"].shift(-1).where(contact["buyer"].eq(contact["buyer"].shift(-1)))
    contact["came_back"] = (nxt - contact["day"]) <= fcr_days
    i = i.merge(contact, on=["buyer", "day"], how="left")
    return pd.DataFrame(
        {
            "staff": i["staff"],
            "day": i["day"],
            "contacts": 1,
            "resolved": _flag(~i["came_back"].to_numpy(dtype=bool)),
        }
    )


def chase_rows(d: Derived, credit: pd.DataFrame, hours: int) -> pd.DataFrame:
    s = d.sessions
    touch = s[(s["agent_messages"] > 0) & (s["staff"] >= 0)]
    touch = pd.DataFrame(
        {
            "buyer": touch["buyer"],
            "chase_staff": touch["staff"],
            "chase_day": touch["day"],
            "session": touch["session"],
            "chased": np.where(touch["seller_first"], touch["started"], touch["first_response"]),
        }
    )
    o = credit.loc[credit["buyer"] >= 0, ["order", "buyer", "created", "paid", "paid_amount"]]
    pairs = o.merge(touch, on="buyer")
    pairs = pairs[
        (pairs["chased"] > pairs["created"])
        & (pairs["paid"].isna() | (pairs["chased"] < pairs["paid"]))
    ]
    pairs = pairs.sort_values(["order", "chased", "session"]).drop_duplicates("order")
    recovered = (pairs["paid"] <= pairs["chased"] + hours * 3600).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "staff": pairs["chase_staff"],
            "day": pairs["chase_day"],
            "chased": 1,
            "recovered": _flag(recovered),
            "recovered_amount": np.where(recovered, np.nan_to_num(pairs["paid_amount"]), 0),
        }
    )


def wage_rows(d: Derived, calendar: np.ndarray) -> pd.DataFrame:
    """Base pay spread over calendar days: day k of n carries round(b·k/n) − round(b·(k−1)/n)."""
    st = d.t.staff[d.t.staff["base_salary"].notna() & (d.t.staff["staff"] >= 0)]
    days = pd.to_datetime(calendar, unit="D")
    k = days.day.to_numpy()
    n = days.days_in_month.to_numpy()
    pairs = st.merge(pd.DataFrame({"day": calendar, "k": k, "n": n}), how="cross")
    pairs = pairs[
        (pairs["hired"].isna() | (pairs["day"] >= pairs["hired"]))
        & (pairs["left"].isna() | (pairs["day"] <= pairs["left"]))
    ]
    cache: dict[tuple[float, int, int], float] = {}

    def share(base: float, k: int, n: int) -> float:
        key = (base, k, n)
        if key not in cache:
            b = Decimal(int(base)) / 100
            hi = (b * k / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
            lo = (b * (k - 1) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
            cache[key] = float((hi - lo) * 100)
        return cache[key]

    wage = [
        share(b, int(kk), int(nn))
        for b, kk, nn in zip(pairs["base_salary"], pairs["k"], pairs["n"], strict=True)
    ]
    return pd.DataFrame({"staff": pairs["staff"], "day": pairs["day"], "wage_cost": wage})


# --- periods, roll-up --------------------------------------------------------------------


def period_keys(days: np.ndarray) -> dict[str, np.ndarray]:
    """Each day's period start (day number) for every grain."""
    week = days - np.mod(days + 3, 7)  # 1970-01-01 was a Thursday
    month = pd.to_datetime(days, unit="D").to_numpy(dtype="datetime64[M]").astype("datetime64[D]")
    return {"day": days, "week": week, "month": month.astype("int64").astype("float64")}


def label(grain: str, start: float) -> str:
    d = date.fromordinal(date(1970, 1, 1).toordinal() + int(start))
    if grain == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if grain == "week":
        year, week, _ = d.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return d.isoformat()


def entity_frames(rows: pd.DataFrame, teams: pd.Series) -> dict[str, pd.DataFrame]:
    """The rows once per entity kind, with an ``entity`` column."""
    staff = rows[rows["staff"] >= 0].assign(entity=lambda f: f["staff"])
    team = rows.assign(entity=rows["staff"].map(teams))
    team = team[team["entity"].notna()]
    return {"staff": staff, "team": team, "shop": rows.assign(entity=0)}


def rollup(facts: pd.DataFrame, teams: pd.Series) -> dict[tuple[str, str], pd.DataFrame]:
    """Σ of every fact column per (entity kind, grain) → frame indexed by entity, period."""
    out = {}
    keys = period_keys(facts["day"].to_numpy())
    values = [c for c in facts.columns if c not in ("staff", "day")]
    for kind, frame in entity_frames(facts, teams).items():
        for grain, starts in keys.items():
            period = pd.Series(starts, index=facts.index).loc[frame.index]
            out[(kind, grain)] = frame.groupby(["entity", period.rename("period")])[values].sum()
    return out


def nonadditive(
    rows: pd.DataFrame, column: str, how: str, teams: pd.Series
) -> dict[tuple[str, str], pd.Series]:
    """A distinct count, median or p90 of ``column`` per (entity kind, grain)."""
    out = {}
    keys = period_keys(rows["day"].to_numpy())
    for kind, frame in entity_frames(rows, teams).items():
        for grain, starts in keys.items():
            period = pd.Series(starts, index=rows.index).loc[frame.index].rename("period")
            g = frame.groupby(["entity", period])[column]
            if how == "nunique":
                out[(kind, grain)] = g.nunique()
            elif how == "median":
                out[(kind, grain)] = g.median()
            else:
                out[(kind, grain)] = g.quantile(0.9)
    return out


def compute(d: Derived, config: WorkspaceConfig) -> pd.DataFrame:
    """Every metric for staff, team and shop × day, week and month, as one long table."""
    rules = config.metrics
    credit = d.credit
    inquiry = inquiry_rows(d, config)
    session = session_rows(d, config, rules.first_response_target_seconds)
    rounds = round_rows(d)
    paid = paid_rows(credit)
    workdays = workday_rows(d, rules.days_worked)
    sources = [
        inquiry,
        session.drop(columns=["first_response_seconds"]),
        rounds.drop(columns=["counted_seconds"]),
        outcome_rows(d),
        created_rows(credit),
        paid.drop(columns=["buyer"]),
        assist_rows(d),
        workdays,
        eval_rows(d),
        fcr_rows(d, rules.fcr_days),
        chase_rows(d, credit, rules.chase_hours),
    ]
    data_days = np.concatenate(
        [
            d.inquiry["day"].to_numpy(),
            d.sessions["day"].to_numpy(),
            d.credit["day"].dropna().to_numpy(),
            d.credit["paid_day"].dropna().to_numpy(),
            d.t.evals["day"].dropna().to_numpy(),
            workdays["day"].to_numpy(),
        ]
    )
    # base pay is spread over the days with data, up to as_of's day (Scope.calendar)
    first, last = np.nanmin(data_days), min(np.nanmax(data_days), d.as_of_day)
    sources.append(wage_rows(d, np.arange(first, last + 1)))

    facts = [s.groupby(["staff", "day"], sort=False).sum().reset_index() for s in sources]
    wide = facts[0]
    for f in facts[1:]:
        wide = wide.merge(f, on=["staff", "day"], how="outer")
    wide = wide.fillna(0)

    staff_team = d.t.staff.dropna(subset=["team"]).groupby("staff")["team"].max()
    team_codes = pd.Index(sorted(staff_team.unique()))
    teams = pd.Series(team_codes.get_indexer(staff_team), index=staff_team.index)
    sums = rollup(wide, teams)
    extra = {
        "received_buyers_distinct": nonadditive(
            inquiry[inquiry["received"] == 1], "buyer", "nunique", teams
        ),
        "cs_paying_buyers_distinct": nonadditive(
            paid[paid["credited"] == 1], "buyer", "nunique", teams
        ),
        "staff_headcount": nonadditive(workdays, "staff", "nunique", teams),
    }
    responded = session[session["first_response_seconds"].notna()]
    counted = rounds[rounds["counted"] == 1]
    extra["median_first_response_seconds"] = nonadditive(
        responded, "first_response_seconds", "median", teams
    )
    extra["p90_first_response_seconds"] = nonadditive(
        responded, "first_response_seconds", "p90", teams
    )
    extra["median_response_seconds"] = nonadditive(counted, "counted_seconds", "median", teams)
    extra["p90_response_seconds"] = nonadditive(counted, "counted_seconds", "p90", teams)

    names = {
        "staff": pd.Series(d.t.staff_ids),
        "team": pd.Series(team_codes),
        "shop": pd.Series([d.t.shop_id]),
    }
    parts = []
    for (kind, grain), table in sums.items():
        values: dict[str, tuple[pd.Series, pd.Series | None]] = {}
        for mid, (num, den, shop_only) in ADDITIVE.items():
            if shop_only and kind != "shop":
                continue
            scale = 100.0 if num in MONEY else 1.0
            den_scale = 100.0 if den in MONEY else 1.0
            values[mid] = (
                table[num] / scale,
                table[den] / den_scale if den else None,
            )
        for mid, by_grain in extra.items():
            values[mid] = (by_grain[(kind, grain)].reindex(table.index), None)
        shop_table = sums[("shop", grain)]
        for mid, (num_mid, den_mid, from_shop) in DERIVED.items():
            num_v = values[num_mid][0]
            if from_shop:
                den_v = (shop_table[ADDITIVE[den_mid][0]] / 100.0).droplevel("entity")
                den_v = den_v.reindex(table.index.get_level_values("period")).set_axis(table.index)
            else:
                den_v = values[den_mid][0]
            values[mid] = (num_v, den_v.fillna(0))
        for mid, (num_v, den_v) in values.items():
            frame = pd.DataFrame({"numerator": num_v})
            frame["denominator"] = den_v if den_v is not None else np.nan
            frame["metric_id"] = mid
            frame["entity_kind"] = kind
            frame["grain"] = grain
            parts.append(frame.reset_index())
    out = pd.concat(parts, ignore_index=True)
    den = out["denominator"]
    out["value"] = np.where(
        den.isna(), out["numerator"], np.where(den == 0, np.nan, out["numerator"] / den)
    )
    out["entity_id"] = ""
    for kind, ids in names.items():
        rows = out["entity_kind"] == kind
        out.loc[rows, "entity_id"] = ids.to_numpy()[out.loc[rows, "entity"].astype("int64")]
    keys = out[["grain", "period"]].drop_duplicates()
    keys["label"] = [label(g, p) for g, p in zip(keys["grain"], keys["period"], strict=True)]
    out = out.merge(keys, on=["grain", "period"]).drop(columns=["entity", "period"])
    return out.rename(columns={"label": "period"})
