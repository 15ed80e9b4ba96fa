"""Rules for frequent words: the sense of 在, 會, 想, 要, 上 ... that its neighbours call for.

Each rule reads what the words around a word suggest (`Neighbours`) and names the sense it
wants, or None to leave the choice to the general preferences (`reader.core.dictionary.senses`):
在 before a verb is the progressive, before a place "(located) at"; 會 before a skill verb is
"can"; 想 before a person at a clause's end is "to miss". `PREFERRED` names the sense running
text means for words whose first CC-CEDICT sense is not it, whatever the neighbours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Neighbours:
    """What the words around a word suggest (Simplified forms; "" past a clause's edge)."""

    before: str = ""
    after: str = ""
    after_next: str = ""  # the word after `after`
    before_is_verb: bool = False
    after_is_verb: bool = False
    opens_clause: bool = True  # nothing before the word in its clause
    yi_before: bool = False  # 一 earlier in the clause (一…就: as soon as)
    question: bool = False  # the sentence ends with a question mark


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


BEFORE_VERBS = _words(
    """不 没 没有 要 会 能 可以 应该 应当 想 已经 已 正在 正 都 也 就 还 又
    再 才 一起 将 曾 曾经 必须 得 愿意 开始 继续 共同 努力 积极 不断 进一步
    别 不要 请"""
)
AFTER_VERBS = _words("""了 着 过 得 起来 下来 下去 出来""")
_COUNTERS = frozenset("一二两三四五六七八九十百千万几每这那哪某多半整好")

# --- rules for frequent words ------------------------------------------------------------------

_PRONOUNS = _words("""我 你 您 他 她 它 我们 你们 他们 她们 咱们 大家 别人 人家""")
_PEOPLE = _words(
    """朋友 病人 老师 奶奶 爷爷 外婆 外公 父母 妈妈 爸爸 孩子 同学 医生 家人 亲戚
    姐姐 哥哥 弟弟 妹妹 老人 客户 女朋友 男朋友"""
)
_SKILL_VERBS = _words(
    """说 讲 写 读 做 开 游泳 唱 唱歌 跳舞 画 画画 用 打 骑 弹 开车 做饭 下棋
    滑雪 编程 说话 跳"""
)
_FEELINGS = _words(
    """高兴 开心 大 多 久 快 美 漂亮 累 冷 热 难 可怜 可爱 厉害 舒服 奇怪 长
    远 小 帅 好看 好吃 贵 便宜 伤心 难过 紧张 幸福 聪明 热闹 安静 干净 危险
    重要 简单 复杂"""
)
# One-character names of countries and places (美 USA, 欧 Europe), Simplified.
ABBREVIATED_NAMES = frozenset("中美日英法德俄韩欧港台澳朝越印澳加意西葡荷瑞巴以伊")
_ABBREVIATED_NAMES = ABBREVIATED_NAMES
# After one of those, these make "the X side", "X troops", "X-funded firm": 美方, 欧方, 美军.
AFTER_ABBREVIATED_NAMES = "方军元籍企媒股债"
_NEWS_SOURCES = ("报", "社", "网", "台", "电")


def is_place_compound(word: str) -> bool:
    """A place's one-character name and a noun of it: 美方, 欧方 "the European side", 英军."""
    return len(word) == 2 and word[0] in ABBREVIATED_NAMES and word[1] in AFTER_ABBREVIATED_NAMES


Rule = Callable[[Neighbours], "str | None"]


def _zai(around: Neighbours) -> str | None:
    if around.after_is_verb and around.after not in ("家", "这里", "那里"):
        return "(used before a verb to indicate an action in progress)"
    return "(of sb or sth) to be (located) at"


def _dui(around: Neighbours) -> str | None:
    if not around.after or around.before in ("很", "说得", "不", "是", "太", "真", "都", "也"):
        return "right; correct"
    if around.opens_clause:
        return "concerning; regarding"
    return "towards; at; for"


def _gei(around: Neighbours) -> str | None:
    if around.after in _PRONOUNS and around.after_next and not counts_next(around.after_next):
        return "for"
    return "to give"


def counts_next(word: str) -> bool:
    """A number or 這/那/幾/每 ... starts the word: what comes next is counted."""
    return bool(word) and (word[:1] in _COUNTERS or word[:1].isdigit())


def _hui(around: Neighbours) -> str | None:
    if around.after in _SKILL_VERBS or not around.after:
        return "can; to have the skill"
    if around.after_is_verb or around.after in ("有", "是", "下雨", "很"):
        return "to be likely to"
    return None


def _xiang(around: Neighbours) -> str | None:
    if around.after in _PRONOUNS or around.after in _PEOPLE:
        if not around.after_next:
            return "to miss"
        return "to think (that)"
    if around.after_is_verb or around.after in ("吃", "喝", "去", "买", "要"):
        return "to desire; to want (to)"
    return None


def _yao(around: Neighbours) -> str | None:
    if around.after_is_verb and around.before not in _PRONOUNS:
        return "will; shall; about to"
    if around.after_is_verb:
        return None
    return "to want; to need; to ask for"


def _kan(around: Neighbours) -> str | None:
    return "to visit; to call on" if around.after in _PEOPLE else None


def _hao(around: Neighbours) -> str | None:
    if around.after in _FEELINGS and around.before not in ("很", "真", "太"):
        return "(before an adjective for exclamatory effect) so"
    return "good"


def _xing(around: Neighbours) -> str | None:
    if around.before in ("很", "真", "太", "挺", "最", "真的"):
        return "capable; competent"
    if not around.after:
        return "all right; OK!"
    return None


def _dian(around: Neighbours) -> str | None:
    if around.before and (around.before[-1] in _COUNTERS or around.before[-1].isdigit()):
        if around.after in ("", "钟", "半", "多", "左右", "以前", "以后", "了"):
            return "(after a number) o'clock"
        return "classifier for small amounts"
    if around.after in AFTER_VERBS or around.before in _PRONOUNS:
        return "to order (food etc); to select"
    return "point; dot; spot; speck"


def _shang(around: Neighbours) -> str | None:
    if around.before and not around.before_is_verb and around.before not in _PRONOUNS:
        return "(noun suffix) on; above"
    if around.after in ("了", "过") or around.before in _PRONOUNS:
        return "to climb; to get onto; to go up"
    return None


def _xia(around: Neighbours) -> str | None:
    if around.after in ("个", "次", "周", "星期", "回", "午", "个月", "礼拜", "一个"):
        return "next (week etc)"
    if around.before and (around.before[-1] in _COUNTERS or around.before[-1].isdigit()):
        return "measure word to show the frequency of an action"
    return None


def _zhong(around: Neighbours) -> str | None:
    if around.after[:1] in ("奖", "彩", "标", "选"):
        return "to win (a prize or lottery)"
    if around.after[:1] in ("枪", "弹", "毒", "暑", "风", "邪", "计", "箭"):
        return "to be struck by"
    return None


def _lao(around: Neighbours) -> str | None:
    if around.after and (
        len(around.after) == 1 and around.after in "大二三四五王李张刘陈杨黄赵吴周"
    ):
        return "prefix used before the surname"
    return "old (of people)"


def _chang_zhang(around: Neighbours) -> str | None:
    if around.after in ("了", "得", "大", "高", "出", "满", "成") or around.before_is_verb:
        return "to grow"
    return None


def _hua(around: Neighbours) -> str | None:
    if (
        around.after in ("了", "过", "钱", "时间", "很多", "不少", "多少")
        or around.before in _PRONOUNS
    ):
        return "to spend (money, time)"
    return "flower"


def _fang(around: Neighbours) -> str | None:
    if around.before in _ABBREVIATED_NAMES or around.before in (
        "双",
        "各",
        "对",
        "另一",
        "我",
        "一",
    ):
        return "side"
    return None


def _mei(around: Neighbours) -> str | None:
    neighbour_is_name = around.before in _ABBREVIATED_NAMES or around.after in _ABBREVIATED_NAMES
    if neighbour_is_name or around.after[:1] in AFTER_ABBREVIATED_NAMES:
        return "(bound form) USA"
    return None


def _xun(around: Neighbours) -> str | None:
    return "(bound form) news; information" if around.before.endswith(_NEWS_SOURCES) else None


def _cai(around: Neighbours) -> str | None:
    if counts_next(around.after):
        return "(before an expression of quantity) only"
    if around.after_is_verb or around.after in ("是", "会", "能", "有", "开始", "知道"):
        return "then and only then"
    return None


def _jiu(around: Neighbours) -> str | None:
    if around.yi_before:
        return "(after a clause of action) as soon as"
    return None


def _ba(around: Neighbours) -> str | None:
    if around.before and (around.before[-1] in _COUNTERS or around.before[-1].isdigit()):
        return "classifier for things with handles"
    return "(used to put the object before the verb"


def _bei(around: Neighbours) -> str | None:
    if around.before and around.before[-1] in _COUNTERS:
        return "quilt"
    return "used to indicate passive voice"


def _rang(around: Neighbours) -> str | None:
    """讓 is to yield a seat or the way (讓座, 讓路), else to let or make someone do it."""
    if not around.after or around.after[:1] in "座位路步开出":
        return "to yield"
    return "to let sb do sth"


def _bi(around: Neighbours) -> str | None:
    if around.after and around.after_next and not around.after_is_verb:
        return "(followed by a noun and adjective) more {adj.} than {noun}"
    return None


def _jiao(around: Neighbours) -> str | None:
    if around.after in ("什么", "做") or around.question:
        return "to be called"
    if around.after in _PRONOUNS and around.after_next:
        return "to order"
    return None


def _tong(around: Neighbours) -> str | None:
    """同 before someone or something is with (同他, 同各國合作); before a verb together (同去);
    at a clause's end the same."""
    if not around.after or around.after in ("的", "是"):
        return "same"
    if around.after_is_verb and around.after not in _PRONOUNS:
        return "together"
    return "with"


def _yisi(around: Neighbours) -> str | None:
    if around.before in ("什么", "的", "这个", "那个") or around.after in ("是", "就是"):
        return "meaning"
    return None


def _gaoceng(around: Neighbours) -> str | None:
    if around.after in ("建筑", "楼", "住宅", "大厦", "楼宇"):
        return "high-rise"
    return "high level; high class"


def _kaifang(around: Neighbours) -> str | None:
    if around.before in ("每天", "全天", "免费", "公众", "向公众", "对公众", "暂停", "重新"):
        return "to be open (to the public)"
    return "to open up (to the outside)"


def _zhu(around: Neighbours) -> str | None:
    return "to write"


def _kai(around: Neighbours) -> str | None:
    if around.after in ("车", "飞机", "船", "火车", "汽车", "出租车"):
        return "(of ships, vehicles, troops etc) to start"
    return None


# Words whose first sense in CC-CEDICT is not the one running text means, whatever the
# neighbours: 為 wèi "for" (not "because of"), 項 "item" (not "back of neck").
PREFERRED = {
    "为": "for",
    "以": "by means of",
    "项": "item",
    "打": "to hit; to strike",
    "前景": "(future) prospects",
    "打造": "(fig.) to create; to build; to develop",
    "水平": "a standard; a level",
    "分歧": "difference (of opinion, position); disagreement",
}

# Simplified word -> its rule. Readings choose first: a rule only picks among the senses of
# the entries read as the word is read here (还 hái never gets "to pay back").
WORD_RULES: dict[str, Rule] = {
    "在": _zai,
    "对": _dui,
    "给": _gei,
    "会": _hui,
    "想": _xiang,
    "要": _yao,
    "看": _kan,
    "好": _hao,
    "行": _xing,
    "点": _dian,
    "上": _shang,
    "下": _xia,
    "中": _zhong,
    "老": _lao,
    "长": _chang_zhang,
    "花": _hua,
    "方": _fang,
    "美": _mei,
    "讯": _xun,
    "才": _cai,
    "就": _jiu,
    "把": _ba,
    "被": _bei,
    "让": _rang,
    "比": _bi,
    "叫": _jiao,
    "同": _tong,
    "意思": _yisi,
    "高层": _gaoceng,
    "开放": _kaifang,
    "著": _zhu,
    "开": _kai,
    "跟": lambda around: (
        "to follow closely" if around.after in ("在", "着", "上", "紧") else "with"
    ),
    "呢": lambda around: "(sentence-final particle) used in questions" if around.question else None,
    "重": lambda around: "again" if around.after_is_verb else None,
    "时": lambda around: None if around.opens_clause else "when",
}
