"""Loader: encodings, normalisation, Markdown-like paragraphs, rejoining, script, sentences."""

from __future__ import annotations

import io
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.errors import InputError
from reader.core.models import Document, ParagraphKind, Script
from reader.core.text import decode, loader
from reader.core.text.decode import decode_bytes, read_text
from reader.core.text.loader import document_id, load_bytes, load_path, load_text, open_path
from reader.core.text.script import detect_script
from reader.core.text.sentences import split_sentences
from tests.support import SEED

# Sentences written for these tests (not taken from any evaluation file).
TRADITIONAL = "我們今天一起去公園散步，天氣很好。她說：「這個地方的風景真美麗！」"
SIMPLIFIED = "我们今天一起去公园散步，天气很好。她说：“这里的风景真美丽！”"
HONG_KONG = "佢哋喺度食緊飯，我哋等陣先嚟。"  # needs Big5-HKSCS, not plain Big5


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_path(SEED)


def texts(document: Document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def kinds(document: Document) -> list[ParagraphKind]:
    return [paragraph.kind for paragraph in document.paragraphs]


# ---- encodings


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (TRADITIONAL, "utf-8"),
        (TRADITIONAL, "utf-8-sig"),
        (TRADITIONAL, "utf-16"),  # Python writes a BOM, native order
        (SIMPLIFIED, "utf-32"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "gb18030"),  # GB18030 can hold Traditional text too
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "big5hkscs"),
        (HONG_KONG, "big5hkscs"),
    ],
)
def test_decodes_every_supported_encoding(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("bom_and_codec", [("\ufeff", "utf-16-le"), ("\ufeff", "utf-16-be")])
def test_utf16_with_explicit_byte_order_marks(bom_and_codec: tuple[str, str]) -> None:
    bom, codec = bom_and_codec
    data = (bom + SIMPLIFIED).encode(codec)
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert decode_bytes(data) == SIMPLIFIED


def test_utf8_bom_is_removed_and_does_not_change_the_id() -> None:
    plain = load_bytes(TRADITIONAL.encode("utf-8"))
    with_bom = load_bytes(TRADITIONAL.encode("utf-8-sig"))
    assert with_bom.paragraphs[0].text == TRADITIONAL
    assert with_bom.doc_id == plain.doc_id


def test_the_seed_survives_each_legacy_encoding(seed: Document) -> None:
    original = SEED.read_text(encoding="utf-8")
    for encoding in ("gb18030", "big5hkscs", "utf-16"):
        document = load_bytes(original.encode(encoding))
        assert texts(document) == texts(seed), encoding
        assert document.doc_id == seed.doc_id
        assert document.script is Script.TRADITIONAL


def test_longer_simplified_text_in_gb18030_is_not_mistaken_for_big5() -> None:
    text = (SIMPLIFIED + "\n\n") * 5
    assert decode_bytes(text.encode("gb18030")) == text


def test_a_few_bad_bytes_in_a_long_big5_file_are_tolerated() -> None:
    data = (TRADITIONAL * 200).encode("big5hkscs")
    damaged = data[:1000] + b"\xff" + data[1000:]
    text = decode_bytes(damaged)
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == TRADITIONAL * 200


def test_files_in_each_encoding_load_from_disk(tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-16", "gb18030", "big5hkscs"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(f"# 標題\n\n{TRADITIONAL}\n".encode(encoding))
        document = load_path(path)
        assert texts(document) == ["標題", TRADITIONAL], encoding
        assert document.source == str(path)


# ---- bad input


def test_missing_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(InputError, match=r"nowhere\.txt: no such file"):
        load_path(missing)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        load_path(tmp_path)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything"
)
def test_unreadable_file_says_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load_path(path)
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)) * 4,
        TRADITIONAL.encode("utf-8") + b"\x00\x00" + TRADITIONAL.encode("utf-8"),
        b"\x01\x02\x03\x04\x05\x06 text \x07\x08\x0e\x0f",
    ],
)
def test_binary_data_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"blob\.bin: looks like a binary file, not text"):
        load_path(path)


