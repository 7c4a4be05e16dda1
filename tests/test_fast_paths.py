"""Shortcuts taken for speed decide exactly what the straightforward definitions decide."""

from __future__ import annotations

import random

import yaml
from hypothesis import given, settings, strategies as st

from mdlint_news.document import Loader
from support import ARTICLE_NAME, REPO
from mdlint_news.mojibake import quick_screen
from mdlint_news.rules.encoding import _FOREIGN, _WORD, _words_with
from mdlint_news.rules.fields import _CONTROL


def test_words_with_foreign_letters_found_from_the_letters():
    rng = random.Random(5)
    alphabet = "abcčřžxyz ,.;_-9\u0430\u0431\u03b1\u037e\u0627 \n"
    hits = 0
    for _ in range(5000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        every_word = [m.span() for m in _WORD.finditer(t) if _FOREIGN.search(m.group())]
        assert [m.span() for m in _words_with(_FOREIGN, t)] == every_word, t
        hits += bool(every_word)
    assert hits > 1000


# Characters that matter to the screens, plus YAML's own syntax and line breaks.
_CHARS = st.sampled_from(list("aÃ©Â\u00a0â€™\x85\x80\x01\x0b ï¿½'\"\\\n:#-Å¾ÄŤ") + ["\r\n", "  "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=30).map("".join), st.sampled_from(["plain", "single", "double", "block"]))
def test_a_value_shows_nothing_its_yaml_text_hides(raw, style):
    """The mojibake and control-character rules skip the front matter's values when its text
    passes their screens and holds no backslash: no value can then fail the screen."""
    body = raw.replace("\n", "\n  ")
    src = {"plain": f"k: {body}\n", "single": f"k: '{body}'\n", "double": f'k: "{body}"\n',
           "block": f"k: |\n  {body}\n"}[style]
    try:
        data = yaml.load(src, Loader=Loader)
    except yaml.YAMLError:
        return
    value = data.get("k") if isinstance(data, dict) else None
    if not isinstance(value, str) or "\\" in src:
        return
    if quick_screen(value):
        assert quick_screen(src)
    if _CONTROL.search(value):
        assert _CONTROL.search(src)


def _every_line_headings(text: str, start: int) -> list:
    """The definition: look at every line; fences hide headings."""
    from mdlint_news.document import _FENCE, _HEADING, Heading

    pos, fence, out = start, None, []
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl == -1 else nl
        line = text[pos:end]
        fm = _FENCE.match(line)
        if fence is not None:
            if fm and fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence) \
                    and not line[fm.end():].strip():
                fence = None
        elif fm:
            fence = fm.group(1)
        else:
            hm = _HEADING.match(line)
            if hm:
                content_end = end - line.endswith("\r")
                ts, te = (pos + hm.start(2), pos + hm.end(2)) if hm.group(2) is not None else \
                    (content_end, content_end)
                out.append(Heading(len(hm.group(1)), hm.group(2) or "", pos, content_end, ts, te))
        pos = end + 1
    return out


def test_headings_found_from_candidate_lines_equal_every_line_scan():
    from mdlint_news.document import _scan_headings

    rng = random.Random(2)
    pieces = ["#", "##", " ", "   ", "    ", "```", "~~~", "````", "x", "\n", "\r\n", "# h",
              "a#b", "`", "~", "\t", "py"]
    found = 0
    for _ in range(5000):
        t = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        lines = [0] + [i + 1 for i, c in enumerate(t) if c == "\n"]
        start = rng.choice(lines)
        want = _every_line_headings(t, start)
        assert list(_scan_headings(t, start)) == want, (t, start)
        found += bool(want)
    assert found > 500  # headings were found in many of them


