"""Neutral tones the words around decide, for the learner's standard reading.

Particles: 過 after a verb is the aspect particle guo (去過); 不 and 一 between a word and
itself are neutral (去不去, 看一看); a lone 兒 after a word is its erhua r (面條兒); a lone 邊
after a direction is the neutral bian of 東邊. And words with two dictionary readings that
both agree with the syllables read (東西 dōngxi / dōngxī, 地道, 大意, 精神, 人家, 地方, 兄弟,
出來, 過去, 過來): `CONTEXT_RULES` chooses by the neighbours. Used by
`reader.core.engine.standard`.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.core.engine.words_in_context import (
    NOT_VERBS,
    WordInContext,
    WordsInContext,
    looks_like_verb,
    word_set,
)
from reader.core.models import _is_pointer_definition

ERHUA = "r5"

# Verbs of moving past or across: 過 after them is the direction (走過馬路 zǒuguò), not the
# aspect particle.
_MOTION_VERBS = frozenset(
    "走跑跳飞穿越跨游爬赶驶开闪绕翻掠划滑挤迈踏冲闯漂流飘传递经通超透渡度跃掠"
)
# After these a lone 兒 is a child (一個兒, 的兒), not the erhua r of the word before.
_NOT_BEFORE_ERHUA = word_set("""的 个 和 与 及 小 孤 幼 婴 女 男 健 宠 胎 混血""")
# Before a lone 邊 these make a word of place with a neutral 邊 (東邊 dōngbian, 裡邊 lǐbian).
_DIRECTIONS = word_set("""东 西 南 北 上 下 左 右 里 外 前 后 东南 东北 西南 西北""")
_DEGREE_WORDS = word_set("""很 太 真 挺 好 非常 十分 特别 多么 这么 那么 有点 有些 比较 更 最 不""")

_ContextRule = Callable[[WordsInContext, int], "str | None"]


def depends_on_context(word: WordInContext) -> bool:
    """Whether the words around can change this word's standard reading (else it is the same
    wherever the word is read the same way in context)."""
    text = word.simplified
    return (
        text in CONTEXT_RULES
        or (len(text) == 1 and text in _PARTICLE_CHARACTERS)
        or (len(text) == 2 and text[0] == "不")
    )


_PARTICLE_CHARACTERS = frozenset("不一儿过边")


def particle_reading(paragraph: WordsInContext, index: int) -> tuple[str, ...] | None:
    word = paragraph.words[index]
    char = word.simplified
    before = paragraph.before(index)
    after = paragraph.after(index)
    between_itself = (
        before is not None
        and after is not None
        and len(before.simplified) == 1
        and after.simplified.startswith(before.simplified)
    )
    if char in "不一" and between_itself:
        return ("bu5",) if char == "不" else ("yi5",)  # 去不去, 喜不喜歡, 看一看
    erhua = before is not None and before.simplified not in _NOT_BEFORE_ERHUA and _is_a_word(before)
    if char == "儿" and erhua and word.citation[0].startswith("er"):
        return (ERHUA,)  # 面條/兒, 笑話/兒: the erhua r of the word before
    if char == "边" and before is not None and before.simplified in _DIRECTIONS:
        return ("bian5",)  # 東/邊, 西南/邊 dōngbian: as CC-CEDICT's 東邊 上邊 裡邊 write it
    if char == "过" and word.citation == ("guo4",) and _aspect_guo(before):
        return ("guo5",)  # 去過, 看過, 吃過: the experienced-action particle
    return None


def _is_a_word(word: WordInContext) -> bool:
    """Whether a token is a word of its own: an entry of its own with a real definition (瑚
    is only "used in 珊瑚": 瑚兒 is a name, Hú'ér, not an erhua word)."""
    return any(
        not _is_pointer_definition(definition)
        for entry in word.entries
        if word.simplified in (entry.simplified, entry.traditional)
        for definition in entry.definitions
    )


def _aspect_guo(before: WordInContext | None) -> bool:
    """過 after a verb that is not one of moving past (走過馬路 zǒuguò) is the particle."""
    return (
        before is not None
        and before.simplified[-1] not in _MOTION_VERBS
        and looks_like_verb(before)
    )


def _neighbours(paragraph: WordsInContext, index: int) -> tuple[str, str]:
    before = paragraph.before(index)
    after = paragraph.after(index)
    return (before.simplified if before else "", after.simplified if after else "")


def _dongxi(paragraph: WordsInContext, index: int) -> str | None:
    """東西 dōngxī is east and west, a direction or a span (東西走向, 東西長十公里, 橫貫東西);
    everywhere else it is dōngxi, a thing."""
    before, after = _neighbours(paragraph, index)
    spatial_after = ("方", "向", "走向", "长", "宽", "两", "之间", "南北", "横贯", "贯通", "延伸")
    if after.startswith(spatial_after) or before in ("横贯", "贯穿", "横跨", "纵横"):
        return "dong1 xi1"
    return "dong1 xi5"


def _didao(paragraph: WordsInContext, index: int) -> str | None:
    """地道 dìdào is a tunnel (一條地道, 地道口, 挖地道); after a degree word or before 的 it is
    dìdao, authentic."""
    before, after = _neighbours(paragraph, index)
    if before in _DEGREE_WORDS or after == "的":
        return "di4 dao5"
    if before in ("条", "挖", "挖掘", "进入", "穿过", "这条", "那条") or after[:1] in "口里中内战":
        return "di4 dao4"
    return None


def _dayi(paragraph: WordsInContext, index: int) -> str | None:
    """大意 dàyi is careless after a degree word or a warning (太大意, 別大意); otherwise
    dàyì, the gist (文章的大意)."""
    before, after = _neighbours(paragraph, index)
    if before in _DEGREE_WORDS or before in ("别", "不要", "不能", "千万", "一时", "粗心"):
        return "da4 yi5"
    if after in ("了",) and paragraph.after(index + 1) is None:
        return "da4 yi5"
    return "da4 yi4"


def _jingshen(paragraph: WordsInContext, index: int) -> str | None:
    """精神 jīngshen is vigour after 有, 很, 真 (很有精神, 真精神); otherwise jīngshén, spirit."""
    before, _ = _neighbours(paragraph, index)
    if before in _DEGREE_WORDS or before in ("有", "很有", "没有", "没", "打起"):
        return "jing1 shen5"
    return None


def _renjia(paragraph: WordsInContext, index: int) -> str | None:
    """人家 rénjiā is a household after a count (幾戶人家, 一家人家); otherwise rénjia."""
    before, _ = _neighbours(paragraph, index)
    if before[-1:] in ("户", "家") or before[-1:].isdigit():
        return "ren2 jia1"
    return None


def _difang(paragraph: WordsInContext, index: int) -> str | None:
    """地方 dìfāng is local, as opposed to central (地方政府, 中央和地方); otherwise dìfang, a
    place."""
    before, after = _neighbours(paragraph, index)
    local_after = (
        "政府", "官员", "当局", "经济", "财政", "法规", "性", "各级", "领导", "干部", "人大",
        "保护", "戏", "债",
    )  # fmt: skip
    if after.startswith(local_after) or before in ("中央", "和", "与", "及", "各"):
        return "di4 fang1"
    return "di4 fang5"


def _complement(reading_alone: str, after_verb: str) -> _ContextRule:
    """起來, 出來, 過去: after a verb in the same clause, the neutral complement (站起來
    zhàn qilai, 說出來, 走過去); after a subject or an adverb, or at a clause's start, the verb
    itself (他起來了, 過去的事)."""

    def rule(paragraph: WordsInContext, index: int) -> str | None:
        before = paragraph.before(index)
        if before is None or before.simplified in NOT_VERBS:
            return reading_alone
        return after_verb if looks_like_verb(before) else reading_alone

    return rule


def _xiongdi(paragraph: WordsInContext, index: int) -> str | None:
    """兄弟 xiōngdi is one's younger brother or a mate (我兄弟, 兄弟，幫個忙); brothers, or a
    brother of someone named (他是她同父同母的兄弟), are xiōngdì as CC-CEDICT and HSK write it
    (兄弟姐妹, 兄弟兩人, 兄弟國家)."""
    before, after = _neighbours(paragraph, index)
    if after.startswith(("姐妹", "们", "俩", "两", "国", "般", "情", "关系", "单位", "党")):
        return "xiong1 di4"
    if before in ("我", "你", "他", "她", "小") or (before == "" and after == ""):
        return "xiong1 di5"
    return "xiong1 di4"


CONTEXT_RULES = {
    "东西": _dongxi,
    "地道": _didao,
    "大意": _dayi,
    "精神": _jingshen,
    "人家": _renjia,
    "地方": _difang,
    "兄弟": _xiongdi,
    "出来": _complement("chu1 lai2", "chu5 lai5"),
    "过去": _complement("guo4 qu4", "guo4 qu5"),
    "过来": _complement("guo4 lai2", "guo4 lai5"),
}
