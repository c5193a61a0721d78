"""Sub-account ↔ staff links: roster accounts, look-ups, and adopting auto-created staff.

When chats arrive before a roster, an unknown sub-account becomes a staff member whose
``staff_id`` is the account nick, flagged ``needs_review``. A roster that later lists the
account takes over: the account's ``staff_account`` rows are re-pointed to the roster's
``staff_id`` (each overwrite recorded in ``import_overwrite``), fact rows that carried the
provisional id are re-resolved, and the provisional staff row is removed once nothing
points at it.
"""

from __future__ import annotations

import itertools

from shopkpi.ingest.adapters.support import account_sql
from shopkpi.ingest.base import ImportContext, Staged
from shopkpi.ingest.tabular import q
from shopkpi.warehouse.db import scalar_int
from shopkpi.warehouse.schema import TABLES

_counter = itertools.count()
ACCOUNT_SEPARATORS = r"[;；,，、\r\n]+"
EPOCH = "DATE '1970-01-01'"  # valid_from when the roster gives no 入职日期


def staff_lookup_sql(shop_id: str, account: str, on_date: str) -> str:
    """SQL for the staff holding ``account`` on local date ``on_date`` (latest link if NULL)."""
    return f"""(SELECT sa.staff_id FROM staff_account sa
        WHERE sa.shop_id = {q(shop_id)} AND sa.account_nick = {account}
          AND ({on_date} IS NULL OR (sa.valid_from <= {on_date}
               AND (sa.valid_to IS NULL OR sa.valid_to >= {on_date})))
        ORDER BY sa.valid_from DESC LIMIT 1)"""


def stage_accounts(ctx: ImportContext, staff: Staged, accounts_col: str) -> Staged:
    """``staff_account`` rows for the staged roster: one per ``;``-separated 子账号."""
    temp = f"_staff_account_{next(_counter)}"
    ctx.con.execute(
        f"""CREATE TEMP TABLE {temp} AS
            SELECT {q(ctx.shop_id)} AS shop_id, {account_sql("nick")} AS account_nick,
                   coalesce(hired_on, {EPOCH}) AS valid_from, staff_id,
                   left_on AS valid_to, _row
            FROM (SELECT s.*, unnest(string_split_regex(coalesce(c.{accounts_col}, ''),
                                                        {q(ACCOUNT_SEPARATORS)})) AS nick
                  FROM {staff.temp_table} s JOIN {staff.cleaned} c ON c.__row = s._row)
            WHERE trim(nick) <> ''"""
    )
    return Staged("staff_account", temp)


def adopt_auto_staff(ctx: ImportContext, roster: Staged, accounts: Staged) -> None:
    """Hand accounts held by auto-created staff (``needs_review``) to the roster's staff."""
    adopt = f"_adopt_{next(_counter)}"
    _plan_adoption(ctx, accounts.temp_table, adopt)
    if not scalar_int(ctx.con, f"SELECT count(*) FROM {adopt}"):
        return
    _repoint_accounts(ctx, adopt)
    for table in _fact_tables():
        _reresolve_facts(ctx, table, adopt, accounts.temp_table)
    _drop_orphans(ctx, adopt, roster.temp_table)


def _plan_adoption(ctx: ImportContext, accounts: str, adopt: str) -> None:
    """Pick, for each auto-created link, the roster row covering its start (else the earliest).

    Auto-created links may have no ``valid_from`` (open since ever).
    """
    covers = "r.valid_from <= coalesce(e.valid_from, DATE '0001-01-01')"
    ctx.con.execute(
        f"""CREATE TEMP TABLE {adopt} AS
            SELECT * FROM (
                SELECT e.account_nick, e.valid_from, e.staff_id AS old_id, r.staff_id AS new_id,
                       e._file_hash AS prev_hash
                FROM staff_account e
                JOIN staff s ON s.staff_id = e.staff_id AND s.needs_review
                JOIN {accounts} r ON r.account_nick = e.account_nick
                WHERE e.shop_id = {q(ctx.shop_id)}
                QUALIFY row_number() OVER (PARTITION BY e.account_nick, e.valid_from
                    ORDER BY ({covers}) DESC, CASE WHEN {covers} THEN r.valid_from END DESC,
                             r.valid_from) = 1)
            WHERE old_id <> new_id"""
    )


def _repoint_accounts(ctx: ImportContext, adopt: str) -> None:
    shop = q(ctx.shop_id)
    ctx.con.execute(
        f"""INSERT INTO import_overwrite
            SELECT {q(ctx.file_hash)}, 'staff_account',
                   concat_ws('|', {shop}, account_nick, CAST(valid_from AS VARCHAR)), prev_hash
            FROM {adopt}"""
    )
    ctx.con.execute(
        f"""UPDATE staff_account e SET staff_id = a.new_id, _file_hash = {q(ctx.file_hash)}
            FROM {adopt} a WHERE e.shop_id = {shop} AND e.account_nick = a.account_nick
              AND e.valid_from IS NOT DISTINCT FROM a.valid_from"""
    )


def _fact_tables() -> list[str]:
    needed = {"shop_id", "staff_id", "account_nick", "biz_date"}
    return [t.name for t in TABLES.values() if needed <= set(t.column_names)]


def _reresolve_facts(ctx: ImportContext, table: str, adopt: str, accounts: str) -> None:
    """Rows that carried a provisional id: the roster link of their date, else the adoptee."""
    ctx.con.execute(
        f"""UPDATE {table} f SET staff_id = coalesce(
                (SELECT r.staff_id FROM {accounts} r
                 WHERE r.account_nick = f.account_nick AND r.valid_from <= f.biz_date
                   AND (r.valid_to IS NULL OR r.valid_to >= f.biz_date)
                 ORDER BY r.valid_from DESC LIMIT 1),
                (SELECT a.new_id FROM {adopt} a WHERE a.old_id = f.staff_id
                 ORDER BY a.valid_from DESC LIMIT 1))
            WHERE f.shop_id = {q(ctx.shop_id)} AND f.staff_id IN (SELECT old_id FROM {adopt})"""
    )


def _drop_orphans(ctx: ImportContext, adopt: str, roster: str) -> None:
    orphans = f"""SELECT staff_id, _file_hash FROM staff WHERE needs_review
        AND staff_id IN (SELECT old_id FROM {adopt})
        AND staff_id NOT IN (SELECT staff_id FROM staff_account WHERE staff_id IS NOT NULL)
        AND staff_id NOT IN (SELECT staff_id FROM {roster})"""
    ctx.con.execute(
        f"INSERT INTO import_overwrite SELECT {q(ctx.file_hash)}, 'staff', staff_id, _file_hash"
        f" FROM ({orphans})"
    )
    ctx.con.execute(f"DELETE FROM staff WHERE staff_id IN (SELECT staff_id FROM ({orphans}))")