def test_anchor_screen_from_found_characters_equals_its_expression():
    from mdlint_news.document import _MAYBE_ANCHOR, _maybe_anchor

    rng = random.Random(4)
    alphabet = ["&", "*", "a", " ", "\n", "\t", "[", "]", "{", "}", ",", "\u2028", "\x85",
                "\xa0", "\u3000", "x", "\r", "\x0b", "\x1c", "&amp;", "*a"]
    seen = {True: 0, False: 0}
    for _ in range(20000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        want = bool(_MAYBE_ANCHOR.search(t))
        assert _maybe_anchor(t) == want, t
        seen[want] += 1
    assert min(seen.values()) > 2000


def test_one_scan_for_rare_characters_sees_what_each_screen_sees():
    """rules/encoding.rare_characters: every character that the mojibake screen, the
    look-alike, invisible and control checks start from is in the one scan's result."""
    from mdlint_news.mojibake import screen_char
    from mdlint_news.mojibake.codepages import _SCREEN_FIRST
    from mdlint_news.rules.base import Context
    from mdlint_news.rules.encoding import _ALL_INVISIBLE, rare_characters
    from mdlint_news.config import Settings
    from mdlint_news.document import parse

    profile = Settings().profile
    rng = random.Random(9)
    pool = [chr(c) for c in range(0, 0x800)] + list(_ALL_INVISIBLE) + ["\ufffd", "\u3042", "\uac01",
                                                                       "\uff21", "€", "™", "ğ", "Ã"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        rare = rare_characters(Context(parse(text), profile))
        for c in text:
            interesting = (screen_char(c) or _FOREIGN.match(c) or c in _ALL_INVISIBLE
                           or _CONTROL.match(c) or c == "\ufffd")
            assert (c in rare) == bool(interesting), repr(c)
    assert _SCREEN_FIRST.pattern.startswith("[")


def test_the_written_out_screen_class_is_the_derived_one():
    """rules/encoding.SCREEN_FIRST_CLASS (written out so that clean files never import the
    mojibake module) holds exactly the characters of mojibake.SCREEN_FIRST_CLASS."""
    import re

    from mdlint_news import mojibake
    from mdlint_news.rules import encoding

    written = re.compile(f"[{encoding.SCREEN_FIRST_CLASS}]")
    derived = re.compile(f"[{mojibake.SCREEN_FIRST_CLASS}]")
    differ = [hex(c) for c in range(0x110000)
              if bool(written.match(chr(c))) != bool(derived.match(chr(c)))]
    assert not differ, (differ[:20], repr(mojibake.SCREEN_FIRST_CLASS))


def test_a_clean_file_does_not_import_the_mojibake_module(valid_article):
    """What keeps a one-file run fast: only a file with a character damaged text starts with
    (or a backslash escape in its front matter) loads the mojibake tables."""
    import subprocess
    import sys

    code = ("import sys; from mdlint_news.runner import lint_text; "
            f"name = {ARTICLE_NAME!r}; clean = sys.stdin.read(); "
            "assert not lint_text(clean, name), lint_text(clean, name); "
            "print('mdlint_news.mojibake' in sys.modules); "
            "found = lint_text(clean.replace('title: ', 'title: mezin\u00c3\u00a1rodn\u00c3 ', 1), name); "
            "print('mdlint_news.mojibake' in sys.modules, sorted({d.name for d in found}))")
    out = subprocess.run([sys.executable, "-c", code], input=valid_article(), text=True,
                         capture_output=True, check=True, cwd=REPO).stdout.split(None, 2)
    assert out[:2] == ["False", "True"] and "mojibake" in out[2], out


def test_positions_of_summarised_values_are_the_line_index_ones():
    """rules/crossfile.position (line and column without indexing every line) agrees with
    LineIndex.position, offsets out of range included."""
    from mdlint_news.diagnostics import LineIndex
    from mdlint_news.rules.crossfile import position

    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("ab\n\r č") for _ in range(rng.randint(0, 30)))
        index = LineIndex(text)
        for offset in range(-2, len(text) + 3):
            p = index.position(offset)
            assert position(text, offset) == (p.line, p.column), (text, offset)


def test_expected_date_and_slug_are_computed_once_per_file(valid_article):
    """dates._expected_date and slug.source_title/expected_slug are cached on the file's
    context: the same answers as computing them afresh."""
    from datetime import datetime, timezone

    from mdlint_news.config import Settings
    from mdlint_news.document import parse
    from mdlint_news.rules import dates, slug
    from mdlint_news.rules.base import Context
    from mdlint_news.schema import slugify

    profile = Settings().profile
    text = valid_article(publishedAt="'2025-12-01T23:27:21-02:00'", original_title="Über 3 things")
    ctx = Context(parse(text, ARTICLE_NAME), profile, ARTICLE_NAME, datetime.now(timezone.utc))
    assert dates._expected_date(ctx) == "2025-12-02 01:27:21" == dates._expected_date(ctx)
    title = slug.source_title(ctx)
    assert title == "Über 3 things" and slug.source_title(ctx) is title
    assert slug.expected_slug(ctx) == slugify(title, profile) == "über-3-things"


def test_case_special_characters_are_all_there_are():
    """leaks.CASE_SPECIAL: the characters outside ASCII that re.IGNORECASE matches with an
    ASCII character, or whose lower case holds ASCII or more than one character."""
    import re

    from mdlint_news.leaks import CASE_SPECIAL

    found = set()
    ascii_ci = re.compile("[\\x00-\\x7f]", re.IGNORECASE)
    for cp in range(0x80, 0x110000):
        c = chr(cp)
        low = c.lower()
        if len(low) != 1 or low.isascii() or ascii_ci.fullmatch(c):
            found.add(c)
    assert found == set(CASE_SPECIAL)


def test_case_extra_characters_are_all_there_are():
    """leaks.CASE_EXTRA: the lower-case characters outside ASCII that share their upper case with
    another lower-case character, each matched by the other under re.IGNORECASE."""
    import re
    from collections import defaultdict

    from mdlint_news.leaks import CASE_EXTRA

    by_upper = defaultdict(set)
    for cp in range(0x110000):
        low = chr(cp).lower()
        if len(low) == 1:
            by_upper[chr(cp).upper()].add(low)
    found = set()
    for lows in by_upper.values():
        if len(lows) > 1:
            found |= {c for c in lows if not c.isascii()}
            assert all(re.fullmatch(re.escape(a), b, re.IGNORECASE) for a in lows for b in lows)
    assert found == CASE_EXTRA


def test_leak_screens_never_change_what_is_found():
    """content-leak with its screens (ASCII-folded bytes, then the lower-cased text) finds
    exactly what the patterns find searched over the whole body and each field, on texts made
    of the patterns' own words, their case variants, the CASE_SPECIAL characters, line breaks."""
    from datetime import datetime, timezone

    from mdlint_news.config import Settings
    from mdlint_news.document import parse
    from mdlint_news.rules.base import Context
    from mdlint_news.rules.content import _describe, content_leak
    from mdlint_news.body import body_view
    from mdlint_news.leaks import CASE_SPECIAL
    from support import article_text

    profile = Settings().profile
    words = ["(", ")", "512", "slov", "words", "celkem", "cca", "jako", "Jako", "JAKO", "expert",
             "odborník", "ODBORNÍK", "vidím", "VIDÍM", "na", "AI", "as", "an", "a", "ai", "model",
             "language", "expert in", "I", "perex", "popisuje", "zachovává", "se", "použití",
             "technických", "termínů", "here's", "the", "translation", "zde", "je", "překlad",
             "článku", "Zde je shrnutí", "text", *CASE_SPECIAL, "ſlov", "ſlov)", "worKs", "\n",
             "\n\n", " ", " ", ",", ".", "~", "přibližně", "říkám", "ŘÍKÁM", "si", "bych"]
    phrases = ["(512 slov)", "*(Celkem cca 550 slov)*", "(1 200 words)", "Jako expert na AI vidím",
               "jako odbornice si myslím", "as an AI model", "As an expert in chips, I",
               "perex popisuje", "Here is the translation", "Zde je překlad článku",
               "zachovává se použití technických termínů", "na základě poskytnutého textu"]

    def mutate(phrase: str) -> str:
        out = []
        for c in phrase:
            r = rng.random()
            if r < 0.08:
                c = c.swapcase()
            elif r < 0.1:
                c = rng.choice(CASE_SPECIAL + "\n ")
            elif r < 0.12:
                c += rng.choice(["\n\n", "\u0307", "ſ"])
            out.append(c)
        return "".join(out)

    rng = random.Random(21)
    hits = 0
    for _ in range(1500):
        body = "".join((rng.choice(words) if rng.random() < 0.8 else mutate(rng.choice(phrases)))
                       + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(0, 25)))
        title = " ".join(rng.choice(words) if rng.random() < 0.8 else mutate(rng.choice(phrases))
                         for _ in range(rng.randint(1, 8)))
        text = article_text(body="\n## Souhrn\n" + body + "\n", title=repr(title.replace("\n", " ")))
        ctx = Context(parse(text, ARTICLE_NAME), profile, ARTICLE_NAME, datetime.now(timezone.utc))
        view = body_view(ctx)
        got = [(p.start, p.end, p.message) for p in content_leak(ctx)]
        lo, hi = view.content_start, view.content_end
        want = sorted((m.start(), m.end(), _describe(leak, m))
                      for leak in view.rules.leaks for m in leak.regex.finditer(text, lo, hi))
        for name in view.rules.settings.leaks.fields:
            value = ctx.data.get(name)
            if isinstance(value, str):
                span = ctx.doc.value_span(name)
                want += [(span.start, span.end, f"{name}: {_describe(leak, m)}")
                         for leak in view.rules.leaks for m in leak.regex.finditer(value)]
        assert got == want, (body, title)
        hits += bool(want)
    assert hits > 100


def test_fewer_texts_to_look_for_are_still_found():
    """leaks._fewer: whenever a text holds one of a set of required texts, it holds one of
    the (fewer, shorter) texts the screen looks for instead."""
    from mdlint_news.leaks import _fewer

    rng = random.Random(8)
    alphabet = [b"here", b" is", b"'s", b" the", b" your", b"a", b"b", b"x", b"zde", b" "]
    for _ in range(3000):
        group = frozenset(b"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
                          for _ in range(rng.randint(1, 8)))
        fewer = _fewer(group)
        assert len(fewer) <= len(group)
        for _ in range(5):
            text = b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            if any(t in text for t in group):
                assert any(t in text for t in fewer), (group, fewer, text)
