"""Benchmark of the encoding repair: damage whole article files the way files are damaged in the
wild, fix them with the real command line, count the files restored byte for byte.

    .venv/bin/python benchmarks/encoding_bench.py [--corpus DIR] [--seed FILE] [--limit N]
        [--shapes NAME,...] [--langs cs,en,...] [--per-lang N] [--show-failures N]
        [--no-all-rules] [--no-legacy] [--no-negatives]

Articles: the clean articles of the corpus (an article that already holds mojibake or U+FFFD is
no clean reference: left out, counted) and articles generated in many languages (``--langs``,
``--per-lang`` each) in the corpus's shape (front matter written by PyYAML's dumper; body with
the site's ``## `` sections, a list, the link line and the ``**Zdroj:**`` footer), with rich
typography: the language's quotes (CLDR), dashes, no-break spaces, emoji. Their words come from
installed packages: Faker's localised names, companies, cities and sentences, wordfreq's words.

Damage: every shape of ``tests/damage.py`` (``SHAPES``) applied to the whole file text as
written (front matter and body, after the YAML dump: nothing is re-dumped, so raw C1 controls
end up in YAML scalars as they do in real files); the damaged text is saved as UTF-8. An article
the shape leaves unchanged (plain ASCII) is not counted. Then, per shape, one run of
``news-lint --fix --no-cache --select NL7`` (the encoding rules) on a folder of the damaged
files, and the bytes of every file compared with the original's.

Printed per shape: files; exact %: restored byte for byte; wrong+unflagged: files left wrong
where some wrong line carries no remaining error or warning of the encoding rules (a user is not
told); flagged: files left wrong but still reported; lines %: damaged lines restored; s: wall
time of the run. Columns per article set (corpus, generated). ``all rules %`` (unless
``--no-all-rules``): plain ``news-lint --fix`` on the damaged files gives the same bytes as
plain ``news-lint --fix`` on the originals (the repair is not disturbed by the other rules).

The ceiling of a lossy shape (last columns; ``tests/damage.py`` ``ambiguities``, decided from the
clean text and the shape alone, before the repair is looked at): a file is ambiguous when some
character the shape damaged lossily is damaged to the same text as another, as plausible
character (an emoji by another emoji wordfreq knows, with no undamaged copy in the file; a letter
by one that makes another known word of the article's languages, ``article_langs``; a dash by
the other dash). ``ambiguous c+g``: such files, corpus + generated; ``ceiling %``: the files
recoverable in principle; ``exact % recoverable``: exact % over those files only. Then per lossy
shape the causes (files each, an example) and how many ambiguous files came out exact anyway.

Legacy code pages (``LEGACY_CODEPAGES``): each article whose letters the code page has is saved
in it (other characters, emoji, become ``?``); the not-utf8 fix must give back the text as that
code page keeps it, byte for byte. Negatives: ``tests/negatives.py`` (correct text in 50
languages) through the encoding rules: lines changed, lines flagged. The first check: the seed
article fixed by a plain ``--fix`` must be ``tests/data/mojibake/seed_000_clean.txt``, and that
damaged again with the seed's shape must give the seed back byte for byte.

Then a Markdown version of the tables (for the README). No asserts: this prints numbers.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from damage import LEGACY_CODEPAGES, SHAPES, ambiguities, saved_as  # noqa: E402
import negatives  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus/marigold")
DEFAULT_SEED = Path("/work/shared/seeds/000_58abeca56bfa6fda.txt")
SEED_CLEAN = ROOT / "tests" / "data" / "mojibake" / "seed_000_clean.txt"
SEED_SHAPE = "cp1254 dropped + SHY (seed)"
NEWS_LINT = Path(sys.executable).with_name("news-lint")
ENCODING = "NL7"

# --------------------------------------------------------------------------------------------
# Generated articles
# --------------------------------------------------------------------------------------------


class Lang(NamedTuple):
    faker: str  # Faker locale
    quotes: tuple[str, str]  # CLDR's quotation start and end
    nbsp: str  # "cs": NBSP after one-letter words; "fr": before ; : ! ? and inside « »; "": none


LANGS = {
    "cs": Lang("cs_CZ", ("„", "“"), "cs"), "en": Lang("en_US", ("“", "”"), ""),
    "de": Lang("de_DE", ("„", "“"), ""), "fr": Lang("fr_FR", ("«\u00a0", "\u00a0»"), "fr"),
    "es": Lang("es_ES", ("«", "»"), ""), "pl": Lang("pl_PL", ("„", "”"), "cs"),
    "pt": Lang("pt_BR", ("“", "”"), ""), "it": Lang("it_IT", ("«", "»"), ""),
    "tr": Lang("tr_TR", ("“", "”"), ""), "ru": Lang("ru_RU", ("«", "»"), ""),
    "uk": Lang("uk_UA", ("«", "»"), ""), "lt": Lang("lt_LT", ("„", "“"), ""),
    "lv": Lang("lv_LV", ("«", "»"), ""), "ro": Lang("ro_RO", ("„", "”"), ""),
    "hu": Lang("hu_HU", ("„", "”"), ""), "sk": Lang("sk_SK", ("„", "“"), "cs"),
    "el": Lang("el_GR", ("«", "»"), ""), "bg": Lang("bg_BG", ("„", "“"), ""),
    "vi": Lang("vi_VN", ("“", "”"), ""), "ja": Lang("ja_JP", ("「", "」"), ""),
    "zh": Lang("zh_CN", ("“", "”"), ""), "ko": Lang("ko_KR", ("“", "”"), ""),
}
EMOJI = ("🎓", "📰", "🤖", "💡", "🔥", "🚀", "📱", "💻", "🌍", "⚡", "👩\u200d💻", "🇨🇿", "👍🏽", "❤️")
CATEGORIES = ("ai", "technologie", "věda", "bezpečnost", "chytré domácnosti", "mobilní telefony")
SECTIONS = ("Souhrn", "Klíčové body", "Podrobnosti", "Proč je to důležité")


class Writer:
    """Sentences, names and typography of one language, from Faker and wordfreq."""

    def __init__(self, lang: str, rng: random.Random):
        from faker import Faker
        from wordfreq import top_n_list

        self.lang, self.rng, self.spec = lang, rng, LANGS[lang]
        self.fake = Faker(self.spec.faker)
        self.fake.seed_instance(rng.randrange(1 << 30))
        self.words = [w for w in top_n_list(lang, 3000) if w.isalpha()]
        if lang == "el":  # wordfreq stores words case-folded: a Greek word ends in ς, not σ
            self.words = [w[:-1] + "ς" if w.endswith("σ") else w for w in self.words]
        self.spaced = lang not in ("ja", "zh")

    def sentence(self, n: int) -> str:
        words = self.rng.sample(self.words, n)
        if self.rng.random() < 0.3:
            words[self.rng.randrange(n)] = self.fake.last_name()
        text = (" " if self.spaced else "").join(words)
        return text[:1].upper() + text[1:] + ("." if self.spaced else "。")

    def quoted(self) -> str:
        q = self.spec.quotes
        return f"{q[0]}{self.sentence(self.rng.randint(2, 5)).rstrip('.。')}{q[1]}"

    def nbsp(self, text: str) -> str:
        if self.spec.nbsp == "cs":  # one-letter prepositions and conjunctions keep their word
            words = text.split(" ")
            return "".join(w + ("\u00a0" if len(w) == 1 and w.isalpha() else " ") for w in words[:-1]) + words[-1]
        if self.spec.nbsp == "fr":
            for p in ";:!?":
                text = text.replace(f" {p}", f"\u00a0{p}")
        return text

    def paragraph(self) -> str:
        r = self.rng
        parts = [self.sentence(r.randint(5, 12)) for _ in range(r.randint(2, 4))]
        parts.insert(r.randint(0, len(parts)), f"{self.fake.name()}: {self.quoted()}")
        dash = " – " if r.random() < 0.5 else " — "
        parts[-1] = parts[-1].rstrip(".。") + dash + f"{r.randint(2, 99)}\u00a0% {r.choice(EMOJI)}."
        return self.nbsp(" ".join(parts))


def _front(w: Writer, i: int) -> dict:
    title = w.sentence(w.rng.randint(5, 9)).rstrip(".。")
    emoji = w.rng.choice(EMOJI)
    return {
        "category": w.rng.choice(CATEGORIES), "date": f"2025-10-{1 + i % 28:02d} 12:00:00",
        "description": w.nbsp(w.sentence(w.rng.randint(8, 16)) + " " + w.quoted()),
        "importance": 1 + i % 5, "layout": "tech_news_article",
        "original_title": f"{title} – {w.fake.company()}",
        "publishedAt": f"2025-10-{1 + i % 28:02d}T12:00:00+00:00",
        "source": {"emoji": emoji, "id": None, "name": w.fake.company()},
        "title": w.nbsp(f"{title} {w.quoted()}"),
        "url": f"https://example.{w.lang}/2025/10/{i}/clanek",
        "urlToImage": f"https://example.{w.lang}/2025/10/{i}/obrazek.jpg",
    }


def generated_article(lang: str, i: int, seed: int = 13) -> tuple[str, str]:
    """(file name, text) of article ``i`` in ``lang``."""
    w = Writer(lang, random.Random(f"{seed}:{lang}:{i}"))
    front = _front(w, i)
    body = [w.paragraph(), f"## {SECTIONS[0]}", w.paragraph(), f"## {SECTIONS[1]}",
            "\n".join(f"- {w.nbsp(w.sentence(w.rng.randint(4, 9)))}" for _ in range(4)),
            f"## {SECTIONS[2]}", w.paragraph(), w.paragraph(), f"## {SECTIONS[3]}", w.paragraph(),
            f"[Číst původní článek]({front['url']})",
            f"**Zdroj:** {front['source']['emoji']} {front['source']['name']}"]
    text = f"---\n{negatives.dump(front)}---\n\n" + "\n\n".join(body) + "\n"
    return f"2025-10-{1 + i % 28:02d}-{lang}-{i:03d}.md", text


# --------------------------------------------------------------------------------------------
# Running the command line
# --------------------------------------------------------------------------------------------


def news_lint(folder: Path, *args: str) -> tuple[dict[str, list[dict]], float]:
    """Run the command line on ``folder``: {file name: remaining diagnostics}, wall time."""
    t0 = time.perf_counter()
    proc = subprocess.run([str(NEWS_LINT), "--no-cache", "--output-format", "json", "--exit-zero",
                           "-q", *args, str(folder)], capture_output=True, text=True, encoding="utf-8")
    dt = time.perf_counter() - t0
    # exit 2 with a report: files refused by an internal error (counted by the caller, shown)
    if proc.returncode != 0 and not (proc.returncode == 2 and proc.stdout.lstrip().startswith("[")):
        raise SystemExit(f"news-lint failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out: dict[str, list[dict]] = collections.defaultdict(list)
    for d in json.loads(proc.stdout or "[]"):
        out[Path(d["path"]).name].append(d)
    return out, dt


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def fix_folder(folder: Path, files: dict[str, bytes], *args: str):
    """Write ``files``, run ``news-lint --fix`` on them: ({name: bytes after}, remaining, time)."""
    write_folder(folder, files)
    remaining, dt = news_lint(folder, "--fix", *args)
    return {n: (folder / n).read_bytes() for n in files}, remaining, dt


# --------------------------------------------------------------------------------------------
# Articles and their comparison
# --------------------------------------------------------------------------------------------


class Article(NamedTuple):
    name: str
    text: str
    origin: str  # "corpus" or the generated article's language


def load_corpus(corpus: Path, limit: int | None) -> tuple[list[Article], list[str]]:
    """The clean corpus articles; and the names of those that already hold damage (the encoding
    rules report mojibake or U+FFFD in them: no clean reference)."""
    names = sorted(p.name for p in corpus.glob("*.md"))[:limit]
    with tempfile.TemporaryDirectory() as tmp:  # the corpus is only read: run on a copy
        files = {n: (corpus / n).read_bytes() for n in names}
        write_folder(Path(tmp) / "c", files)
        found, _ = news_lint(Path(tmp) / "c", "--select", "mojibake,replacement-character")
    damaged = sorted(n for n in names if found.get(n))
    skipped = not_articles(corpus, names)
    clean = [Article(n, files[n].decode("utf-8"), "corpus") for n in names
             if n not in found and n not in skipped]
    return clean, damaged + [f"{n} (not an article)" for n in sorted(skipped)]


def not_articles(corpus: Path, names: list[str]) -> set[str]:
    """The files the command line skips as not articles (a layout without a profile): no rule
    reads them, so no repair can be measured on them."""
    from mdlint_news import runner
    from mdlint_news.config import Settings

    return {n for n in names if runner.process_file(corpus / n, Settings(), n).skipped}


def generated(langs: list[str], per_lang: int) -> list[Article]:
    out = []
    for lang in langs:
        for i in range(per_lang):
            name, text = generated_article(lang, i)
            out.append(Article(name, text, lang))
    return out


class Outcome(NamedTuple):
    exact: bool
    unflagged: bool  # wrong, and some wrong line carries no remaining error/warning of NL7
    damaged_lines: int
    restored_lines: int
    diff: list[tuple[str, str, bool]]  # (wanted, got, flagged) per wrong stretch


def _flagged_lines(remaining: list[dict]) -> set[int]:
    return {n for d in remaining if d["code"].startswith(ENCODING) and d["severity"] in ("error", "warning")
            for n in range(d["line"], max(d["line"], d["end_line"]) + 1)}


def compare(clean: str, damaged: str, fixed: bytes, remaining: list[dict]) -> Outcome:
    a = clean.split("\n")
    bad = {i for i, (x, y) in enumerate(zip(a, damaged.split("\n"))) if x != y} if \
        len(a) == len(damaged.split("\n")) else set(range(len(a)))
    if fixed == clean.encode("utf-8"):
        return Outcome(True, False, len(bad), len(bad), [])
    b = fixed.decode("utf-8", errors="replace").split("\n")
    flagged = _flagged_lines(remaining)
    wrong, unflagged, diff = set(), False, []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        wrong.update(range(i1, i2))
        seen = any(j + 1 in flagged for j in range(j1, j2))
        unflagged = unflagged or not seen
        diff.append(("\n".join(a[i1:i2]), "\n".join(b[j1:j2]), seen))
    return Outcome(False, unflagged, len(bad), len(bad - wrong), diff)


# --------------------------------------------------------------------------------------------
# Damage shapes
# --------------------------------------------------------------------------------------------


class Row(NamedTuple):
    shape: str
    lossy: bool
    sets: dict  # origin group ("corpus", "generated") -> Counter of files/exact/unflagged/...
    all_rules: tuple[int, int] | None  # (files, same bytes as plain --fix of the original)
    seconds: float
    kb: float
    causes: dict  # ambiguity cause -> (files, an example) (lossy shapes)
    classify_seconds: float


def article_langs(a: Article) -> tuple[str, ...]:
    """The languages of an article's words, as the benchmark knows them: a corpus article is
    Czech with English original titles and names; a generated one is in its language, with the
    site's Czech headings, categories and link line."""
    return ("cs", "en") if a.origin == "corpus" else (a.origin, "cs")


