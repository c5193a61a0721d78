"""Write N rows of a classic 订单报表 (ExportOrderList*.csv) exactly as the platform does:
GBK, CRLF, the full 41-column header with its trailing spaces, ``="…"`` order ids, ``'``
phone prefixes. Generated set-based in DuckDB so that 1M rows take seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

HEADER = (
    "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,"
    "买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,"
    "联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,"
    "店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,"
    "特权订金订单id,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易"
)

LINE_SQL = r"""
SELECT concat_ws(',',
  '="' || (1930679858170000000 + i)::VARCHAR || '"',
  'buyer_' || (i % 200000)::VARCHAR, 'zh***@163.com',
  printf('%.2f', 20 + (i * 37 % 98000) / 100.0), CASE WHEN i % 5 = 0 THEN '10.00' ELSE '0.00' END, '0',
  printf('%.2f', 20 + (i * 37 % 98000) / 100.0), '0',
  printf('%.2f', 20 + (i * 37 % 98000) / 100.0), '0',
  ['"买家已付款，等待卖家发货"', '"卖家已发货，等待买家确认"', '交易成功', '交易关闭', '等待买家付款'][1 + i % 5],
  '', '张三', '浙江省 杭州市 西湖区 文三路' || (i % 999)::VARCHAR || '号(310000)', '快递', '', '''13800000000',
  strftime(TIMESTAMP '2026-10-01 08:00:00' + to_seconds(i * 5), '%Y-%m-%d %H:%M:%S'),
  strftime(TIMESTAMP '2026-10-01 08:01:00' + to_seconds(i * 5), '%Y-%m-%d %H:%M:%S'),
  '夏季T恤', '1', 'YT' || (i * 7)::VARCHAR, '圆通', '', (1 + i % 3)::VARCHAR, '123', '示例店',
  '订单未关闭', '0', '0', '', '手机订单', '', '', '', '', '', '', '0', '0', '否') AS line
FROM range(?) t(i)
"""


def write_orders(path: Path, rows: int) -> Path:
    """Generate ``rows`` orders into ``path`` (GBK)."""
    con = duckdb.connect()
    lines = [r[0] for r in con.execute(LINE_SQL, [rows]).fetchall()]
    text = HEADER + "\r\n" + "\r\n".join(lines) + "\r\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("gbk"))
    return path


if __name__ == "__main__":
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(write_orders(Path(sys.argv[1]), n))
