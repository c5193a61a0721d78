"""The shop's goods: ~30 items in several categories, ¥29–¥1299, each with colour × size SKUs."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.demo.model import Product, Sku
from shopkpi.demo.rand import Rng, digits

CLOTHES = ("S", "M", "L", "XL", "XXL")
SHOES = ("36", "37", "38", "39", "40", "41", "42", "43")
ONE_SIZE = ("均码",)

# (short name, category, title, price, colours, sizes, popularity)
ITEMS: tuple[tuple[str, str, str, str, str, tuple[str, ...], float], ...] = (
    ("羽绒服", "羽绒服", "90白鸭绒羽绒服女中长款2026冬季新款加厚连帽保暖外套", "899", "黑色 米白 雾霾蓝", CLOTHES, 3.0),
    ("短款羽绒服", "羽绒服", "短款羽绒服男冬季新款面包服立领轻薄保暖鸭绒外套", "599", "黑色 军绿 卡其", CLOTHES, 2.5),
    ("鹅绒服", "羽绒服", "95白鹅绒长款过膝羽绒服女高端加厚防风极寒外套", "1299", "黑色 燕麦色", CLOTHES, 1.2),
    ("轻薄羽绒服", "羽绒服", "轻薄羽绒服女短款立领可收纳内胆秋冬打底外套", "369", "黑色 藏青 酒红 米白", CLOTHES, 2.0),
    ("羊毛大衣", "外套", "双面羊毛大衣女中长款秋冬新款高级感呢子外套", "1099", "驼色 黑色 燕麦色", CLOTHES, 1.0),
    ("冲锋衣", "外套", "三合一冲锋衣男女款户外防水防风登山服可拆卸抓绒内胆", "459", "黑色 藏青 橙色", CLOTHES, 1.8),
    ("夹克", "外套", "工装夹克男春秋款宽松休闲立领外套潮牌", "259", "黑色 军绿 卡其", CLOTHES, 1.5),
    ("摇粒绒外套", "外套", "摇粒绒外套女秋冬加厚仿羊羔毛立领开衫", "139", "米白 灰色 咖啡", CLOTHES, 2.2),
    ("连帽卫衣", "卫衣", "加绒连帽卫衣女秋冬宽松慵懒风加厚上衣", "129", "灰色 黑色 杏色 雾粉", CLOTHES, 3.0),
    ("圆领卫衣", "卫衣", "重磅纯棉圆领卫衣男秋季宽松美式休闲套头衫", "159", "黑色 白色 藏青", CLOTHES, 2.4),
    ("半拉链卫衣", "卫衣", "半拉链立领卫衣女秋冬加绒复古字母刺绣上衣", "149", "墨绿 燕麦 黑色", CLOTHES, 1.6),
    ("毛衣", "针织衫", "圆领羊毛衫女秋冬软糯打底毛衣内搭针织衫", "199", "米白 燕麦 黑色 酒红", CLOTHES, 2.2),
    ("高领毛衣", "针织衫", "高领羊绒衫女纯色修身打底衫秋冬保暖", "499", "黑色 驼色 白色", CLOTHES, 1.0),
    ("开衫", "针织衫", "V领针织开衫女秋季短款外搭毛衣外套", "169", "米白 浅灰 黑色", CLOTHES, 1.4),
    ("牛仔裤", "裤装", "高腰直筒牛仔裤女秋冬加绒显瘦阔腿拖地裤", "179", "浅蓝 深蓝 黑色", CLOTHES, 2.8),
    ("工装裤", "裤装", "美式工装裤男宽松直筒休闲裤多口袋束脚裤", "139", "黑色 军绿 卡其", CLOTHES, 2.0),
    ("加绒运动裤", "裤装", "加绒加厚运动裤女秋冬束脚卫裤休闲裤", "99", "黑色 灰色 藏青", CLOTHES, 2.6),
    ("打底裤", "裤装", "鲨鱼裤外穿加绒打底裤女秋冬高腰瑜伽裤", "59", "黑色 灰色", CLOTHES, 3.2),
    ("连衣裙", "连衣裙", "法式方领长袖连衣裙女秋冬针织收腰显瘦长裙", "269", "黑色 酒红 墨绿", CLOTHES, 1.6),
    ("毛呢裙", "连衣裙", "毛呢半身裙女秋冬高腰A字裙中长款百褶裙", "189", "黑色 灰色 咖啡", CLOTHES, 1.2),
    ("雪地靴", "鞋靴", "雪地靴女冬季加绒加厚防滑短靴面包棉鞋", "229", "栗色 黑色 灰色", SHOES, 2.0),
    ("马丁靴", "鞋靴", "真皮马丁靴女英伦风短靴秋冬加绒厚底靴子", "399", "黑色 棕色", SHOES, 1.4),
    ("运动鞋", "鞋靴", "老爹鞋女秋冬厚底增高休闲运动鞋透气跑步鞋", "299", "白色 米灰 黑色", SHOES, 1.8),
    ("棉拖鞋", "鞋靴", "毛绒棉拖鞋女冬季居家室内防滑厚底保暖", "39", "粉色 灰色 米白", SHOES, 2.5),
    ("围巾", "配饰", "羊毛围巾女冬季百搭纯色保暖加厚披肩", "89", "驼色 黑色 酒红 燕麦", ONE_SIZE, 2.4),
    ("毛线帽", "配饰", "针织毛线帽女冬季保暖护耳百搭堆堆帽", "49", "黑色 米白 灰色 酒红", ONE_SIZE, 2.6),
    ("手套", "配饰", "触屏手套女冬季加绒保暖骑车防风五指手套", "29", "黑色 灰色 粉色", ONE_SIZE, 2.2),
    ("羊毛袜", "配饰", "羊毛袜子女冬季中筒加厚保暖袜 5双装", "39", "混色 黑色", ONE_SIZE, 2.8),
    ("双肩包", "配饰", "双肩包女大容量通勤电脑包学生书包", "159", "黑色 灰色 卡其", ONE_SIZE, 1.3),
    ("家居服", "家居服", "珊瑚绒睡衣女冬季加厚法兰绒家居服套装", "129", "粉色 灰色 蓝色", CLOTHES, 2.0),
)  # fmt: skip


def make_catalogue(rng: Rng) -> list[Product]:
    return [_product(rng, i, row) for i, row in enumerate(ITEMS)]


def _product(
    rng: Rng, index: int, row: tuple[str, str, str, str, str, tuple[str, ...], float]
) -> Product:
    short, category, title, price, colours, sizes, popularity = row
    outer = f"SK{26 * 100 + index + 1:05d}"
    size_key = "尺码" if sizes is not SHOES else "鞋码"
    skus = tuple(
        Sku(
            props=f"颜色分类:{colour};{size_key}:{size}"
            if size != "均码"
            else f"颜色分类:{colour}",
            outer_id=f"{outer}-{c + 1:02d}-{size}",
            color=colour,
            size=size,
        )
        for c, colour in enumerate(colours.split())
        for size in sizes
    )
    return Product(
        item_id=digits(rng, 12, first="7"),
        title=title,
        short=short,
        category=category,
        price=Decimal(price).quantize(Decimal("0.01")),
        outer_id=outer,
        skus=skus,
        popularity=popularity,
    )
