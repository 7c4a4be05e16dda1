"""The negative set: correct text in many languages that the encoding rules must leave alone.

Built only from data installed packages ship: wordfreq's frequent words per language (in lower,
Title and UPPER case, joined into lines; Turkish and Azerbaijani capitals with their dotted İ),
Faker's localised names, addresses, companies and (where the locale has its own word list)
sentences; plus a short hand-written list of typography that no package ships as lines (math,
no-break spaces, quotes and dashes, emoji ZWJ sequences, the zero-width space Khmer/Thai/Lao/
Myanmar use between words, RTL marks, Persian ZWNJ). Every line is NFC (a decomposed line is a
finding of ``unicode-normalization``, not a negative). Deterministic: ``build(seed)`` gives the same
lines on every machine with the same package versions.

``article_body`` and ``article_title`` put lines into an otherwise clean article in the corpus's
shape (front matter written by PyYAML's dumper, sorted keys; body paragraphs, the link line and
the ``**Zdroj:**`` footer), for ``tests/test_negatives.py`` and ``benchmarks/encoding_bench.py``.
"""

from __future__ import annotations

import functools
import importlib.util
import random
import unicodedata
from typing import NamedTuple

import regex
import yaml

#: wordfreq languages whose lists are read (all of its 'best' lists except Serbo-Croatian's mix).
WORDFREQ_LANGS = ("ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fil", "fr",
                  "he", "hi", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "ms", "nb", "nl",
                  "pl", "pt", "ro", "ru", "sk", "sl", "sv", "ta", "tr", "uk", "ur", "vi", "zh")
#: Faker locales read (names, addresses, companies; sentences where the locale has its own lorem).
FAKER_LOCALES = ("ar_AA", "az_AZ", "bg_BG", "bn_BD", "cs_CZ", "da_DK", "de_DE", "el_GR", "es_ES",
                 "fa_IR", "fi_FI", "fr_FR", "he_IL", "hi_IN", "hr_HR", "hu_HU", "hy_AM", "is_IS",
                 "it_IT", "ja_JP", "ka_GE", "ko_KR", "lt_LT", "lv_LV", "nl_NL", "no_NO", "pl_PL",
                 "pt_BR", "pt_PT", "ro_RO", "ru_RU", "sk_SK", "sl_SI", "sr_BA", "sv_SE", "th_TH",
                 "tr_TR", "uk_UA", "vi_VN", "zh_CN", "zh_TW", "et_EE", "sq_AL", "ta_IN", "ne_NP")
NO_SPACES = {"ja", "zh", "th"}  # written without spaces between words
NO_CASE = {"ar", "bn", "fa", "he", "hi", "ja", "ko", "ta", "ur", "zh", "th", "ka", "hy", "ne"}
WORDS_PER_LANG = 14  # lines per case (lower, Title, UPPER) and language
_WORD = regex.compile(r"^[\p{L}\p{M}]+$")
# A word with Latin and other letters (Faker's `عاقلstad`: a US template around an Arabic name;
# wordfreq's Macedonian `нè` typed with a Latin è) is not correct text: mixed-script-word's finding.
# (Japanese `iPhoneの`, written without spaces, is correct.)
_MIXED = regex.compile(r"\b(?=[\p{L}\p{M}]*\p{Latin})(?=[\p{L}\p{M}]*[\p{Cyrillic}\p{Greek}\p{Arabic}"
                       r"\p{Hebrew}\p{Armenian}\p{Georgian}])[\p{L}\p{M}]+")

#: Typography no package ships as lines (the issue's negatives, and what a news site carries).
TYPOGRAPHY = (
    "√π ≈ 3,14", "SELKÄ\u00a0", "SELKÄ\u00a0JA\u00a0NISKA", "e = mc² a ∑ x² ≥ 0, ∞ ≠ ∅", "α + β = γ",
    "teplota 20 °C ± 0,5 µm, ½ ¼ ¾ ‰", "€ 10\u00a0000 · £ 5 · ¥ 300 · ₿ 1", "№ 5 § 3 ¶ 2 © ® ™",
    "v\u00a0Praze a\u00a0v\u00a0Brně k\u00a0tomu i\u00a0u\u00a0nás", "„Ahoj,“ řekl. ‚Tak‘ – a pak — nic…",
    "« Bonjour\u00a0! » dit-il\u00a0: «\u202foui\u202f»", "“Hello,” she said — ‘fine’ – 2020–2025",
    "«Привет» — сказал он. „Добре“", "「こんにちは」と『本』。", "„Dzień dobry” – powiedział",
    "👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 🧑🏽\u200d🚀 ❤️\u200d🔥 🇨🇿 🇺🇦 👍🏽 1️⃣ #️⃣",
    "**Zdroj:** 🎓 MIT Technology Review", "🔥 🤖 💡 📰 🎓 🚀 📱 💻 🌍 ⚡",
    "ភាសា\u200bខ្មែរ\u200bជា\u200bភាសា\u200bផ្លូវការ", "ภาษา\u200bไทย\u200bเป็น\u200bภาษา\u200bราชการ",
    "ພາສາ\u200bລາວ", "မြန်မာ\u200bဘာသာ\u200bစကား", "שלום\u200f (2025)", "مرحبا\u200f 2025",
    "می\u200cخواهم که به خانه بروم", "क्\u200dष हिन्दी", "SĂPTĂMÂNĂ", "SFÂRȘITUL", "ÎNCEPUTUL ȘI SFÂRȘITUL",
    "Əliyev şəhərdə", "Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ", "NÃO, SÃO PAULO", "ÅÄÖ åäö ÆØÅ æøå", "Ħ ħ Ċ ċ Ġ ġ Ż ż",
    "ŁÓDŹ, ŻÓŁW, GĘŚ", "Þórður Ægisson", "ŠIAIP ĮDOMU, Šiaip įdomu", "ČESKÉ BUDĚJOVICE", "Ğ ğ İ ı Ş ş",
)