def _example(amb) -> str:
    return f"{amb.word} / {amb.reading}"


def _group(origin: str) -> str:
    return "corpus" if origin == "corpus" else "generated"


def run_shape(shape: str, articles: list[Article], work: Path, reference: dict | None,
              failures: list) -> Row:
    lossy, damage = SHAPES[shape]
    damaged = {a.name: damage(a.text) for a in articles}
    todo = [a for a in articles if damaged[a.name] != a.text]
    files = {a.name: damaged[a.name].encode("utf-8") for a in todo}
    fixed, remaining, dt = fix_folder(work / "shape", files, "--select", ENCODING)
    # before the repair is looked at: which files hold a character the shape damaged to the text
    # of another, as plausible reading (tests/damage.py ``ambiguities``)
    t0 = time.perf_counter()
    ambiguous: dict[str, list] = {a.name: ambiguities(a.text, shape, article_langs(a), damaged[a.name],
                                                              one_per_cause=True)
                                  for a in todo} if lossy else {}
    classify_seconds = time.perf_counter() - t0
    causes: dict = {}
    for name, found in ambiguous.items():
        for cause in dict.fromkeys(x.cause for x in found):
            n, ex = causes.get(cause, (0, _example(next(x for x in found if x.cause == cause))))
            causes[cause] = (n + 1, ex)
    sets: dict = collections.defaultdict(collections.Counter)
    for a in todo:
        o = compare(a.text, damaged[a.name], fixed[a.name], remaining.get(a.name, []))
        c = sets[_group(a.origin)]
        c["files"] += 1
        c["exact"] += o.exact
        if ambiguous.get(a.name):
            c["ambiguous"] += 1
            c["exact ambiguous"] += o.exact
        else:
            c["exact recoverable"] += o.exact
        c["unflagged"] += o.unflagged
        c["flagged"] += not o.exact and not o.unflagged
        c["lines"] += o.damaged_lines
        c["lines ok"] += o.restored_lines
        c[f"lang {a.origin}"] += 1
        c[f"exact {a.origin}"] += o.exact
        if not o.exact:
            failures.append((shape, a.name, o))
    all_rules = None
    if reference is not None:
        plain, left, _ = fix_folder(work / "shape-all", files)
        all_rules = (len(todo), sum(plain[a.name] == reference[a.name] for a in todo))
        refused = sorted(n for n, found in left.items() if any(d["name"] == "internal-error" for d in found))
        if refused:
            print(f"  {shape}, all rules: {len(refused)} file(s) refused by an internal error: "
                  f"{', '.join(refused)}", file=sys.stderr)
    return Row(shape, lossy, sets, all_rules, dt, sum(map(len, files.values())) / 1024, causes, classify_seconds)