def test_nul_after_a_utf16_bom_is_binary() -> None:
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\xff\xfe" + "\x00\x00\x00".encode("utf-16-le"))


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(0x80, 0x100)) * 4,  # every high byte, no valid multibyte reading
        b"caf\xe9 au lait",  # Latin-1, not a Chinese encoding
        "日本語のテキストです。".encode("shift_jis"),
    ],
)
def test_undecodable_bytes_name_the_encodings_tried(data: bytes) -> None:
    with pytest.raises(InputError) as raised:
        load_bytes(data, source="odd.txt")
    message = str(raised.value)
    assert message.startswith("odd.txt: cannot decode")
    for name in ("UTF-8", "GB18030", "Big5-HKSCS"):
        assert name in message
    assert "\n" not in message


def test_odd_length_utf16_says_what_is_wrong() -> None:
    with pytest.raises(InputError, match=r"UTF-16 .*byte-order mark but is not valid"):
        decode_bytes(b"\xff\xfe" + "中文".encode("utf-16-le") + b"\x41")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"Hello, world.\nNo Chinese here.\n"])
def test_empty_or_non_chinese_text_is_not_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plain.txt"
    path.write_bytes(content)
    document = load_path(path)
    assert document.script is Script.UNKNOWN
    assert " ".join(texts(document)).split() == content.decode().split()


def test_empty_document_is_titled_by_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    document = load_path(path)
    assert document.paragraphs == ()
    assert document.title == "empty.txt"


# ---- stdin


def test_dash_reads_stdin_as_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = f"# 標題\r\n\r\n{TRADITIONAL}\r\n".encode("big5hkscs")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    document = load_path("-")
    assert document.source == "-"
    assert texts(document) == ["標題", TRADITIONAL]


