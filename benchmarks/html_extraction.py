"""Main-text extraction from saved web pages: trafilatura against readability-lxml.

Run: .venv/bin/python benchmarks/html_extraction.py

Pages are made from the seed and ../shared/data/texts in five layouts a learner saves from
the web (a news site with navigation, related links, share buttons and a comment thread; a
blog with long reader comments; a wiki page with a navigation box; a bare page of <p>s; a
forum-style post whose text is lines in a <div> split by <br>). Comments and related
headlines are Chinese too, so an extractor cannot tell them from the article by script.

Scores are over Han characters (multiset overlap with the article's own text):
precision = share of extracted characters that are the article's, recall = share of the
article's characters extracted. Also: time per page, and what each library installs.
"""

from __future__ import annotations

import html
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from reader.core.text.han import HAN_CHARACTER

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO.parent / "shared" / "data" / "texts"
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"

NAV = [
    "首頁",
    "港聞",
    "國際",
    "財經",
    "體育",
    "娛樂",
    "科技",
    "生活",
    "評論",
    "圖片",
    "影片",
    "專題",
]
HOT = [
    "颱風襲港天文台改發八號風球",
    "港股半日升三百點科技股領漲",
    "新一份施政報告聚焦房屋供應",
    "本地疫苗接種率再創新高",
    "機管局公布第三跑道最新進展",
    "教育局宣布中學課程改革方案",
]
COMMENTS = [
    "這篇文章寫得很好，我完全同意作者的看法，希望政府能夠認真考慮。",
    "我覺得事情沒有那麼簡單，還有很多問題需要討論，大家不要太早下結論。",
    "謝謝分享！之前一直不太明白這件事的來龍去脈，現在終於清楚了。",
    "記者可以再多做一些調查嗎？文中有幾個數字好像跟官方公布的不一樣。",
    "每次看到這類新聞都覺得很無奈，希望下一代可以生活在更好的環境。",
]


def article_paragraphs(text: str) -> list[str]:
    lines = [line.strip().strip("#").strip() for line in text.split("\n")]
    return [line for line in lines if line]


def news_page(title: str, paragraphs: list[str], rng: random.Random) -> str:
    nav = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(NAV))
    hot = "".join(f'<li><a href="/n/{i}">{h}</a></li>' for i, h in enumerate(HOT))
    body = []
    for number, paragraph in enumerate(paragraphs):
        body.append(f"<p>{html.escape(paragraph)}</p>")
        if number == len(paragraphs) // 2:
            body.append(
                '<div class="related"><h4>相關新聞</h4><ul>'
                + "".join(f'<li><a href="/r/{i}">{h}</a></li>' for i, h in enumerate(HOT[:3]))
                + "</ul></div>"
            )
    comments = "".join(
        f'<div class="comment"><span class="user">網友{i}</span><p>{c}</p></div>'
        for i, c in enumerate(rng.sample(COMMENTS, 4))
    )
    return f"""<!DOCTYPE html><html lang="zh-HK"><head><meta charset="utf-8">
<title>{html.escape(title)} | 香港新聞網</title>
<script>var ads = {{slot: "top"}}; function track() {{ return "追蹤"; }}</script>
<style>.nav li {{ display: inline }}</style></head><body>
<header><div class="logo">香港新聞網</div><nav class="nav"><ul>{nav}</ul></nav></header>
<div class="breadcrumb"><a href="/">首頁</a> &gt; <a href="/hk">港聞</a></div>
<div class="container"><main><article>
<h1>{html.escape(title)}</h1><div class="meta">2026年8月1日 10:32　記者：陳大文</div>
<div class="share"><a>分享到Facebook</a><a>分享到WhatsApp</a><a>複製連結</a></div>
<div class="article-body">{"".join(body)}</div>
</article>
<section class="comments"><h3>讀者留言</h3>{comments}</section></main>
<aside class="sidebar"><h3>熱門新聞</h3><ol>{hot}</ol><div class="ad">廣告</div></aside></div>
<footer><p>版權所有 © 2026 香港新聞網。不得轉載。</p><a href="/privacy">私隱政策</a></footer>
</body></html>"""


def blog_page(title: str, paragraphs: list[str], rng: random.Random) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    comments = "".join(
        f'<li class="comment"><div class="author">讀者{i}說：</div>'
        f'<div class="comment-content"><p>{c}{c}</p></div></li>'
        for i, c in enumerate(rng.sample(COMMENTS, 5))
    )
    return f"""<html><head><title>{html.escape(title)} - 我的網誌</title></head><body>
<div id="wrapper"><div id="header"><h2>我的網誌</h2><p>記錄生活的點滴</p></div>
<div id="content"><div class="post"><h2 class="entry-title">{html.escape(title)}</h2>
<div class="entry">{body}</div><div class="tags">標籤：生活、香港</div></div>
<div id="comments"><h3>5則留言</h3><ol>{comments}</ol></div></div>
<div id="sidebar"><h3>最新文章</h3><ul>{"".join(f"<li>{h}</li>" for h in HOT)}</ul></div>
<div id="footer">Powered by 網誌平台</div></div></body></html>"""


def wiki_page(title: str, paragraphs: list[str], rng: random.Random) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    navbox = "".join(f"<td><a>{h[:4]}</a></td>" for h in HOT)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}
 - 維基百科，自由的百科全書</title></head><body><div id="mw-navigation"><ul>
