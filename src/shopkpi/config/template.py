"""The commented ``shopkpi.yaml`` that ``shopkpi init`` writes."""

from __future__ import annotations

CONFIG_TEMPLATE = """\
# shopkpi 工作区配置 (workspace configuration)
# Every setting below shows its default. Delete a line to go back to the default.
# 每个设置都写出了默认值；删除一行即恢复默认。

shops:                          # 店铺列表；导入时用 --shop 选择，默认第一个
  - id: {shop_id}               # 英文/数字标识，写进每一行数据的 shop_id
    name: {shop_name}           # 店铺名（子账号「店铺名:客服名」里的店铺名）
    platform: taobao            # taobao | tmall | jd | pdd | douyin | other
    timezone: Asia/Shanghai     # 平台时间都是北京时间；biz_date 按此时区计算
    service_hours:              # 客服服务时间（默认 08:00–24:00）
      windows:
        - {{start: "08:00", end: "23:59:59"}}
      days_off: []              # 休息日，如 ["2026-02-17"]
      out_of_hours: from_next_opening   # 非服务时间开始的回合：from_next_opening 从下次上班起算 | exclude 不计

week_start: monday              # 周从周一开始（ISO）

session:                        # 会话与响应轮次（见 GLOSSARY：会话、回合）
  idle_minutes: 10              # 空闲超过 N 分钟切分会话，空闲时间不计入
  round_cap_seconds: 600        # 平台口径平均响应：每轮最多计 600 秒
  slow_seconds: 120             # 慢响应阈值
  slow_reception_min_rounds: 3  # 同一买家一天内慢响应 ≥3 次 = 慢接待
  long_session_minutes: 30      # 长接待阈值
  within_seconds: 180           # 3分钟响应率的阈值
  aftersale_days: 21            # 21 天内付过款且未再下单的买家算售后
  auto_reply_prefixes: ["[自动回复]", "【自动回复】", "#"]   # 以此开头的客服消息是自动回复
  auto_reply_senders: []        # 这些发送者的消息都是机器人/自动回复
  filler_phrases: ["在的", "在呢", "稍等", "亲，在的哦", "您好，在的", "马上为您查询"]  # 过渡话术
  filler_max_chars: 12          # 过渡话术：去掉空格标点后以上述短语开头且不超过 N 个字
  transfer_patterns: ['转交给\\s*(\\S+)', '-->\\s*(\\S+)']   # 转接的系统消息（第 1 组 = 接手的子账号）

attribution:                    # 订单归属（落实下单/付款）
  anchor: order_first           # order_created 下单判定 | order_paid 付款判定 | order_first 下单优先判定
  picker: last_touch            # last_touch 末次接待 | first_touch 首次接待
  window: same_or_previous_day  # same_or_previous_day 当天或前一天 | hours 按小时
  window_hours: null            # window: hours 时的小时数，如 24 或 48
  touch: agent_message          # agent_message 客服人工发言即算接待 | reception 当天买家也在该账号发过言才算
  deduct_refunds: true          # 客服销售额扣除退款
  deduct_postage: false         # 客服销售额扣除邮费
  payment_buffer_days: 4        # 询单→最终付款在此天数后才定稿（之前显示「待定」）
  conversion: credited          # 询单转化：credited 只计落实给该客服的订单（平台口径）| buyer 买家的任何订单都算

metrics:                        # 指标口径（派生表之外的规则）
  days_worked: chat             # 上班天数：chat 有人工消息的天数（平台口径；从不聊天的员工按排班）| shift 按排班表（无排班的员工按有人工消息的天数）
  fcr_days: 3                   # 问题一次解决：接待后 N 天内买家没有再来咨询
  chase_hours: 24               # 催付成功：催付后 N 小时内付款
  first_response_target_seconds: 15   # 15秒首响率的阈值（头部店铺标准）

engine:
  warehouse: warehouse.duckdb   # DuckDB 数据仓库文件
  database_url: sqlite:///app.db  # 应用数据库（用户、评分、审批）；生产可用 postgresql://…
  memory_limit: 4GB             # DuckDB 内存上限，超出时溢写到 temp_directory
  temp_directory: .shopkpi_tmp
  threads: null                 # null = 全部 CPU 核

ingest:
  mappings: ["mappings/*.yaml"] # 通用导入的列映射文件（其他平台、ERP 导出）
"""


def render_config(shop_id: str = "my_shop", shop_name: str = "我的店铺") -> str:
    return CONFIG_TEMPLATE.format(shop_id=shop_id, shop_name=shop_name)
