"""What the chat-QA cases say (issue 6): angry buyers, 广告法 words, promises, warmth.

An agent text is built to an exact length (:mod:`shopkpi.demo.qa_cases`): a head that
carries the case, then tail clauses (each starting with its separator) until the length is
reached. Placeholder: {buyer} the buyer's nick.
"""

from __future__ import annotations

# -- buyers (any length: no metric reads a buyer's words) ----------------------------------
# Not recovered: the buyer gets angrier and ends threatening 12315.
UNRECOVERED = (
    "都三天了怎么还没发货？？急死了！",
    "你们到底怎么回事，再不处理我就投诉了",
    "别再敷衍我了，我现在就打12315投诉你们！",
)
# Recovered: angry at first, calm and thankful at the end.
RECOVERED = (
    "衣服有线头还掉色，质量太差了，我要投诉",
    "你们必须给我处理好，不然就给差评",
    "好的，谢谢你，这样处理我很满意",
)
# A buyer who goes on with the same question seconds after a too-quick reply.
CONTINUATIONS = (
    "还有，我是说这个偏不偏大",
    "就是说我平时穿M码的话拍哪个",
    "而且洗了会不会缩水",
    "还有就是能不能今天发",
)

# -- agents (heads, then tails to the exact length) ----------------------------------------
NEUTRAL_TAILS = (
    "，放心拍哦",
    "，有问题随时联系",
    "，今天下单今天发",
    "，支持七天无理由",
    "，可以先加购物车",
    "，质量有保障的",
    "，很多老顾客回购",
    "，做工很细致",
    "，上身效果很好",
    "，详情页有实拍图",
    "，款式很百搭",
    "，发货很快的",
    "，喜欢可以拍",
    "，包装很用心",
)
ABSOLUTE = (
    "亲，这款是全网最低价",
    "这款销量全网第一",
    "这是国家级标准的面料",
    "亲，这是最佳的选择",
)
PROMISE = (
    "亲，这款面料保证不过敏",
    "我们家的货必过检测",
    "放心拍，我们终身包退",
    "不满意30天无理由退换",
)
COMPENSATION = (
    "实在抱歉，给您补偿20元",
    "亲，加我微信返现10元",
    "私下给您返个红包",
    "给您补偿10元红包",
)
EMPATHY_HEADS = (
    "非常抱歉给您带来不便",
    "真的很抱歉让您久等了",
    "理解您的心情，实在抱歉",
)
EMPATHY_TAILS = (
    "，我马上帮您加急处理",
    "，已经帮您催仓库了",
    "，有进展马上通知您",
    "，请您放心",
    "，辛苦您了",
    "，这边一直跟进",
    "，感谢您的耐心",
)
WARM_HEADS = (
    "亲爱的{buyer}，您好[微笑]",
    "{buyer}亲，让您久等了😊",
    "亲，您好呀[微笑]",
    "亲，给您带来不便非常抱歉",
    "您好亲😊",
)
WARM_TAILS = (
    "，请您放心[爱心]",
    "，感谢您的耐心😊",
    "，有问题随时找我哦",
    "，祝您购物愉快[微笑]",
    "，麻烦您留意一下哦",
    "，辛苦您了",
    "，谢谢亲的支持",
    "，亲放心拍哦",
    "，您看一下哈",
)
CURT_HEADS = ("自己看详情页", "有货", "拍就行", "不议价", "没有优惠", "发中通")
CURT_TAILS = (
    "，尺码表写了",
    "，自己对照",
    "，就这样",
    "，不包邮",
    "，看图",
    "，不清楚",
    "，等着",
    "，没办法",
    "，随便",
    "，别问了",
    "，按页面来",
    "，没有赠品",
)
TEMPLATE_HEAD = "亲，您的问题已收到"
