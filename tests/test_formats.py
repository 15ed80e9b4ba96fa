"""Formats other than plain text: EPUB, web pages, SRT/ASS/VTT, made for real in the tests
(the EPUB with ebooklib), read through the loader's entry points and the real `reader`."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from ebooklib import epub

from reader.core.errors import InputError
from reader.core.models import CueTiming, ParagraphKind, Section
from reader.core.text import formats
from reader.core.text.loader import load_path, open_path, stream_lines, stream_path
from tests.support import reader_command, subprocess_env

# ---- files


def make_epub(path: Path, *, chapters: int = 3, toc: bool = True) -> Path:
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("學中文的書")
    book.set_language("zh-Hant")
    items = []
    for number in range(1, chapters + 1):
        chapter = epub.EpubHtml(
            title=f"第{number}章", file_name=f"text/ch{number}.xhtml", lang="zh-Hant"
        )
        chapter.content = (
            f"<h1>第{number}章</h1>"
            f"<p>這是第{number}章的\n第一段。<ruby>漢<rt>hàn</rt></ruby>字很<b>有趣</b>。</p>"
            f"<p id='later'>第二段<br/>第二行</p>"
            "<figure><img src='a.png'/><figcaption>圖片說明</figcaption></figure>"
            "<script>var notText = 1;</script>"
        )
        book.add_item(chapter)
        items.append(chapter)
    if toc:
        book.toc = [
            epub.Link("text/ch1.xhtml", "開始", "c1"),
            (
                epub.Section("下部", href="text/ch2.xhtml"),
                [
                    epub.Link("text/ch2.xhtml#later", "第二章第二段", "c2"),
                    epub.Link("text/ch3.xhtml", "第三章", "c3"),
                ][: chapters - 1],
            ),
        ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


NEWS_PAGE = """<!DOCTYPE html><html lang="zh-HK"><head><meta charset="big5">
<title>港鐵新線通車 | 新聞網</title><script>var x = "廣告腳本";</script></head><body>
<nav><ul><li><a href="/">首頁</a></li><li><a href="/hk">港聞</a></li><li><a>國際</a></li>
<li><a>財經</a></li><li><a>體育</a></li></ul></nav>
<article><h1>港鐵新線通車</h1><div class="body">
<p>港鐵新線今日正式通車，首班列車早上六時開出，不少市民專程到車站體驗。</p>
<p>運輸及物流局局長表示，新線可以大大縮短市民的交通時間，政府會繼續改善鐵路網絡。</p>
<p>有乘客表示，以前上班要一個多小時，現在只需要四十分鐘，覺得非常方便。</p>
</div></article>
<aside><h3>熱門</h3><ul><li><a>颱風襲港</a></li><li><a>股市上升</a></li></ul></aside>
<footer>版權所有 新聞網</footer></body></html>"""

SRT = """1
00:00:01,000 --> 00:00:02,500
<i>你好</i>，世界！

2
00:00:03,000 --> 00:00:04,200
{\\an8}第二句
第二行

"""

ASS = """[Script Info]
Title: test
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,\
2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,{\\i1}後來{\\i0}的話\\N第二行
Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,這是註釋
Dialogue: 0,0:00:01.50,0:00:02.00,Default,,0,0,0,,{\\pos(10,10)}最早的話
Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}
"""

VTT = """WEBVTT - 測試

NOTE 這是註解
不是字幕

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:04.000 align:start
<v 老師>你好，<b>同學</b>！
今天學中文

2
00:00:05.500 --> 00:00:07.000
&lt;書名&gt; &amp; <c.yellow>黃</c><00:00:06.000>色
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ---- EPUB


def test_an_epub_reads_chapter_by_chapter_with_its_contents(tmp_path: Path) -> None:
    document = load_path(make_epub(tmp_path / "book.epub"))
    assert document.format == "epub"
    assert document.title == "學中文的書"
    texts = [p.text for p in document.paragraphs]
    # The nav page is not text; ruby readings and scripts are left out; <br> is a line break;
    # whitespace the source wrapped between Chinese characters is gone.
    assert texts[:4] == ["第1章", "這是第1章的第一段。漢字很有趣。", "第二段\n第二行", "圖片說明"]
    kinds = [p.kind for p in document.paragraphs[:4]]
    assert kinds == [
        ParagraphKind.HEADING,
        ParagraphKind.PARAGRAPH,
        ParagraphKind.PARAGRAPH,
        ParagraphKind.CAPTION,
    ]
    assert document.paragraphs[0].heading_level == 1
    assert [p.index for p in document.paragraphs] == list(range(12))
    assert document.contents == (
        Section("開始", 0, 1),
        Section("下部", 4, 1),
        Section("第二章第二段", 6, 2),  # the #later anchor, not the chapter's start
        Section("第三章", 8, 2),
    )