def test_read_text_decodes_and_normalises(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "第一行\r\n第二行\r第三行\n".encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_text("-") == "第一行\n第二行\n第三行\n"


# ---- normalisation and Markdown-like structure


def test_crlf_and_lone_cr_become_lf() -> None:
    crlf = load_text("# 題目\r\n\r\n第一段。\r\n\r\n第二段。\r\n")
    cr = load_text("# 題目\r\r第一段。\r\r第二段。\r")
    lf = load_text("# 題目\n\n第一段。\n\n第二段。\n")
    assert texts(crlf) == texts(cr) == texts(lf) == ["題目", "第一段。", "第二段。"]
    assert crlf.doc_id == cr.doc_id == lf.doc_id


def test_trailing_spaces_and_indentation_are_not_text() -> None:
    document = load_text("　　他來了。  \n\n  她走了。\t\n")
    assert texts(document) == ["他來了。", "她走了。"]


def test_headings_lose_their_hashes_and_keep_their_level() -> None:
    document = load_text("# 大標題\n\n## 副標題 ##\n\n###### 小標題\n\n#不是標題\n\n內文。\n")
    levels = [(p.kind, p.heading_level, p.text) for p in document.paragraphs]
    assert levels == [
        (ParagraphKind.HEADING, 1, "大標題"),
        (ParagraphKind.HEADING, 2, "副標題"),
        (ParagraphKind.HEADING, 6, "小標題"),
        (ParagraphKind.PARAGRAPH, 0, "#不是標題"),
        (ParagraphKind.PARAGRAPH, 0, "內文。"),
    ]
    assert document.title == "大標題"


def test_a_heading_directly_above_text_is_still_its_own_paragraph() -> None:
    document = load_text("### 小標題\n正文從這裏開始。\n")
    assert kinds(document) == [ParagraphKind.HEADING, ParagraphKind.PARAGRAPH]


def test_bold_markers_are_removed_and_the_text_kept() -> None:
    document = load_text("**談經濟** 今年經濟**穩步**增長。\n\n## **重點**\n\n單個*星號*保留。")
    assert texts(document) == ["談經濟 今年經濟穩步增長。", "重點", "單個*星號*保留。"]


def test_caption_block_with_a_markdown_line_break_is_one_caption() -> None:
    document = load_text("正文。\n\n●部長出席會議。  \n資料圖片\n\n下一段。\n")
    assert texts(document) == ["正文。", "●部長出席會議。\n資料圖片", "下一段。"]
    assert kinds(document) == [
        ParagraphKind.PARAGRAPH,
        ParagraphKind.CAPTION,
        ParagraphKind.PARAGRAPH,
    ]


@pytest.mark.parametrize(
    "credit", ["網上圖片", "新華社圖片", "中新社記者 張三 攝", "图片来源：网络"]
)
def test_a_short_credit_line_on_its_own_is_a_caption(credit: str) -> None:
    document = load_text(f"正文。\n\n{credit}\n\n下文。")
    assert document.paragraphs[1].text == credit
    assert document.paragraphs[1].kind is ParagraphKind.CAPTION


def test_a_long_sentence_mentioning_pictures_is_not_a_caption() -> None:
    document = load_text("他在網上看到了很多關於這件事情的新聞和圖片")
    assert kinds(document) == [ParagraphKind.PARAGRAPH]


def test_caption_marks_each_start_a_caption() -> None:
    document = load_text("●第一張照片\n▲第二張照片\n")
    assert texts(document) == ["●第一張照片", "▲第二張照片"]
    assert kinds(document) == [ParagraphKind.CAPTION, ParagraphKind.CAPTION]


# ---- rejoining sentences broken across blocks (sentences written for these tests)


def test_sentence_broken_across_a_blank_line_is_rejoined() -> None:
    document = load_text("他們在會議上討論了很多問題，最後決定明年繼續加強合\n\n作，共同應對挑戰。")
    assert texts(document) == [
        "他們在會議上討論了很多問題，最後決定明年繼續加強合作，共同應對挑戰。"
    ]


def test_caption_inside_a_broken_sentence_follows_the_rejoined_paragraph() -> None:
    source = (
        "兩地的交流越來越頻繁，雙方在文化和教育方面的合作不斷深\n\n\n"
        "●雙方代表合影。\n\n化，成果豐碩。\n\n下一段。"
    )
    document = load_text(source)
    assert texts(document) == [
        "兩地的交流越來越頻繁，雙方在文化和教育方面的合作不斷深化，成果豐碩。",
        "●雙方代表合影。",
        "下一段。",
    ]
    assert kinds(document) == [
        ParagraphKind.PARAGRAPH,
        ParagraphKind.CAPTION,
        ParagraphKind.PARAGRAPH,
    ]


def test_a_block_ending_in_a_comma_continues_even_when_short() -> None:
    assert texts(load_text("他說，\n\n明天會下雨。")) == ["他說，明天會下雨。"]


def test_headings_are_never_joined() -> None:
    document = load_text(
        "這一段文字在這裏沒有寫完就結束了因為後面是標題\n\n## 標題沒有句號\n\n新的段落開始了。"
    )
    assert kinds(document) == [
        ParagraphKind.PARAGRAPH,
        ParagraphKind.HEADING,
        ParagraphKind.PARAGRAPH,
    ]
    assert texts(document)[1] == "標題沒有句號"


def test_short_label_lines_stay_on_their_own() -> None:
    document = load_text(
        "專家意見\n\n教授認為，這個方案值得考慮。\n\n撰文：本報記者 王五\n\n正文繼續。"
    )
    assert texts(document) == [
        "專家意見",
        "教授認為，這個方案值得考慮。",
        "撰文：本報記者 王五",
        "正文繼續。",
    ]


def test_latin_words_broken_across_lines_are_joined_with_a_space() -> None:
    document = load_text("The quick brown fox jumps over the lazy\n\ndog and runs away.")
    assert texts(document) == ["The quick brown fox jumps over the lazy dog and runs away."]


def test_every_line_of_a_block_ending_a_sentence_is_a_paragraph() -> None:
    document = load_text("第一句話完了。\n第二句話也完了。\n")
    assert texts(document) == ["第一句話完了。", "第二句話也完了。"]


# ---- the seed


def test_seed_structure(seed: Document) -> None:
    assert seed.script is Script.TRADITIONAL
    assert seed.title == "王毅：中美關係有望打開希望之窗"
    headings = [
        (p.heading_level, p.text) for p in seed.paragraphs if p.kind is ParagraphKind.HEADING
    ]
    assert headings[:2] == [
        (1, "王毅：中美關係有望打開希望之窗"),
        (2, "冀拜登政府：重拾理性 重開對話 重回正軌 重啟合作"),
    ]
    assert (1, "2021中國外交 六方面做好工作") in headings
    assert all("#" not in text and "**" not in text for text in texts(seed))
    assert all(text == text.strip() and text for text in texts(seed))
    assert [p.index for p in seed.paragraphs] == list(range(len(seed.paragraphs)))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("可以用六", "個「最」來概括"),
        ("開局起步創", "造有利外部環境"),
        ("應對各", "種全球性挑戰"),
        ("反對強權政", "治的道路上"),
    ],
)
def test_seed_broken_sentences_are_rejoined(seed: Document, before: str, after: str) -> None:
    joined = [text for text in texts(seed) if before + after in text]
    assert len(joined) == 1
    assert not any(text.endswith(before) for text in texts(seed))