def _pct(ok: int, n: int) -> str:
    return f"{100 * ok / n:.1f}" if n else "-"


TABLE = ("shape", "kind", "corpus files", "corpus exact %", "generated files", "generated exact %",
         "wrong+unflagged", "flagged", "lines %", "all rules %", "ms/KB",
         "ambiguous c+g", "ceiling %", "corpus exact % recoverable", "generated exact % recoverable")


def row_cells(r: Row) -> list[str]:
    c, g = r.sets.get("corpus", collections.Counter()), r.sets.get("generated", collections.Counter())
    t = c + g
    return [r.shape, "lossy" if r.lossy else "lossless", str(c["files"]), _pct(c["exact"], c["files"]),
            str(g["files"]), _pct(g["exact"], g["files"]), str(t["unflagged"]), str(t["flagged"]),
            _pct(t["lines ok"], t["lines"]), _pct(r.all_rules[1], r.all_rules[0]) if r.all_rules else "-",
            f"{1000 * r.seconds / max(r.kb, 1e-9):.1f}"] + ceiling_cells(r)


def ceiling_cells(r: Row) -> list[str]:
    """Ambiguous files (corpus + generated), the share of files recoverable in principle, and
    exact % over those files only per set (a lossless shape: not classified, "-")."""
    if not r.lossy:
        return ["-"] * 4
    c, g = r.sets.get("corpus", collections.Counter()), r.sets.get("generated", collections.Counter())
    t = c + g
    return [f"{c['ambiguous']}+{g['ambiguous']}", _pct(t["files"] - t["ambiguous"], t["files"]),
            _pct(c["exact recoverable"], c["files"] - c["ambiguous"]),
            _pct(g["exact recoverable"], g["files"] - g["ambiguous"])]


