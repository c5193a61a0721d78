"""Resolve chat sub-accounts (子账号) to staff, set-based.

A sub-account ``店铺名:客服名`` maps to a staff member through ``staff_account``, valid from
``valid_from`` to ``valid_to`` (inclusive; sub-accounts are reassigned when people leave).

- Before any roster has been imported, an unknown sub-account becomes a staff member:
  ``staff_id`` = the account nick, ``name`` = the part after ``:``, ``needs_review`` = true,
  plus an open-ended ``staff_account`` row, so that someone can confirm or merge it later.
- Once a roster exists, unknown sub-accounts keep ``staff_id`` NULL and the import notes
  name them, so the roster can be completed.

Auto-created rows never overwrite an existing staff member or account mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shopkpi.ingest.adapters.chat_common import select_columns
from shopkpi.ingest.base import ImportContext, Staged
from shopkpi.ingest.tabular import q
from shopkpi.warehouse.db import scalar_int

MAX_NAMED = 20  # unknown accounts named in the note; the rest are counted
# Auto-created links are open since ever; the roster uses the same date when 入职日期 is blank.
OPEN_FROM = "DATE '1970-01-01'"


@dataclass
class StaffResolution:
    """``map_table`` (account_nick, biz_date, staff_id), rows to upsert, and notes."""

    map_table: str
    staged: list[Staged] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def has_roster(ctx: ImportContext) -> bool:
    """True once the shop has account mappings other than unconfirmed auto-created ones."""
    return bool(
        scalar_int(
            ctx.con,
            """SELECT count(*) FROM staff_account sa WHERE sa.shop_id = ? AND NOT EXISTS (
                   SELECT 1 FROM staff s WHERE s.staff_id = sa.staff_id AND s.needs_review)""",
            [ctx.shop_id],
        )
    )


def resolve_staff(ctx: ImportContext, pairs_sql: str, tag: str) -> StaffResolution:
    """Map every (account_nick, biz_date) in ``pairs_sql`` to a staff id where one is known."""
    con = ctx.con
    pairs, mapping = f"_chat_pairs_{tag}", f"_chat_staffmap_{tag}"
    con.execute(
        f"""CREATE TEMP TABLE {pairs} AS SELECT DISTINCT account_nick, biz_date
            FROM ({pairs_sql}) WHERE account_nick IS NOT NULL"""
    )
    # The newest valid mapping wins; a confirmed one beats an auto-created one.
    con.execute(
        f"""CREATE TEMP TABLE {mapping} AS
            SELECT p.account_nick, p.biz_date, sa.staff_id FROM {pairs} p
            JOIN staff_account sa ON sa.shop_id = {q(ctx.shop_id)}
                AND sa.account_nick = p.account_nick AND sa.staff_id IS NOT NULL
                AND (sa.valid_from IS NULL OR p.biz_date >= sa.valid_from)
                AND (sa.valid_to IS NULL OR p.biz_date <= sa.valid_to)
            LEFT JOIN staff s ON s.staff_id = sa.staff_id
            QUALIFY row_number() OVER (PARTITION BY p.account_nick, p.biz_date
                ORDER BY coalesce(s.needs_review, false), sa.valid_from DESC NULLS LAST) = 1"""
    )
    unknown = [
        str(r[0])
        for r in con.execute(
            f"""SELECT DISTINCT p.account_nick FROM {pairs} p ANTI JOIN {mapping} m
                USING (account_nick, biz_date) ORDER BY 1"""
        ).fetchall()
    ]
    result = StaffResolution(mapping)
    if not unknown:
        return result
    if has_roster(ctx):
        result.notes.append(_unknown_note(unknown))
        return result
    result.staged = _auto_create(ctx, pairs, mapping, tag)
    return result


def _auto_create(ctx: ImportContext, pairs: str, mapping: str, tag: str) -> list[Staged]:
    """Staff and staff_account rows for unknown accounts (no roster yet); extends ``mapping``."""
    con = ctx.con
    new = f"_chat_newacct_{tag}"
    con.execute(
        f"""CREATE TEMP TABLE {new} AS SELECT DISTINCT p.account_nick FROM {pairs} p
            ANTI JOIN {mapping} m USING (account_nick, biz_date)"""
    )
    con.execute(
        f"""INSERT INTO {mapping} SELECT p.account_nick, p.biz_date, p.account_nick
            FROM {pairs} p SEMI JOIN {new} n USING (account_nick)
            ANTI JOIN {mapping} m USING (account_nick, biz_date)"""
    )
    name = "CASE WHEN contains(account_nick, ':') THEN substr(account_nick, strpos(account_nick, ':') + 1) ELSE account_nick END"
    staff_cols = select_columns(
        "staff", {"staff_id": "account_nick", "name": name, "needs_review": "true"}
    )
    con.execute(
        f"""CREATE TEMP TABLE _chat_newstaff_{tag} AS SELECT {staff_cols}, NULL::BIGINT AS _row
            FROM {new} n WHERE NOT EXISTS (SELECT 1 FROM staff s WHERE s.staff_id = n.account_nick)"""
    )
    account_cols = select_columns(
        "staff_account",
        {
            "shop_id": q(ctx.shop_id),
            "account_nick": "account_nick",
            "valid_from": OPEN_FROM,
            "staff_id": "account_nick",
        },
    )
    con.execute(
        f"""CREATE TEMP TABLE _chat_newsa_{tag} AS SELECT {account_cols}, NULL::BIGINT AS _row
            FROM {new} n WHERE NOT EXISTS (SELECT 1 FROM staff_account sa
                WHERE sa.shop_id = {q(ctx.shop_id)} AND sa.account_nick = n.account_nick)"""
    )
    return [
        Staged("staff", f"_chat_newstaff_{tag}"),
        Staged("staff_account", f"_chat_newsa_{tag}"),
    ]


def _unknown_note(unknown: list[str]) -> str:
    named = "、".join(unknown[:MAX_NAMED])
    more = f" 等 {len(unknown)} 个" if len(unknown) > MAX_NAMED else ""
    return (
        f"以下子账号不在员工花名册中，消息已导入但未关联员工：{named}{more}；"
        "请在花名册的「子账号」列补上后重新导入花名册"
    )
