"""Hypothesis strategies for news-lint's inputs: arbitrary bytes, arbitrary YAML front matter,
arbitrary Markdown bodies, and mutations of real articles (the corpus in shared/, the damaged
seed, and the copies in examples/content/, which are used when shared/ is absent)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__file__).resolve().parents[3] / "shared"


@lru_cache(maxsize=None)
def real_articles() -> tuple[tuple[str, bytes], ...]:
    """(file name, bytes) of real articles: examples/content always, plus the corpus and the
    seed from shared/ when present. Sorted, so example generation is reproducible."""
    found: dict[str, bytes] = {}
    for p in sorted((REPO / "examples" / "content").glob("*.md")):
        found[p.name] = p.read_bytes()
    corpus = SHARED / "corpus" / "marigold"
    if corpus.is_dir():
        for p in sorted(corpus.glob("*.md")):
            found.setdefault(p.name, p.read_bytes())
    seed = SHARED / "seeds" / "000_58abeca56bfa6fda.txt"
    if seed.is_file():
        found["2025-11-25-india-kazakhstan-strengthen-strategic-ties-at-high.md"] = seed.read_bytes()
    return tuple(sorted(found.items()))


# --------------------------------------------------------------------------- YAML

KEYS = ["author", "category", "companies", "date", "description", "importance", "layout",
        "original_title", "people", "publishedAt", "slug", "source", "title", "url", "urlToImage",
        "urlToImageBackup", "emoji", "id", "name", "tags", "x", "1", "'quoted key'", "? complex",
        "<<", "-", "title "]

SCALARS = [
    "tech_news_article", "tech_news", "'2025-12-01 17:27:21'", "2025-12-01 17:27:21",
    "2025-12-01T17:27:21+00:00", "'2025-12-01T17:27:21+00:00'", "2025-12-01", "2025-13-45",
    "yes", "no", "on", "off", "true", "False", "~", "null", "3", "-1", "0x1F", "1e999", "3.14",
    ".nan", ".inf", "0o17", "99999999999999999999999", "https://example.com/a?x=1&amp;y=2",
    "'https://example.com/a b'", "http://", "//cdn.example.com/x.jpg", "\"https://ex.com/\\u00e9\"",
    "mezinÃ¡rodnÃ vztahy", "KazachstÃ¡n", "Apple vydal novou věc", "\"tab\\there\"",
    "'it''s'", "\"unterminated", "'unterminated", "|\n  block\n  text", ">-\n  folded\n  text",
    "|+\n  keep\n\n", "[a, b, c]", "{a: 1, b: [2, 3]}", "[", "{", "]", "}", "&a value", "*a",
    "&a [1, 2]", "!!python/object:os.system ['echo']", "!!python/name:os.system", "!custom x",
    "!!timestamp garbage", "!!bool maybe", "!!int abc", "!!float x", "!!binary '%%%'",
    "!!set {a}", "!!omap [a: 1]", "!!str {a: 1}", "!!map x", "!!seq x", "!<tag:x> y", "!!null x",
    "\"\\ud800\"", "\"\\x00\"", "\"\\N\"", "a: b: c", "- item", "# comment", "value # comment",
    "ｆｕｌｌ", "a\u200bb", "e\u0301", "Na základě textu nelze určit.", "", " ", "\t", "::",
    "%YAML 1.2", "---", "...", "<<<<<<< HEAD", "=======", ">>>>>>> branch", "@at", "`tick`",
    "ahoj-svete", "Ahoj Světe!", "a" * 300, "🇨🇿 📰", "\x85", "\u2028", "\ufeff",
]


@st.composite
def yaml_value(draw, depth: int = 0):
    kind = draw(st.integers(0, 9 if depth < 3 else 5))
    if kind <= 4:
        return draw(st.sampled_from(SCALARS))
    if kind == 5:
        return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
    indent = "  " * (depth + 1)
    if kind in (6, 7):
        n = draw(st.integers(0, 3))
        items = [draw(yaml_value(depth + 1)) for _ in range(n)]
        return "".join(f"\n{indent}- {v}" for v in items) or "[]"
    n = draw(st.integers(0, 3))
    pairs = [(draw(st.sampled_from(KEYS)), draw(yaml_value(depth + 1))) for _ in range(n)]
    return "".join(f"\n{indent}{k}: {v}" for k, v in pairs) or "{}"


@st.composite
def yaml_text(draw) -> str:
    """A front-matter body: mostly the article's own keys with tricky values; sometimes raw text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,? \n\ta1é\t")), max_size=60))
    n = draw(st.integers(0, 12))
    lines = [f"{draw(st.sampled_from(KEYS))}: {draw(yaml_value())}" for _ in range(n)]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(SCALARS)))
    return "\n".join(lines) + ("\n" if lines else "")