def ambiguity_lines(rows: list[Row]) -> list[str]:
    """Per lossy shape: ambiguous files, how many of them came out exact anyway (a lucky or
    well-guessed reading), and the causes (files each, an example: true / other reading)."""
    out = []
    for r in rows:
        if not r.lossy:
            continue
        t = sum(r.sets.values(), collections.Counter())
        causes = "; ".join(f"{cause}: {n} (e.g. {ex})" for cause, (n, ex) in
                           sorted(r.causes.items(), key=lambda kv: -kv[1][0]))
        out.append(f"{r.shape}: {t['ambiguous']} of {t['files']} files ambiguous, {t['exact ambiguous']} of "
                   f"them exact anyway [{r.classify_seconds:.1f} s]" + (f" -- {causes}" if causes else ""))
    return out


def print_table(head: tuple[str, ...], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    sys.stdout.flush()


def markdown_table(head: tuple[str, ...], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def per_language(rows: list[Row]) -> tuple[tuple[str, ...], list[list[str]]]:
    """Exact % of the generated articles per language (columns) and shape (rows)."""
    langs = sorted({k[5:] for r in rows for s in r.sets.values() for k in s if k.startswith("lang ")} - {"corpus"})
    out = []
    for r in rows:
        g = r.sets.get("generated", collections.Counter())
        out.append([r.shape] + [_pct(g[f"exact {lang}"], g[f"lang {lang}"]) for lang in langs])
    return ("shape", *langs), out


# --------------------------------------------------------------------------------------------
# Legacy code pages, negatives, the seed
# --------------------------------------------------------------------------------------------


def _letters_fit(text: str, codec: str) -> bool:
    """At least 90 % of the non-ASCII letters of ``text`` exist in ``codec``: the file is written
    in that code page (the rest, like the site's Czech headings in a Russian article, and emoji,
    become ``?`` when it is saved: lost by the save, not by the repair)."""
    letters = [ch for ch in text if ch.isalpha() and ord(ch) > 127]
    fit = sum(1 for ch in letters if ch.encode(codec, errors="replace") != b"?")
    return bool(letters) and fit >= 0.9 * len(letters)


def run_legacy(articles: list[Article], work: Path, failures: list) -> list[list[str]]:
    rows, origin = [], {a.name: a.origin for a in articles}
    for codec in LEGACY_CODEPAGES:
        files, want = {}, {}
        for a in articles:
            data = saved_as(a.text, codec)
            try:
                data.decode("utf-8")
                continue  # still valid UTF-8 (ASCII and ?): nothing to decide
            except UnicodeDecodeError:
                pass
            if _letters_fit(a.text, codec):
                files[a.name] = data
                want[a.name] = data.decode(codec)
        fixed, remaining, dt = fix_folder(work / "legacy", files, "--select", ENCODING)
        exact = unflagged = 0
        groups = collections.Counter()
        for name, data in fixed.items():
            o = compare(want[name], want[name], data, remaining.get(name, []))
            exact += o.exact
            unflagged += o.unflagged
            groups[origin[name]] += 1
            if not o.exact:
                failures.append((f"saved as {codec}", name, o))
        langs = ", ".join(f"{k} {v}" for k, v in sorted(groups.items()))
        rows.append([codec, str(len(files)), _pct(exact, len(files)), str(unflagged), f"{dt:.1f}", langs])
    return rows


def run_negatives() -> list[str]:
    """The negative set through the encoding rules; the lines of the report."""
    lines = negatives.build()
    langs = {ln.lang for ln in lines} - {"typography"}
    out = [f"negatives: {len(lines)} lines of correct text in {len(langs)} languages (+ typography), "
           f"rules {','.join(negatives.ENCODING_RULES)}"]
    for mode in ("body", "title"):
        t0 = time.perf_counter()
        fails = negatives.check(lines, mode)
        changed = sum(1 for f in fails if f.changed_to is not None)
        flagged = sum(1 for f in fails if f.flagged)
        out.append(f"  as {mode} lines: {changed} changed, {flagged} flagged (error/warning) "
                   f"[{time.perf_counter() - t0:.1f} s]")
        causes = collections.Counter((f.line.lang, (f.flagged[0] if f.flagged else "changed, unflagged")
                                      .split(":")[0]) for f in fails)
        for (lang, rule), n in sorted(causes.items()):
            ex = next(f for f in fails if f.line.lang == lang and (f.flagged[0] if f.flagged else
                                                                  "changed, unflagged").startswith(rule))
            got = f" -> {ex.changed_to!r}" if ex.changed_to is not None and mode == "body" else ""
            out.append(f"    {lang:<10} {rule:<28} {n:>3}  e.g. {ex.line.text[:50]!r}{got[:70]}")
    return out


def seed_check(seed: Path, work: Path) -> None:
    if not seed.exists():
        print(f"seed check: {seed} not found, skipped")
        return
    name = seed.with_suffix(".md").name
    fixed, _, _ = fix_folder(work / "seed", {name: seed.read_bytes()})
    write_folder(work / "seed-before", {name: seed.read_bytes()})
    before, _ = news_lint(work / "seed-before")
    expected = SEED_CLEAN.read_bytes() if SEED_CLEAN.exists() else None
    again = SHAPES[SEED_SHAPE].damage(fixed[name].decode("utf-8")).encode("utf-8")
    print(f"seed check: {len(before.get(name, []))} diagnostics before the fix; plain --fix gives "
          f"{'exactly' if fixed[name] == expected else 'NOT'} {SEED_CLEAN.name}; damaged again with "
          f"'{SEED_SHAPE}': {'the seed, byte for byte' if again == seed.read_bytes() else 'DIFFERENT from the seed'}")


def show_failures(failures: list, n: int) -> None:
    print()
    print(f"first {n} failures per shape (want / got; [flagged]: an encoding rule still reports the line):")
    shown = collections.Counter()
    for shape, name, o in failures:
        if shown[shape] >= n:
            continue
        shown[shape] += 1
        print(f"== {shape} :: {name}")
        for want, got, flagged in o.diff[:6]:
            for w, g in word_diff(want, got):
                print(f"   want {w!r:<50} got {g!r}{'  [flagged]' if flagged else ''}")


def word_diff(a: str, b: str, limit: int = 4) -> list[tuple[str, str]]:
    wa, wb = a.split(" "), b.split(" ")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((" ".join(wa[i1:i2])[:80], " ".join(wb[j1:j2])[:80]))
    return out[:limit]


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--limit", type=int, default=None, help="only the first N corpus articles")
    ap.add_argument("--shapes", default="", help="comma-separated shape names (default: all)")
    ap.add_argument("--langs", default=",".join(LANGS), help="languages of the generated articles")
    ap.add_argument("--per-lang", type=int, default=5, help="generated articles per language")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N", help="N failed files per shape")
    ap.add_argument("--no-all-rules", action="store_true", help="skip the plain --fix comparison")
    ap.add_argument("--no-legacy", action="store_true", help="skip the legacy code pages")
    ap.add_argument("--no-negatives", action="store_true", help="skip the negative set")
    args = ap.parse_args(argv)
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()] or list(SHAPES)
    unknown = [s for s in args.shapes if s not in SHAPES]
    if unknown:
        ap.error(f"unknown shape(s) {unknown}; known: {list(SHAPES)}")
    args.langs = [x.strip() for x in args.langs.split(",") if x.strip() in LANGS]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="encoding-bench-"))
    try:
        seed_check(args.seed, work)
        corpus, damaged = load_corpus(args.corpus, args.limit)
        gen = generated(args.langs, args.per_lang)
        print(f"articles: {len(corpus)} clean corpus articles ({len(damaged)} already damaged, left out: "
              f"{', '.join(damaged)}); {len(gen)} generated in {len(args.langs)} languages "
              f"({', '.join(args.langs)}); news-lint --fix --no-cache --select {ENCODING}, {os.cpu_count()} cores")
        articles = corpus + gen
        reference = None
        if not args.no_all_rules:
            reference, _, _ = fix_folder(work / "reference", {a.name: a.text.encode("utf-8") for a in articles})
        failures: list = []
        rows = []
        print()
        for shape in args.shapes:
            rows.append(run_shape(shape, articles, work, reference, failures))
            print(f"  {shape}: {rows[-1].seconds:.1f} s", file=sys.stderr)
        report(rows, args, articles, work, failures)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: list[Row], args, articles: list[Article], work: Path, failures: list) -> None:
    cells = [row_cells(r) for r in rows]
    print_table(TABLE, cells)
    amb = ambiguity_lines(rows)
    if amb:
        print()
        print("ambiguous files per lossy shape (a character damaged to the text of another, as plausible one):")
        print("\n".join(f"  {x}" for x in amb))
    head, lang_rows = per_language(rows)
    print()
    print("generated articles, exact % per language:")
    print_table(head, lang_rows)
    legacy = []
    if not args.no_legacy:
        print()
        print("legacy code pages (file saved in the code page; the not-utf8 fix must give the text back):")
        legacy = run_legacy(articles, work, failures)
        print_table(("code page", "files", "exact %", "wrong+unflagged", "s", "articles"), legacy)
    neg = [] if args.no_negatives else run_negatives()
    if neg:
        print()
        print("\n".join(neg))
    if args.show_failures:
        show_failures(failures, args.show_failures)
    print()
    print("Markdown (for the README):")
    print()
    print(markdown_table(TABLE, cells))
    if amb:
        print()
        print("\n".join(f"- {x}" for x in amb))
    if legacy:
        print()
        print(markdown_table(("code page", "files", "exact %", "wrong+unflagged", "s", "articles"), legacy))
    if neg:
        print()
        print("\n".join(f"    {x}" for x in neg))


if __name__ == "__main__":
    main()
