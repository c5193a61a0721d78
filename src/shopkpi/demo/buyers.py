"""Buyers: new and returning, with 旺旺 nicks (some masked like ``t**8``) and addresses."""

from __future__ import annotations

from shopkpi.demo.model import Buyer
from shopkpi.demo.people import GIVEN, SURNAMES
from shopkpi.demo.rand import Rng, chance, digits, pick

PINYIN = (
    "xiaoyu", "lucky", "sunny", "momo", "jiajia", "yiyi", "amy", "coco", "kiki", "lele",
    "dudu", "tiantian", "xixi", "ann", "sky", "mia", "leo",
)  # fmt: skip
CN_HEADS = (
    "爱吃鱼的", "快乐的", "云朵里的", "安静的", "会飞的", "不吃香菜的", "努力的", "迷路的", "酷酷的",
)  # fmt: skip
CN_TAILS = (
    "猫", "小熊", "糖", "兔子", "鲸鱼", "橘子", "柠檬", "星星", "饼干",
)  # fmt: skip
CN_PLAIN = (
    "小太阳", "向日葵", "青柠", "晴天", "半夏", "南风", "清风", "时光", "清欢", "木子",
)  # fmt: skip
# (province, city, district, street, postcode)
PLACES = (
    ("浙江省", "杭州市", "西湖区", "文三路", "310012"),
    ("上海", "上海市", "浦东新区", "张杨路", "200120"),
    ("北京", "北京市", "朝阳区", "建国路", "100022"),
    ("广东省", "广州市", "天河区", "天河北路", "510620"),
    ("广东省", "深圳市", "南山区", "科技园路", "518057"),
    ("江苏省", "南京市", "鼓楼区", "中山北路", "210008"),
    ("江苏省", "苏州市", "工业园区", "星湖街", "215021"),
    ("四川省", "成都市", "武侯区", "人民南路", "610041"),
    ("湖北省", "武汉市", "洪山区", "珞喻路", "430074"),
    ("山东省", "青岛市", "市南区", "香港中路", "266071"),
    ("河南省", "郑州市", "金水区", "花园路", "450008"),
    ("陕西省", "西安市", "雁塔区", "小寨东路", "710061"),
    ("辽宁省", "沈阳市", "和平区", "南京北街", "110001"),
    ("黑龙江省", "哈尔滨市", "南岗区", "西大直街", "150001"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路", "830002"),
)
MASKED_SHARE = 0.15
RETURNING_SHARE = 0.28


class BuyerPool:
    """Creates buyers and brings some of them back."""

    def __init__(self, rng: Rng) -> None:
        self.rng = rng
        self.buyers: list[Buyer] = []
        self._nicks: set[str] = set()
        self._tickets: list[Buyer] = []  # one per buyer, two more per purchase

    def arrive(self) -> Buyer:
        """A buyer opening a chat or an order: returning ones are favoured once they bought."""
        if self.buyers and chance(self.rng, RETURNING_SHARE):
            return pick(self.rng, self._tickets)
        return self.new()

    def bought(self, buyer: Buyer) -> None:
        """Buyers who ordered are more likely to come back."""
        self._tickets += [buyer, buyer]

    def new(self) -> Buyer:
        rng = self.rng
        nick = self._nick()
        province, city, district, street, postcode = pick(rng, PLACES)
        address = f"{province} {city} {district} {street}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室({postcode})"
        phone = digits(rng, 11, first="1" + pick(rng, "35789"))
        buyer = Buyer(
            nick=nick,
            buyer_id=digits(rng, 10, first="2"),
            receiver=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=phone,
            alipay=f"{phone[:3]}****{phone[-4:]}",
            address=address,
            city=city,
        )
        self.buyers.append(buyer)
        self._tickets.append(buyer)
        return buyer

    def _nick(self) -> str:
        while True:
            nick = _raw_nick(self.rng)
            if chance(self.rng, MASKED_SHARE):
                nick = f"{nick[0]}**{nick[-1]}"
            if nick not in self._nicks:
                self._nicks.add(nick)
                return nick


def _raw_nick(rng: Rng) -> str:
    style = rng.randrange(4)
    if style == 0:
        return "tb" + digits(rng, 10)
    if style == 1:
        return pick(rng, PINYIN) + pick(rng, ("", "_", "")) + str(rng.randint(1, 9999))
    if style == 2:
        return (
            pick(rng, CN_HEADS)
            + pick(rng, CN_TAILS)
            + pick(rng, ("", "", str(rng.randint(1, 999))))
        )
    return pick(rng, CN_PLAIN) + str(rng.randint(1, 2026))