def test_seed_caption_inside_a_broken_sentence_comes_right_after_it(seed: Document) -> None:
    paragraphs = seed.paragraphs
    (joined,) = [p for p in paragraphs if "反對強權政治的道路上" in p.text]
    caption = paragraphs[joined.index + 1]
    assert caption.kind is ParagraphKind.CAPTION
    assert caption.text == "●中俄東線天然氣管道"
    assert paragraphs[joined.index + 2].text.startswith("2021年對中俄關係")


def test_seed_captions_and_labels(seed: Document) -> None:
    captions = [p.text for p in seed.paragraphs if p.kind is ParagraphKind.CAPTION]
    assert "●王毅接受新華社和中央廣播電視總台聯合採訪。\n網上圖片" in captions
    assert any(text.endswith("資料圖片") for text in captions)
    assert all(text.startswith("●") for text in captions)
    assert "專家解讀" in texts(seed)
    assert "整理：香港文匯報記者 葛沖" in texts(seed)


def test_seed_paragraph_ending_in_a_comma_is_joined_to_its_continuation(seed: Document) -> None:
    assert any("中國從不干涉美國內政，願意同美國和平相處" in text for text in texts(seed))


def _content_characters(text: str) -> Counter[str]:
    """Characters that are not markup: no whitespace, no heading hashes, no bold markers."""
    text = re.sub(r"(?m)^#{1,6}[ \t]+", "", text).replace("**", "")
    return Counter(char for char in text if not char.isspace())


def test_seed_nothing_is_dropped_or_duplicated(seed: Document) -> None:
    source = SEED.read_text(encoding="utf-8")
    assert _loaded_characters(seed) == _content_characters(source)


def test_seed_paragraph_order_follows_the_source(seed: Document) -> None:
    """Apart from captions moved after a rejoined sentence, text reads in source order."""
    source = re.sub(r"(?m)^#+ |\*\*", "", SEED.read_text(encoding="utf-8"))
    source = "".join(source.split())
    position = 0
    for paragraph in seed.paragraphs:
        if paragraph.kind is ParagraphKind.CAPTION:
            continue
        head = "".join(paragraph.text.split())[:8]
        found = source.find(head, position)
        assert found >= position, paragraph.text
        position = found


def _loaded_characters(document: Document) -> Counter[str]:
    loaded = Counter[str]()
    for paragraph in document.paragraphs:
        loaded.update(char for char in paragraph.text if not char.isspace())
    return loaded


_TEXT_CHARS = list("中文字句話，。！？、「」●▲ \n\u3000abc1網上圖片攝")


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(_TEXT_CHARS), max_size=80))
def test_nothing_is_dropped_or_duplicated_for_any_text_without_markup(text: str) -> None:
    expected = Counter(char for char in text if not char.isspace())
    assert _loaded_characters(load_text(text)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*_TEXT_CHARS, "#", "# ", "**"]), max_size=60).map("".join))