<li>首頁</li><li>分類索引</li><li>特色內容</li><li>新聞動態</li><li>隨機條目</li></ul></div>
<div id="content"><h1 id="firstHeading">{html.escape(title)}</h1>
<div id="siteSub">維基百科，自由的百科全書</div><div id="mw-content-text">{body}
<table class="navbox"><tr><th>相關條目</th>{navbox}</tr></table></div>
<div id="catlinks">分類：香港</div></div>
<div id="footer">本頁面最後修訂於2026年8月1日。
文字依創用CC 姓名標示-相同方式分享 4.0協議授權。</div>
</body></html>"""


def bare_page(title: str, paragraphs: list[str], rng: random.Random) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><head><title>{html.escape(title)}</title></head><body>{body}</body></html>"


def forum_page(title: str, paragraphs: list[str], rng: random.Random) -> str:
    body = "<br>\n".join(html.escape(p) for p in paragraphs)
    reply = "".join(
        f'<div class="reply"><div class="who">會員{i}</div><div class="msg">{c}</div></div>'
        for i, c in enumerate(rng.sample(COMMENTS, 3))
    )
    return f"""<html><head><meta charset="utf-8"><title>{html.escape(title)} - 討論區</title>
</head><body><div class="top">討論區 » 時事 » 本地</div><table><tr><td class="postauthor">
樓主</td><td class="postcontent"><h2>{html.escape(title)}</h2><div class="t_msgfont">{body}
</div></td></tr></table><div class="replies">{reply}</div>
<div class="bottom">回覆 | 引用 | 舉報</div></body></html>"""


LAYOUTS: dict[str, Callable[[str, list[str], random.Random], str]] = {
    "news": news_page,
    "blog": blog_page,
    "wiki": wiki_page,
    "bare": bare_page,
    "forum": forum_page,
}


def with_trafilatura(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page, include_comments=False, favor_recall=True) or ""


def with_readability(page: str) -> str:
    from lxml import html as lxml_html
    from readability import Document

    summary = Document(page).summary(html_partial=True)
    return lxml_html.fromstring(summary).text_content() if summary.strip() else ""


EXTRACTORS: dict[str, Callable[[str], str]] = {"readability-lxml": with_readability}
try:  # the tools extra installs it: `pip install -e '.[tools]'`
    import trafilatura  # noqa: F401

    EXTRACTORS = {"trafilatura": with_trafilatura, **EXTRACTORS}
except ImportError:
    print("trafilatura is not installed (pip install -e '.[tools]'): readability-lxml only")


def han_counts(text: str) -> Counter[str]:
    return Counter(HAN_CHARACTER.findall(text))


def score(extracted: str, gold: str) -> tuple[float, float]:
    got, wanted = han_counts(extracted), han_counts(gold)
    overlap = sum((got & wanted).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(wanted.values()) if wanted else 1.0
    return precision, recall


def documents() -> list[tuple[str, list[str]]]:
    found = [(SEED.name, article_paragraphs(SEED.read_text(encoding="utf-8")))]
    if TEXTS.is_dir():
        for path in sorted(TEXTS.glob("*.txt")):
            found.append((path.name, article_paragraphs(path.read_text(encoding="utf-8"))))
    return found


def main() -> int:
    rng = random.Random(16)
    results: dict[str, dict[str, list[float]]] = {
        name: {"precision": [], "recall": [], "ms": []} for name in EXTRACTORS
    }
    by_layout: dict[tuple[str, str], list[float]] = {}
    for _name, paragraphs in documents():
        title = paragraphs[0][:30]
        gold = "\n".join(paragraphs)
        for layout, make in LAYOUTS.items():
            page = make(title, paragraphs, rng)
            for extractor, extract in EXTRACTORS.items():
                started = time.perf_counter()
                text = extract(page)
                elapsed = (time.perf_counter() - started) * 1000
                precision, recall = score(text, gold)
                results[extractor]["precision"].append(precision)
                results[extractor]["recall"].append(recall)
                results[extractor]["ms"].append(elapsed)
                f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
                by_layout.setdefault((extractor, layout), []).append(f1)
    print(f"{len(documents())} articles x {len(LAYOUTS)} layouts")
    print(f"{'extractor':18} {'precision':>9} {'recall':>7} {'F1':>6} {'ms/page':>8}  min F1")
    summary = {}
    for extractor, values in results.items():
        precision = statistics.mean(values["precision"])
        recall = statistics.mean(values["recall"])
        f1 = 2 * precision * recall / (precision + recall)
        low = min(statistics.mean(by_layout[(extractor, layout)]) for layout in LAYOUTS)
        ms = statistics.median(values["ms"])
        summary[extractor] = {"precision": precision, "recall": recall, "f1": f1, "ms": ms}
        print(f"{extractor:18} {precision:9.3f} {recall:7.3f} {f1:6.3f} {ms:8.1f}  {low:.3f}")
    print("F1 by layout:")
    for layout in LAYOUTS:
        cells = "  ".join(
            f"{extractor} {statistics.mean(by_layout[(extractor, layout)]):.3f}"
            for extractor in EXTRACTORS
        )
        print(f"  {layout:6} {cells}")
    if "--json" in sys.argv:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
