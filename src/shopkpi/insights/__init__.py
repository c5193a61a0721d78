"""Insights (issue 7): diagnosis per person, fair comparison, labour efficiency, anomalies
with an exact decomposition and a root-cause search, pacing and alerts, daily/monthly reports.

Warehouse inputs added by this issue (``warehouse/schema.py``):

- ``traffic_daily``: shop_id, biz_date, channel, category, visitors, page_views, buyers,
  orders, paid_amount (DECIMAL) — the 生意参谋 traffic export, one row per day × channel ×
  category (either may be '' when the export does not split by it);
- ``review``: shop_id, review_id, order_id, buyer_nick, reviewed_at, rating (good |
  neutral | bad), score (1–5 or NULL), content, followup_content, followup_at, changed_rating
  (the rating after the buyer changed it, or NULL), changed_at, biz_date.
"""