def test_markup_never_costs_other_characters(text: str) -> None:
    expected = Counter(char for char in text if not char.isspace() and char not in "#*")
    loaded = _loaded_characters(load_text(text))
    assert Counter({c: n for c, n in loaded.items() if c not in "#*"}) == expected


# ---- lines mode


def test_lines_mode_keeps_every_line_verbatim() -> None:
    source = "# 標題\n\n**粗體** 句子沒有寫\n完。  \n●圖\n"
    document = load_text(source, split="lines")
    assert texts(document) == ["# 標題", "", "**粗體** 句子沒有寫", "完。  ", "●圖"]
    assert set(kinds(document)) == {ParagraphKind.PARAGRAPH}
    assert document.doc_id == load_text(source).doc_id


def test_lines_mode_without_a_final_newline_and_with_crlf() -> None:
    assert texts(load_text("一\r\n\r\n二", split="lines")) == ["一", "", "二"]
    assert texts(load_text("", split="lines")) == []
    assert texts(load_text("\n", split="lines")) == [""]


def test_lines_mode_on_the_seed_has_one_paragraph_per_line() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    document = load_path(SEED, split="lines")
    assert texts(document) == lines[:-1] if lines[-1] == "" else lines


def test_unknown_split_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="split"):
        load_text("中文", split="words")  # type: ignore[arg-type]


# ---- identity and title


def test_doc_id_depends_on_content_only(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TRADITIONAL, encoding="utf-8")
    second.write_bytes(TRADITIONAL.encode("big5hkscs"))
    assert load_path(first).doc_id == load_path(second).doc_id == document_id(TRADITIONAL)
    assert re.fullmatch(r"[0-9a-f]{16}", load_path(first).doc_id)
    assert load_text(TRADITIONAL + "。").doc_id != load_text(TRADITIONAL).doc_id


def test_title_without_heading_is_the_start_of_the_first_paragraph() -> None:
    document = load_text("從前有一座山，山上有一座廟，廟裏有一個老和尚在講故事。")
    assert document.title == "從前有一座山，山上有一座廟，廟裏有一個老…"


# ---- script


def test_script_detection() -> None:
    assert detect_script(TRADITIONAL) is Script.TRADITIONAL
    assert detect_script(SIMPLIFIED) is Script.SIMPLIFIED
    assert detect_script("Only English words here, 123.") is Script.UNKNOWN
    assert detect_script("") is Script.UNKNOWN
    assert detect_script("中文") is Script.UNKNOWN  # the same in both scripts


def test_hong_kong_forms_count_as_traditional() -> None:
    # 着 and 裏 are what Hong Kong writes; they must not outvote 這.
    assert detect_script("他沿着河邊走，這裏很安靜。") is Script.TRADITIONAL


def test_a_traditional_name_in_simplified_text_does_not_flip_the_script() -> None:
    assert detect_script("乾隆皇帝是清朝的皇帝，他们说这里的风景很美丽。") is Script.SIMPLIFIED


def test_script_of_a_large_text_comes_from_a_sample() -> None:
    text = SIMPLIFIED * 3000 + TRADITIONAL * 3000
    assert detect_script(text) is Script.SIMPLIFIED


# ---- sentences


def test_split_sentences_by_own_punctuation() -> None:
    text = "他說：「我明天來。」她問：「真的嗎？！」好吧……價格是22.5元。 Done. Next"
    sentences = [text[start:end] for start, end in split_sentences(text)]
    assert sentences == [
        "他說：「我明天來。」",
        "她問：「真的嗎？！」",
        "好吧……",
        "價格是22.5元。",
        "Done.",
        "Next",
    ]


def test_split_sentences_semicolons_and_line_breaks() -> None:
    text = "第一點；第二點\n●圖片說明"
    assert [text[s:e] for s, e in split_sentences(text)] == ["第一點；", "第二點", "●圖片說明"]
    assert split_sentences("") == []
    assert split_sentences("  \n ") == []