# --------------------------------------------------------------------------- Markdown

SECTIONS = ["Souhrn", "Klíčové body", "Podrobnosti", "Proč je to důležité", "Souhrn:",
            "Klicove body", "SOUHRN", "Summary", "Podrobnosti ###", ""]

BODY_LINES = [
    "", "", "text článku.", "- bod", "* bod", "1. bod", "---", "***", "___", "```", "~~~",
    "```python", "    kód", "> citace", "<!-- news-lint: ignore -->",
    "<!-- news-lint: ignore[date-mismatch] -->", "<!-- news-lint: ignore[NL999] -->",
    "<!-- news-lint: disable -->", "[Číst původní článek](https://example.com/a?x=1&amp;y=2)",
    "[Číst původní článek](https://www.theverge.com/2025/12/1/apple-ships-new-thing)",
    "[Číst původní článek]()", "**Zdroj:** 📰 The Verge", "**Zdroj:**", "Zdroj: The Verge",
    "<<<<<<< HEAD", "=======", ">>>>>>> main", "Text s mojibake: mezinÃ¡rodnÃ vztahy â€ž",
    "Jako AI jazykový model nemohu", "(Počet slov: 250)", "jako expert na umělou inteligenci vidím",
    "videoplатforma", "zero\u200bwidth", "soft\u00adhyphen", "bidi\u202eoverride", "e\u0301",
    "tab\there", "trailing   ", "\ufffd", "#", "#hashtag", "# ", "#######", "\u2028", "\x0c",
    "\r", "a\rb", "Ã", "Ä›", "Å™", "ğŸ“°", "â€œquoteâ€", "\x85",
]


@st.composite
def markdown_line(draw) -> str:
    kind = draw(st.integers(0, 5))
    if kind <= 1:
        return "#" * draw(st.integers(1, 7)) + draw(st.sampled_from(["", " ", "  ", "\t"])) + \
            draw(st.sampled_from(SECTIONS)) + draw(st.sampled_from(["", " ##", " #", "  "]))
    if kind == 2:
        return draw(st.text(max_size=30))
    return draw(st.sampled_from(BODY_LINES))


@st.composite
def markdown_text(draw) -> str:
    lines = draw(st.lists(markdown_line(), max_size=25))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    end = draw(st.sampled_from(["", newline, newline * 2]))
    return newline.join(lines) + end


# --------------------------------------------------------------------------- whole articles

@st.composite
def synthetic_article(draw) -> str:
    """Front matter (well or badly delimited) + a Markdown body."""
    opener = draw(st.sampled_from(["---\n", "---\n", "---\r\n", "--- \n", "+++\n", "{", "",
                                   "\ufeff---\n", "---"]))
    closer = draw(st.sampled_from(["---\n", "---\n", "...\n", "---", "--- \n", "", "---\r\n"]))
    return opener + draw(yaml_text()) + closer + draw(markdown_text())


def _damage_mojibake(text: str) -> str:
    """The seed's path: UTF-8 read as cp1254, bytes cp1254 does not define dropped."""
    return text.encode("utf-8").decode("cp1254", errors="ignore")