def test_an_epub_without_a_table_of_contents_gets_one_entry_per_chapter(tmp_path: Path) -> None:
    document = load_path(make_epub(tmp_path / "book.epub", toc=False))
    assert [(s.title, s.paragraph_index) for s in document.contents] == [
        ("第1章", 0),
        ("第2章", 4),
        ("第3章", 8),
    ]


def test_an_epub_opens_progressively_with_the_same_document(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "book.epub", chapters=3)
    whole = load_path(path)
    opened = open_path(path)
    assert opened.doc_id == whole.doc_id
    assert opened.document.paragraphs == whole.paragraphs[: len(opened.document.paragraphs)]
    assert opened.finish() == whole
    assert opened.complete


def test_an_epub_is_recognised_by_its_bytes_without_its_extension(tmp_path: Path) -> None:
    path = make_epub(tmp_path / "book.epub")
    renamed = path.rename(tmp_path / "book")
    assert load_path(renamed).format == "epub"


# ---- web pages


def test_a_saved_web_page_gives_its_article_without_navigation(tmp_path: Path) -> None:
    # Declared Big5, as Hong Kong sites often are.
    document = load_path(write(tmp_path / "page.html", NEWS_PAGE, "big5"))
    assert document.format == "html"
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "港鐵新線通車"
    assert document.paragraphs[0].kind is ParagraphKind.HEADING
    assert any(text.startswith("港鐵新線今日正式通車") for text in texts)
    assert any("四十分鐘" in text for text in texts)
    joined = "".join(texts)
    for boilerplate in ("首頁", "颱風襲港", "版權所有", "廣告腳本"):
        assert boilerplate not in joined


def test_a_web_page_is_recognised_by_its_start(tmp_path: Path) -> None:
    assert load_path(write(tmp_path / "saved", NEWS_PAGE)).format == "html"


# ---- subtitles


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "film.srt",
            SRT,
            [("你好，世界！", 1000, 2500), ("第二句\n第二行", 3000, 4200)],
        ),
        (
            "film.ass",
            ASS,
            [("最早的話", 1500, 2000), ("後來的話\n第二行", 3000, 4000)],
        ),
        (
            "film.vtt",
            VTT,
            [("你好，同學！\n今天學中文", 1000, 4000), ("<書名> & 黃色", 5500, 7000)],
        ),
    ],
)
def test_subtitles_are_one_cue_a_paragraph_with_their_times(
    tmp_path: Path, name: str, text: str, expected: list[tuple[str, int, int]]
) -> None:
    document = load_path(write(tmp_path / name, text))
    assert document.format == Path(name).suffix[1:]
    got = [(p.text, p.timing) for p in document.paragraphs]
    assert got == [(cue, CueTiming(start, end)) for cue, start, end in expected]


def test_subtitles_in_a_legacy_encoding_are_decoded(tmp_path: Path) -> None:
    document = load_path(write(tmp_path / "film.srt", SRT, "gb18030"))
    assert document.paragraphs[0].text == "你好，世界！"


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a", SRT, "srt"),
        ("a", ASS, "ass"),
        ("a", VTT, "vtt"),
        ("a", NEWS_PAGE, "html"),
        ("a", "就是一段文字。", "text"),
        ("a.md", "# 標題", "text"),
        ("a.txt", "WEBVTT", "text"),  # the extension wins
    ],
)
def test_the_format_comes_from_the_extension_then_the_first_bytes(
    name: str, head: str, expected: str
) -> None:
    assert formats.format_of(name, head.encode("utf-8")) == expected


def test_stream_and_lines_read_cue_text_only(tmp_path: Path) -> None:
    path = write(tmp_path / "film.srt", SRT)
    stream = stream_path(path)
    assert [p.text for p in stream.paragraphs] == ["你好，世界！", "第二句\n第二行"]
    assert list(stream_lines(path)) == ["你好，世界！", "第二句", "第二行"]