def test_a_sentences_pinyin_is_spaced_around_its_punctuation() -> None:
    from reader.core.text.sentences import spaced_join

    pieces = [
        "Tā",
        "shuō",
        "：",
        "「",
        "hǎo",
        "」",
        "，",
        "“",
        "zǒu",
        "”",
        "…",
        "(",
        "a",
        ")",
        "。",
    ]
    assert spaced_join(pieces) == "Tā shuō： 「hǎo」， “zǒu”… (a)。"
    assert spaced_join(["wǒ", '"', "hǎo", '"']) == 'wǒ " hǎo "'  # straight quotes: both ways
    assert spaced_join([]) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("中文。！？；…」 \n.a1")), max_size=60))
def test_sentence_spans_cover_all_text_in_order(text: str) -> None:
    spans = split_sentences(text)
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())
    ends = [end for _, end in spans]
    starts = [start for start, _ in spans]
    assert all(end <= next_start for end, next_start in zip(ends, starts[1:], strict=False))


def test_permission_error_message_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)  # the file is read a chunk at a time
    with pytest.raises(InputError, match=r"locked\.txt: permission denied"):
        load_path(path)


def test_a_huge_paragraph_is_cut_at_sentence_ends() -> None:
    sentence = "這是一個用來測試的句子，長度大約二十個字。"
    text = sentence * 500  # one line of 10,500 characters
    document = load_text(text)
    assert len(document.paragraphs) > 1
    assert all(len(p.text) <= 2000 for p in document.paragraphs)
    assert all(p.text.endswith("。") for p in document.paragraphs)
    assert "".join(texts(document)) == text


def test_a_huge_paragraph_without_punctuation_is_cut_anyway() -> None:
    text = "字" * 4500
    assert [len(p.text) for p in load_text(text).paragraphs] == [2000, 2000, 500]


# ---- bounded input (issue 13, items 5 and 6) ------------------------------------------------


def test_endless_binary_input_is_refused_on_its_first_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/dev/zero never ends: it is refused as binary after its first 64 KB, not read whole
    (which grew memory at ~1 GB/s)."""
    with pytest.raises(InputError, match="looks like a binary file"):
        load_path("/dev/zero")
    # The reading screen opens texts through the same reader.
    with pytest.raises(InputError, match="looks like a binary file"):
        open_path("/dev/zero")


def test_input_longer_than_the_limit_is_refused_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode, "MAX_INPUT_BYTES", 200_000)
    path = tmp_path / "long.txt"
    path.write_text("這是一個句子。\n" * 20_000, encoding="utf-8")  # 440 KB
    with pytest.raises(InputError, match=r"long\.txt: longer than"):
        load_path(path)
    with pytest.raises(InputError, match=r"long\.txt: longer than"):
        list(loader.stream_path(path, head_bytes=65536, chunk_bytes=65536).paragraphs)
    short = tmp_path / "short.txt"
    short.write_text("這是一個句子。\n" * 100, encoding="utf-8")
    assert len(load_path(short).paragraphs) == 100


@pytest.mark.parametrize("prefix", ["# ", "● ", ""])
def test_a_huge_single_line_heading_caption_or_paragraph_is_split(prefix: str) -> None:
    """A line with no break is cut at the maximum paragraph length whatever it is: a 5 MB
    one-line heading used to stay one paragraph (1.7 GB to annotate)."""
    sentence = "這是一個用來測試的標題句子，長度大約二十個字。"
    line = prefix + sentence * 300  # ~7,000 characters
    for split in ("blocks", "lines"):
        document = load_text(line + "\n", split=split)
        assert len(document.paragraphs) > 1, split
        assert all(len(p.text) <= 2000 for p in document.paragraphs), split
        joined = "".join(p.text for p in document.paragraphs)
        if split == "lines":
            assert joined == line  # verbatim: the pieces join back into the line
        else:
            assert joined == line.removeprefix("# ")
            kinds = {p.kind for p in document.paragraphs}
            assert len(kinds) == 1  # every piece of a heading is a heading, and so on