@st.composite
def mutated_article(draw, as_bytes: bool = False):
    """A real article with a few random damages: byte/char edits, line moves, known pipeline
    damage (mojibake, level-3 headings, &amp; in URLs, an hour off, CRLF, BOM...)."""
    name, data = draw(st.sampled_from(real_articles()))
    text = data.decode("utf-8", "surrogateescape")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 13))
        n = len(text)
        i = draw(st.integers(0, n))
        j = min(n, i + draw(st.integers(0, 40)))
        if op == 0:  # delete a span
            text = text[:i] + text[j:]
        elif op == 1:  # insert a token
            text = text[:i] + draw(st.sampled_from(SCALARS + BODY_LINES + ["\n", "\r\n", ": ", "- "])) + text[i:]
        elif op == 2:  # insert random text
            text = text[:i] + draw(st.text(max_size=8)) + text[i:]
        elif op == 3:  # duplicate or drop a line
            lines = text.split("\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines[k:k + 1] = [] if draw(st.booleans()) else [lines[k], lines[k]]
            text = "\n".join(lines)
        elif op == 4:  # swap two lines
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
        elif op == 5:  # mojibake of a span or the whole text
            if draw(st.booleans()):
                text = _damage_mojibake(text)
            else:
                text = text[:i] + _damage_mojibake(text[i:j]) + text[j:]
        elif op == 6:
            text = text.replace("\n## ", "\n### ")
        elif op == 7:
            text = text.replace("&", "&amp;", 1) if "&" in text else text.replace("?", "?a=1&amp;b=", 1)
        elif op == 8:  # date an hour off
            text = text.replace(":00'", ":00'", 1).replace("date: '2025-", "date: '2025-", 1)
            k = text.find("date: '")
            if k != -1 and len(text) > k + 18 and text[k + 18:k + 20].isdigit():
                h = (int(text[k + 18:k + 20]) + 1) % 24
                text = f"{text[:k + 18]}{h:02d}{text[k + 20:]}"
        elif op == 9:
            text = text.replace("\n", "\r\n") if draw(st.booleans()) else text.replace("\r\n", "\n")
        elif op == 10:
            text = "\ufeff" + text
        elif op == 11:  # truncate
            text = text[:i]
        elif op == 12:  # quote/unquote a value
            text = text.replace("date: '", "date: ", 1).replace(":00'\n", ":00\n", 1)
        else:  # replace one character
            if n:
                text = text[:i] + draw(st.characters()) + text[i + 1:]
    if as_bytes:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate drawn as a character: its CESU bytes
            raw = text.encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 5)) == 0:  # a stray byte that is not UTF-8
            k = draw(st.integers(0, len(raw)))
            raw = raw[:k] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80", b"\x00"])) + raw[k:]
        return name, raw
    return name, text  # may hold lone surrogates: the text API must cope with them too


@st.composite
def any_text(draw) -> tuple[str, str]:
    """(file name, text) from any of the generators, real mutations most often."""
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        return draw(mutated_article())
    if kind == 3:
        return "2025-12-01-apple-ships-new-thing.md", draw(synthetic_article())
    if kind == 4:
        return "x.md", "---\n" + draw(yaml_text()) + "---\n" + draw(markdown_text())
    return "x.md", draw(st.text(max_size=200))


@st.composite
def any_bytes(draw) -> tuple[str, bytes]:
    kind = draw(st.integers(0, 4))
    if kind <= 1:
        return draw(mutated_article(as_bytes=True))
    if kind == 2:
        return "x.md", draw(st.binary(max_size=300))
    if kind == 3:
        return "x.md", b"---\n" + draw(st.binary(max_size=200)) + b"\n---\n"
    name, text = draw(any_text())
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "cp1252", "utf-16", "utf-32"]))
    return name, text.encode(enc, "replace")


@st.composite
def growth(draw) -> tuple[str, str, str]:
    """(file name, article, piece): the article grown by repeating the piece is linted at two
    sizes (``checks.check_linear``); the piece is Markdown lines or one line's worth of text."""
    name, text = draw(any_text())
    piece = draw(st.one_of(markdown_text(), markdown_line(), st.sampled_from(BODY_LINES)))
    if draw(st.booleans()):
        piece = piece.replace("\r", " ").replace("\n", " ")  # grows one long line
    return name, text, piece or " "