def test_a_subtitle_file_on_standard_input_is_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BufferedReader(io.BytesIO(SRT.encode("utf-8")))  # type: ignore[arg-type]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    document = load_path("-")
    assert document.format == "srt"
    assert document.paragraphs[1].timing == CueTiming(3000, 4200)


# ---- bad files: one line, exit 2


def bad_files(folder: Path) -> dict[str, Path]:
    good = make_epub(folder / "good.epub")
    data = good.read_bytes()
    not_epub = folder / "archive.zip"
    with zipfile.ZipFile(not_epub, "w") as archive:
        archive.writestr("readme.txt", "hello")
    no_spine = folder / "nospine.epub"
    with zipfile.ZipFile(no_spine, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", "<container/>")
    return {
        "truncated EPUB": _cut(folder / "cut.epub", data),
        "empty EPUB": write(folder / "empty.epub", ""),
        "EPUB without a book in it": no_spine,
        "ZIP that is not an EPUB": not_epub,
        "HTML without text": write(
            folder / "empty.html", "<html><body><div><img src='a.png'></div></body></html>"
        ),
        "empty HTML": write(folder / "blank.html", "  \n"),
        "broken SRT": write(folder / "broken.srt", "this is\nnot a subtitle file\n"),
        "SRT without cues": write(folder / "nothing.srt", "\n\n"),
        "broken VTT": write(folder / "broken.vtt", "WEBVTT\n\n00:01.000 --> soon\nhi\n"),
        "VTT without its header": write(folder / "header.vtt", "00:01.000 --> 00:02.000\n你好\n"),
        "broken ASS": write(
            folder / "broken.ass", "[Script Info]\n[Events]\nFormat: x\nDialogue: y\n"
        ),
        "PDF": write(folder / "book.pdf", "%PDF-1.7 whatever"),
        "PDF without its extension": write(folder / "book", "%PDF-1.7 whatever"),
        "unknown binary": _binary(folder / "blob.dat"),
    }


def _cut(path: Path, data: bytes) -> Path:
    path.write_bytes(data[: len(data) // 2])
    return path


def _binary(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def test_every_bad_file_is_one_line_and_exit_2(tmp_path: Path, reader_home: Path) -> None:
    for label, path in bad_files(tmp_path).items():
        for command in (["annotate", str(path)], ["stats", str(path)], ["convert", str(path)]):
            run = subprocess.run(
                [*reader_command(), *command],
                capture_output=True,
                text=True,
                env=subprocess_env(reader_home),
                timeout=120,
            )
            assert run.returncode == 2, (label, command, run.stderr)
            lines = run.stderr.strip().split("\n")
            assert len(lines) == 1 and lines[0].startswith("reader: "), (label, run.stderr)
            assert "Traceback" not in run.stderr
            assert run.stdout == "", (label, run.stdout)


def test_bad_files_raise_input_error_in_the_core(tmp_path: Path) -> None:
    for path in bad_files(tmp_path).values():
        with pytest.raises(InputError):
            load_path(path)
        with pytest.raises(InputError, match="^" + re.escape(str(path))):
            open_path(path)  # the message names the file first


# ---- the real command


def test_annotate_reads_epub_html_and_subtitles_as_it_reads_text(
    tmp_path: Path, reader_home: Path
) -> None:
    files = {
        "book.epub": make_epub(tmp_path / "book.epub"),
        "page.html": write(tmp_path / "page.html", NEWS_PAGE),
        "film.srt": write(tmp_path / "film.srt", SRT),
        "film.ass": write(tmp_path / "film.ass", ASS),
        "film.vtt": write(tmp_path / "film.vtt", VTT),
    }
    for name, path in files.items():
        run = subprocess.run(
            [*reader_command(), "annotate", str(path), "--format", "jsonl"],
            capture_output=True,
            text=True,
            env=subprocess_env(reader_home),
            timeout=120,
        )
        assert run.returncode == 0, (name, run.stderr)
        rows = [json.loads(line) for line in run.stdout.splitlines()]
        assert rows, name
        text = "".join(row["text"] for row in rows)
        assert "-->" not in text and "00:0" not in text, name  # cue text only
        assert any(token["pinyin"] for row in rows for token in row["tokens"]), name
    plain = subprocess.run(
        [*reader_command(), "annotate", str(files["film.srt"])],
        capture_output=True,
        text=True,
        env=subprocess_env(reader_home),
        timeout=120,
    )
    assert plain.returncode == 0 and "nǐ" in plain.stdout and "-->" not in plain.stdout