class Line(NamedTuple):
    lang: str  # language code, or "typography"
    source: str  # where it comes from: "wordfreq lower", "faker name", ...
    text: str


def _upper(word: str, lang: str) -> str:
    if lang in ("tr", "az"):
        word = word.replace("i", "İ").replace("ı", "I")
    return word.upper()


def _title(word: str, lang: str) -> str:
    return _upper(word[:1], lang) + word[1:]


def _wordfreq_lines(lang: str, rng: random.Random) -> list[Line]:
    from wordfreq import top_n_list

    words = [w for w in top_n_list(lang, 4000) if _WORD.match(w) and (len(w) > 1 or lang in NO_SPACES)]
    if lang == "el":  # wordfreq folds the final sigma; Greek writes ς at the end of a word
        words = [w[:-1] + "ς" if w.endswith("σ") else w for w in words]
    sep = "" if lang in NO_SPACES else " "
    cases = [("lower", str.lower)] if lang in NO_CASE else [
        ("lower", lambda w: w), ("Title", lambda w: _title(w, lang)), ("UPPER", lambda w: _upper(w, lang))]
    out = []
    for name, case in cases:
        for _ in range(WORDS_PER_LANG if len(cases) > 1 else 3 * WORDS_PER_LANG):
            picked = [case(w) for w in rng.sample(words, rng.randint(4, 9))]
            if sep:  # news typography: a no-break space here and there (`SELKÄ\u00a0JA`)
                picked = [w + ("\u00a0" if rng.random() < 0.2 else " ") for w in picked[:-1]] + picked[-1:]
            out.append(Line(lang, f"wordfreq {name}", "".join(picked) if sep else sep.join(picked)))
    return out


def _faker_lines(locale: str, seed: int) -> list[Line]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    lang = locale.split("_")[0]
    makers = [("name", fake.name), ("address", fake.address), ("company", fake.company),
              ("city", fake.city)]
    if importlib.util.find_spec(f"faker.providers.lorem.{locale}"):
        makers.append(("sentence", lambda: fake.sentence(nb_words=10)))
    out = []
    for name, make in makers:
        for _ in range(8):
            out.append(Line(lang, f"faker {name}", ", ".join(s.strip() for s in make().split("\n"))))
    return out


@functools.lru_cache(maxsize=4)
def build(seed: int = 13) -> tuple[Line, ...]:
    """The negative lines, deduplicated, in a fixed order."""
    lines: list[Line] = []  # a tuple is returned: the cached value cannot be changed
    for lang in WORDFREQ_LANGS:
        lines += _wordfreq_lines(lang, random.Random(f"{seed}:{lang}"))
    from faker.config import AVAILABLE_LOCALES

    for locale in FAKER_LOCALES:
        if locale in AVAILABLE_LOCALES:  # a locale a Faker release drops is left out, not an error
            lines += _faker_lines(locale, seed)
    lines += [Line("typography", "hand-written", t) for t in TYPOGRAPHY]
    seen, out = set(), []
    for ln in lines:
        text = unicodedata.normalize("NFC", ln.text)
        if text.strip() and text not in seen and not _MIXED.search(text):
            seen.add(text)
            out.append(ln._replace(text=text))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Clean articles in the corpus's shape
# --------------------------------------------------------------------------------------------

FRONT = {
    "category": "technologie",
    "date": "2025-10-13 16:34:00",
    "description": "Krátký popis článku pro čtenáře, který shrnuje to hlavní.",
    "importance": 3,
    "layout": "tech_news_article",
    "original_title": "A short title of the original article",
    "publishedAt": "2025-10-13T16:34:00+00:00",
    "source": {"emoji": "📰", "id": None, "name": "Example News"},
    "title": "Titulek článku o nových technologiích",
    "url": "https://example.com/2025/10/13/article",
    "urlToImage": "https://example.com/2025/10/13/article.jpg",
}
FILE_NAME = "2025-10-13-titulek-clanku-o-novych-technologiich.md"


