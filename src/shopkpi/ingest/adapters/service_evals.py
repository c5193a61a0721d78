"""Service evaluations (服务评价) from a list → ``service_eval`` (shared FIELD.md §1.6, 1.6b).

- 评价结果 is text (非常满意 … 非常不满意) or the API digit; stored as score 0..4 with
  0 = 非常满意. A blank result is an invitation not answered yet (score NULL), which the
  participation rate (服务满意度评价参与率) needs.
- 来源: 0 客服邀评, 1 消费者自主评价, 2 系统邀评, as digit or text.
- ``eval_id``: the file's 评价ID when it has one. Otherwise a stable md5 of the invitation
  (account, buyer, 邀评时间); for an evaluation without invitation, of account, buyer and
  评价时间. Keying on the invitation lets a later export that adds the answer update the row.
- ``staff_id``: whoever held the account (``staff_account``) on the evaluation's date.
- ``biz_date``: the local date of 评价时间, else of 邀评时间.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.staff_link import staff_lookup_sql
from shopkpi.ingest.adapters.support import account_sql, ensure_columns
from shopkpi.ingest.adapters.vocab import EVAL_SCORES, EVAL_SOURCES
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q


class ServiceEvalAdapter(TabularAdapter):
    NAME = "service_eval"
    LABEL = "服务评价"
    TABLE = "service_eval"
    SHEETS = ("服务评价",)
    FIELDS = (
        Field("eval_id", ("评价ID", "评价编号", "eval_id"), FieldKind.id),
        Field("agent", ("客服", "客服昵称", "客服账号", "邀评客服", "account_nick"), required=True),
        Field("buyer_nick", ("买家", "买家昵称", "买家会员名", "buyer_nick")),
        Field("sent_at", ("邀评时间", "邀请时间", "sent_at"), FieldKind.ts),
        Field("evaluated_at", ("评价时间", "evaluated_at"), FieldKind.ts, required=True),
        Field(
            "score",
            ("评价结果", "满意度", "score"),
            FieldKind.enum,
            required=True,
            values=EVAL_SCORES,
        ),
        Field("source", ("来源", "评价来源", "source"), FieldKind.enum, values=EVAL_SOURCES),
    )
    SIGNATURE = ("agent", "buyer_nick", "sent_at", "evaluated_at", "score")
    # Reception/chat downloads share 客服 and 买家; their message columns rule this out.
    EXCLUDES = frozenset({"msg", "gmtCreated", "消息内容", "聊天内容", "userNickFrom"})

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        account = account_sql("agent")
        local_date = f"CAST(sk_local(coalesce(evaluated_at, sent_at), {q(ctx.timezone)}) AS DATE)"
        moment = "CAST(coalesce(sent_at, evaluated_at) AS VARCHAR)"
        invited = "CASE WHEN sent_at IS NULL THEN 'self' ELSE 'invited' END"
        return {
            "account_nick": account,
            "eval_id": (
                f"coalesce(eval_id, md5(concat_ws('|', coalesce({account}, ''),"
                f" coalesce(buyer_nick, ''), {invited}, {moment})))"
            ),
            "staff_id": staff_lookup_sql(ctx.shop_id, account, local_date),
            "biz_date": local_date,
        }
