"""Context rules: the reading of a function character standing alone, by its neighbours.

For a few function characters the model (trained on encyclopedia sentences) is sure and
wrong in everyday syntax: 为 is wéi even in 为人民服务, 地 is dì in 慢慢地走, 得 is dé in
跑得很快. These rules read the neighbouring words (in Simplified) and decide only the clear
cases; they run only where no dictionary word settled the character (`reader.core.engine.pinyin`).
Everything else is left to the model.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.core.text.han import is_han_char

Span = tuple[int, int]


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CLAUSE_BREAKS = frozenset("，。；：！？,.;:!?\n「『（(“《")
_PRONOUNS = _word_set("我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 大家 自己 人们 谁 别人")
# Adverbs and auxiliaries that may stand between a clause start (or its subject) and 为.
_PRE_VERBAL = _word_set(
    """也 还 都 又 更 将 要 就 才 已 曾 正 均 并 而 再 只 专 特 先 各 共同 一起 一同 继续 不断
    是否 还要 也要 都要 特别 依法 专程 亲自 另外 还是 又要 再次 一再
    愿 愿意 能 能够 可 可以 应 应该 应当 会 专门 积极 努力 主动 率先 始终 一直 仍 仍然 首先
    同时 此外 而且 并且 特地 特意 一定 必须 需要 想 希望 不仅 不但 只是 正在 已经 曾经 从而
    以便 先后 纷纷 各自 分别 全力 进一步 更加 真正 切实 长期 坚持 致力 致力于 不惜 甘愿 乐于"""
)
# Verbs that follow 为 wèi (in order to ...), never 为 wéi (to be / as).
_PURPOSE_VERBS = _word_set(
    """保护 解决 实现 争取 纪念 庆祝 方便 配合 应对 促进 推动 维护 保障 满足 支持 避免 防止
    确保 加强 提高 打造 迎接 筹备 准备 寻找 帮助 服务 减少 改善 保持 完成 构建"""
)
_DEGREE_PREFIXES = (
    "很", "非常", "十分", "特别", "相当", "越来越", "太", "更", "挺", "真", "这么", "那么",
    "多么", "极", "格外", "比较", "较", "有点", "有些", "不太", "不够",
)  # fmt: skip
_DEGREE_BEFORE_ADJECTIVE = ("很", "太", "更", "最", "挺", "较", "真", "好", "多", "这么", "那么")
_OBTAIN_AFTER = _word_set("了 过 着 到 出 知 分 奖 益 意 失 势 手 罪 病 票")
_PLACE_AFTER = frozenset("上下里中面区方带图址点位球表处段层盘势形貌理质震铁道主产名域块价租")
_AFTER_DOU = _word_set(
    """是 有 在 不 没 没有 很 非常 要 会 能 可以 将 被 把 给 得 应该 需要 必须 一样 知道 认为
    觉得 喜欢 希望 表示 同意 来 去 说 做 用 没法 无法 不能 不会 不是 已 已经 曾 曾经 还 也 并"""
)
# Function characters whose other readings live only inside words (目的 dì, 了解 liǎo, 附和
# hè, 参与 yù, 胡同 tòng, 上声 shǎng, 大夫 dài, 更新 gēng, 要求 yāo, 供给 jǐ): standing alone
# they have one reading, and the model need not run for them.
_LONE_READINGS = {
    "的": "de5", "了": "le5", "和": "he2", "与": "yu3", "同": "tong2", "上": "shang4",
    "大": "da4", "更": "geng4", "把": "ba3", "给": "gei3", "要": "yao4", "呢": "ne5", "吗": "ma5",
    "没": "mei2",
}  # fmt: skip
# An adjective reading after a degree word (很 太 最 ...).
_ADJECTIVE_READINGS = {"长": "chang2", "重": "zhong4", "好": "hao3", "难": "nan2", "干": "gan1"}
# At the end of a clause: the particle 啦, and 好 as a result (弄好, 做好).
_CLAUSE_FINAL_READINGS = {"啦": "la5", "好": "hao3"}
# Sentence-final particles whose other readings are a bar (吧 bā) or interjections (啊 ā á).
_FINAL_PARTICLES = {"吧": "ba5", "啊": "a5", "呀": "ya5", "嘛": "ma5", "哦": "o5"}
# What 還 + a person gives back (還你錢, 還他一本書); what 重 + a verb does again (重說);
# what 長 is followed by when it is to grow (長了, 長大).
_RETURNED = frozenset("钱书东西一两几些这那本笔个")
_DONE_AGAIN = frozenset("说做写读来演播建修考拍装选画印排组学试申返讲唱听看")
_GROWN = _word_set("了 大 高 出 满 得 成 胖 个子 出来 起来")
_BY_NEXT_WORD = frozenset(("还", "重", "长", "中"))
# Verbs whose reading the next character tells (outside the words that settle them: 刨子 bào,
# 撒謊 sā, 粘性 nián, 挨打 ái, 寶藏 zàng, 盛大 shèng): to dig (刨出, 刨坑), to sprinkle
# or scatter (撒上, 撒在), to stick (粘在), to be next to (挨着, 挨近), to hide (藏在), to
# ladle (盛飯).
_BY_NEXT_CHARACTER = {
    "刨": ("pao2", "出坑土地根开塌"),
    "撒": ("sa3", "上在下满落到入遍"),
    "粘": ("zhan1", "在住上到满"),
    "挨": ("ai1", "着近肩家"),
    "藏": ("cang2", "在于着起"),
    "盛": ("cheng2", "饭汤菜粥"),
}
# Readings the character before tells: next to (紧挨), what is kept (所藏), a rank (参将, 副将),
# a place counted (一处, 几处).
_BY_PREVIOUS_CHARACTER = {
    "挨": ("ai1", "紧"),
    "藏": ("cang2", "所"),
    "将": ("jiang4", "参副偏裨"),
    "处": ("chu4", "一两几数"),
}
# Lanes (弄 lòng) named in addresses and places: 118弄, 百福弄社區.
_LANE_AFTER = ("社区", "小区", "村", "口", "堂")
_WITH_YI = frozenset(("以", "以此", "以其", "以之"))


class ReadingContext:
    """The words around a position, for the context rules."""

    def __init__(
        self, simplified: str, spans: list[tuple[int, int]], is_word: Callable[[str], bool]
    ) -> None:
        self.text = simplified
        self.spans = spans
        self.is_word = is_word  # whether the word table knows a (Simplified) word

    def word(self, span_index: int) -> str:
        if 0 <= span_index < len(self.spans):
            start, end = self.spans[span_index]
            return self.text[start:end]
        return ""

    def neighbours(self, span_index: int) -> tuple[Span, Span]:
        """The spans just before and after span `span_index` (empty at the ends)."""
        start, end = self.spans[span_index]
        before = self.spans[span_index - 1] if span_index > 0 else (start, start)
        after = self.spans[span_index + 1] if span_index + 1 < len(self.spans) else (end, end)
        return before, after

    def clause_before(self, span_index: int) -> list[str]:
        """The words from the clause start up to (not including) span `span_index`."""
        words: list[str] = []
        for previous in range(span_index - 1, -1, -1):
            word = self.word(previous)
            if any(char in _CLAUSE_BREAKS for char in word):
                break
            if word.strip():
                words.append(word)
        words.reverse()
        return words

    def next_word(self, span_index: int) -> str:
        word = self.word(span_index + 1)
        return "" if any(char in _CLAUSE_BREAKS for char in word) else word.strip()

    def reading(self, span_index: int, index: int) -> str | None:
        char = self.text[index]
        word = self.word(span_index)
        negated = self.text[index - 1 : index] == "不" and char in "长重"  # 不重 实用性
        if char in _ADJECTIVE_READINGS and (negated or self._after_degree_word(index)):
            return _ADJECTIVE_READINGS[char]  # 很长 cháng, 很重 zhòng, 太好 hǎo
        if word == "为":
            return self._wei(span_index)
        if word == "得":
            return self._de_obtain_or_particle(span_index)
        if word == "地":
            return self._de_or_di(span_index)
        if word == "都":
            return self._dou(span_index)
        if char == "应":
            return self._ying(index)
        if word == "了" and self.text[index - 1 : index] == "不":
            return "liao3"  # potential complement: 走不了, 忘不了
        if word in ("着", "著"):
            return self._zhe(span_index)
        if word in _BY_NEXT_WORD:
            return self._by_next_word(word, span_index)
        if word == "弄":
            # lòng is a lane, numbered in addresses or naming a place (118弄, 百福弄社區);
            # otherwise nòng, to do / to handle.
            lane = (
                self.text[index - 1 : index].isdigit() or self.next_word(span_index) in _LANE_AFTER
            )
            return "long4" if lane else "nong4"
        by_characters = self._by_characters(char, word, index)
        if by_characters is not None:
            return by_characters
        if word in _CLAUSE_FINAL_READINGS and self.next_word(span_index) == "":
            return _CLAUSE_FINAL_READINGS[word]  # 你給我啦！ 弄好。
        if word in _FINAL_PARTICLES and self.next_word(span_index) == "":
            # 走吧。 好啊！ but not an interjection opening its clause (啊，是你).
            return _FINAL_PARTICLES[word] if self.clause_before(span_index) else None
        return _LONE_READINGS.get(word)

    def _by_characters(self, char: str, word: str, index: int) -> str | None:
        """A reading the characters next to this one tell (`_BY_NEXT_CHARACTER` ...); 鎬 as a
        word of its own is a pick (gǎo; in names it is hào: 陳鎬); a lone 盡 is jìn, all of it
        (盡得其傳), but jǐn in 盡着 and 盡先."""
        following = self.text[index + 1 : index + 2]
        previous = self.text[index - 1 : index]
        if char in _BY_NEXT_CHARACTER and following:
            reading, after = _BY_NEXT_CHARACTER[char]
            if following in after:
                return reading
        if char in _BY_PREVIOUS_CHARACTER and previous:
            reading, before = _BY_PREVIOUS_CHARACTER[char]
            if previous in before:
                return reading
        if word == "镐":
            return "gao3"
        if char == "尽":
            return "jin3" if following in ("着", "先") else "jin4"
        return None

    def _wei(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if before and self.is_word(before[-1] + "为"):
            return None  # a word the segmenter split (作/为, 互/为): the word table decides
        if any(word in _WITH_YI for word in before):
            return "wei2"  # 以 X 为 Y: take X as Y
        if after[:1].isdigit():
            return "wei2"  # 面积为 100 平方公里
        if after in _PRONOUNS or after in _PURPOSE_VERBS or after.startswith(("何", "什么")):
            return "wei4"  # for someone, in order to, why: 为她设置, 为保护女儿, 为何
        subject_seen = False
        for word in before:
            if word in _PRE_VERBAL:
                continue
            if word in _PRONOUNS and not subject_seen:
                subject_seen = True
                continue
            return None
        return "wei4" if after else None  # clause-initial 为 + object: for, in order to

    def _de_obtain_or_particle(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if not before or not after or not is_han_char(before[-1][-1]):
            return None
        negated = after.startswith("不") and not after.startswith(("不到", "不了", "不偿"))
        if after.startswith(_DEGREE_PREFIXES) or negated:
            return "de5"  # complement: 跑得很快, 说得不对 (but 得不到 dé: to fail to get)
        if before[-1] in _PRONOUNS and is_han_char(after[0]) and after[0] not in _OBTAIN_AFTER:
            return "dei3"  # must: 我得走了
        return None

    def _de_or_di(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if not before or not after or not is_han_char(after[0]):
            return None
        previous = before[-1]
        doubled = (len(previous) == 2 and previous[0] == previous[1]) or (
            len(previous) == 4 and previous[0] == previous[1] and previous[2] == previous[3]
        )
        if doubled:
            return "de5"  # 慢慢地走, 高高兴兴地
        if len(previous) >= 2 and is_han_char(previous[-1]) and after[0] not in _PLACE_AFTER:
            return "de5"  # adverbial: 积极地参与
        return None

    def _by_next_word(self, word: str, span_index: int) -> str | None:
        """还 重 长 中, by the word after them."""
        after = self.next_word(span_index)
        if word == "还" and after in _PRONOUNS and self.next_word(span_index + 1)[:1] in _RETURNED:
            return "huan2"  # 還你錢, 還他一本書: to give back
        if word == "重" and after[:1] in _DONE_AGAIN and len(after) == 1:
            return "chong2"  # 重說一遍, 重做: again
        if word == "长" and after in _GROWN:
            return "zhang3"  # 長了, 長大, 長得: to grow
        if word == "中" and after == "了":
            return "zhong4"  # 中了一槍, 中了獎: to be hit, to win
        return None

    def _zhe(self, span_index: int) -> str | None:
        """着 (著 in Traditional text) after a verb: zháo after 不 or 得 (找不着, 睡得着),
        otherwise the aspect particle zhe (看着, 開著). After a subject, 著 is zhù, to write
        (他著有三本書); 着 there is left to the model."""
        before = self.clause_before(span_index)
        if before and before[-1] in _PRONOUNS:
            return "zhu4" if self.word(span_index) == "著" else None
        if not before or not is_han_char(before[-1][-1]):
            return None
        if before[-1][-1] in "不得":
            return "zhao2"
        return "zhe5"

    def _dou(self, span_index: int) -> str | None:
        after = self.next_word(span_index)
        if after in _PRE_VERBAL or after in _AFTER_DOU:
            return "dou1"  # the adverb: 两国都将, 大家都是
        return None

    def _after_degree_word(self, index: int) -> bool:
        before = self.text[max(0, index - 2) : index]
        return before.endswith(_DEGREE_BEFORE_ADJECTIVE) or before in ("非常", "特别", "比较")

    def _ying(self, index: int) -> str | None:
        following = self.text[index + 1 : index + 2]
        return "ying1" if following and is_han_char(following) else None  # modal: 应是, 而应