def dump(data: dict) -> str:
    """Front matter as the site's generator writes it (PyYAML, sorted keys, unicode kept)."""
    return yaml.dump(data, allow_unicode=True, default_flow_style=False)


def _article(front: dict, paragraphs: list[str]) -> str:
    body = "\n\n".join([*paragraphs, f"[Číst původní článek]({front['url']})",
                        f"**Zdroj:** {front['source']['emoji']} {front['source']['name']}"])
    return f"---\n{dump(front)}---\n\n{body}\n"


def article_body(lines: list[str]) -> tuple[str, dict[int, int]]:
    """An article whose body has each line as a paragraph; and {1-based file line: index}."""
    text = _article(FRONT, list(lines))
    first = text.split("\n").index("---", 1) + 3  # the closing ---, a blank line, then the body
    return text, {first + 2 * i: i for i in range(len(lines))}


def article_title(line: str) -> str:
    """An article whose ``title`` is ``line`` (quoted and folded as the dumper writes it)."""
    return _article({**FRONT, "title": line}, ["Text článku, který je v pořádku a nic nepokazí."])


if __name__ == "__main__":  # a summary: lines per language and source
    import collections

    built = build()
    langs = collections.Counter(ln.lang for ln in built)
    print(f"{len(built)} lines, {len(langs)} languages (+typography)")
    print(", ".join(f"{k} {v}" for k, v in sorted(langs.items())))


# --------------------------------------------------------------------------------------------
# Checking the lines: the encoding rules must neither change nor flag any of them
# --------------------------------------------------------------------------------------------

#: The encoding rules (``rules/encoding.py``). NL709 (foreign-script-word) judges the article's
#: language, not its bytes: a Russian line in a Czech article is its finding; counted apart.
ENCODING_RULES = ("NL701", "NL702", "NL703", "NL704", "NL705", "NL706", "NL707", "NL708")
BATCH = 40  # body lines per article


class Failure(NamedTuple):
    line: Line
    mode: str  # "body" or "title"
    changed_to: str | None  # the line after --fix, when the fix changed it
    flagged: tuple[str, ...]  # "NL703 invisible-character: ..." of each error or warning


def _settings():
    from mdlint_news.config import Settings

    return Settings(cli_select=list(ENCODING_RULES))


def run(text: str):
    """(fixed text, error and warning diagnostics of the original text)."""
    from mdlint_news.api import fix_text, lint_text

    settings = _settings()
    result = fix_text(text, path=FILE_NAME, config=settings)
    found = result.remaining if result.text == text else lint_text(text, path=FILE_NAME, config=settings)
    return result.text, [d for d in found if d.severity.value in ("error", "warning")]


def _label(d) -> str:
    return f"{d.code} {d.name}: {d.message[:160]}"


def _check_body(batch: list[Line]) -> list[Failure]:
    text, where = article_body([ln.text for ln in batch])
    fixed, found = run(text)
    a, b = text.split("\n"), fixed.split("\n")
    if len(a) != len(b) and len(batch) > 1:  # a fix changed the lines: look at them one by one
        return [f for ln in batch for f in _check_body([ln])]
    flagged: dict[int, list[str]] = {}
    for d in found:
        for n in range(d.line, max(d.line, d.end_line) + 1):
            flagged.setdefault(where.get(n, -1), []).append(_label(d))
    out = []
    for n, i in where.items():
        got = b[n - 1] if len(a) == len(b) else fixed
        if got != a[n - 1] or i in flagged:
            out.append(Failure(batch[i], "body", got if got != a[n - 1] else None, tuple(flagged.get(i, ()))))
    if -1 in flagged or (len(a) == len(b) and any(x != y for n, (x, y) in enumerate(zip(a, b), 1)
                                                  if n not in where)):
        out.append(Failure(Line("template", "article", ""), "body", None, tuple(flagged.get(-1, ()))))
    return out


def _check_title(line: Line) -> list[Failure]:
    text = article_title(line.text)
    fixed, found = run(text)
    if fixed == text and not found:
        return []
    return [Failure(line, "title", _title_of(fixed) if fixed != text else None, tuple(map(_label, found)))]


def _title_of(text: str) -> str:
    """The ``title`` of a fixed article (its changed lines when the front matter does not load)."""
    try:
        return str(yaml.safe_load(text.split("---\n")[1])["title"])
    except (yaml.YAMLError, IndexError, KeyError, TypeError):
        clean = article_title("").split("\n")
        return "\n".join(ln for ln in text.split("\n") if ln not in clean)


def check(lines, mode: str) -> list[Failure]:
    """The failures of ``lines`` put in the body (``BATCH`` per article, one language per
    article) or each as the ``title`` of an article."""
    if mode == "title":
        return [f for ln in lines for f in _check_title(ln)]
    out, by_lang = [], {}
    for ln in lines:
        by_lang.setdefault(ln.lang, []).append(ln)
    for group in by_lang.values():
        for i in range(0, len(group), BATCH):
            out += _check_body(group[i:i + BATCH])
    return out
