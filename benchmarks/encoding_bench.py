"""Benchmark of mojibake repair: damage whole clean articles every way we know, fix them with the
real fixer, count the articles restored byte for byte.

    .venv/bin/python benchmarks/encoding_bench.py [--corpus DIR] [--seed FILE] [--limit N]
                                                  [--show-failures N] [--paths NAME,...]

Clean articles: the marigold corpus. An article whose text already shows mojibake is not a clean
reference and is left out (counted). The rule rewrites a repaired front-matter value whole through
PyYAML's dumper (``yaml.dump(..., allow_unicode=True, default_flow_style=False)``, the way the
corpus articles were written), so an article can be restored byte for byte only if its front matter
is exactly what that dumper writes; articles that are not *dumper-stable* are left out of the
file-level count (counted and printed) but still go through the clean-text check.

How an article is damaged (per path): the whole file's text goes through the path (UTF-8 bytes read
with the wrong code page; undefined bytes dropped or kept as C1 controls; soft hyphens stripped;
no-break spaces turned into spaces), front matter and body alike, as happened to the seed article.
YAML forbids raw C1 controls, so when the damaged front matter no longer loads, the damage is
modelled the way the China's-CATL article shows it: each string value damaged and the front matter
written by the dumper, which escapes the controls (``"Chinaâ\\x80\\x99s ..."``). The column ``fm=dump``
counts the articles damaged that way.

The fixer: ``mdlint_news.api.fix_text(text, path=name, config=Settings(cli_select=["mojibake"]))``,
i.e. the rule with the profile's languages and the safe (confident) fixes only, to a fixed point.

Printed per path (file-level columns first; they are what the acceptance criterion counts):

* files: damaged, dumper-stable articles;  files %: restored byte for byte;
* list: of those, articles with a damaged string inside a front-matter list (``companies:``): the
  rule cannot rewrite a list item (``yamlemit.replace_value`` takes mapping keys only), so these
  articles cannot be restored by the fixer whatever the module finds; ``w/o list %`` is files %
  over the other articles. Counted and shown, never hidden;
* wrong+conf: articles with a wrong line that the rule no longer flags (a confident repair that
  was wrong, or damage it did not see): the failures that a user would not be told about;
* review: articles that are not restored but whose wrong lines are all still flagged (display-only);
* lines %: damaged clean lines found byte-exact in the fixed article (aligned with difflib);
* CER %: character edit distance of the wrong stretches / length of the damaged articles;
* ambiguous: failed articles whose fixed text, damaged again with the path, gives the same damaged
  text (two originals with one damaged form: only the language can tell them apart). Counted,
  never excluded.

Then ``clean changed``: ``fix_text`` on every clean article (dumper-stable or not) must change
none; every line of the corpus and of ``benchmarks/data/*.txt`` through ``find_mojibake`` with
``language=None`` and ``"cs"`` must give no repair. Then a module-level table on
``benchmarks/data/multilingual.txt`` (sentences in other languages, language detected per line),
and the cost of ``quick_screen`` + ``find_mojibake`` on clean 5 KB articles.

The first check: the seed article fixed by ``fix_text`` must be ``tests/data/mojibake/
seed_000_clean.txt``, and that damaged again with the seed's path (UTF-8 read as Windows-1254,
undefined bytes dropped, soft hyphens stripped) must give the seed back byte for byte.
No asserts: this prints a table.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mdlint_news.api import fix_text, lint_text  # noqa: E402
from mdlint_news.config import Settings  # noqa: E402
from mdlint_news.mojibake import apply_repairs, find_mojibake, quick_screen  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus/marigold")
DEFAULT_SEED = Path("/work/shared/seeds/000_58abeca56bfa6fda.txt")
SEED_CLEAN = HERE.parent / "tests" / "data" / "mojibake" / "seed_000_clean.txt"
MULTILINGUAL = HERE / "data" / "multilingual.txt"
CLEAN_ONLY = HERE / "data" / "clean_only.txt"  # must stay unchanged; not damaged (code spans)
CONFIG = Settings(cli_select=["mojibake"])
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PY = {"cp1252": "cp1252", "cp1254": "cp1254", "cp1250": "cp1250", "latin-1": "latin-1", "mac-roman": "mac_roman"}


def _decode_sloppy(data: bytes, codec: str, drop: bool) -> str:
    """Decode byte by byte; an undefined byte is dropped (``drop``) or kept as its C1 control."""
    out = []
    for b in data:
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            if not drop:
                out.append(chr(b))
    return "".join(out)


def damage(text: str, codec: str, *, drop: bool = False, shy: bool = False, nbsp: bool = False) -> str:
    """UTF-8 bytes of ``text`` read with ``codec``; then optionally lose bytes like our pipelines."""
    out = _decode_sloppy(text.encode("utf-8"), _PY[codec], drop)
    if shy:
        out = out.replace("\u00ad", "")
    if nbsp:
        out = out.replace("\u00a0", " ")
    return out


PATHS = {
    # name: (lossy?, function)
    "cp1252": (False, lambda t: damage(t, "cp1252")),
    "cp1250": (False, lambda t: damage(t, "cp1250")),
    "latin-1": (False, lambda t: damage(t, "latin-1")),
    "mac-roman": (False, lambda t: damage(t, "mac-roman")),
    "cp1254": (False, lambda t: damage(t, "cp1254")),
    "double cp1252": (False, lambda t: damage(damage(t, "cp1252"), "cp1252")),
    "cp1250 then cp1252": (False, lambda t: damage(damage(t, "cp1250"), "cp1252")),
    "cp1254 drop+SHY (seed)": (True, lambda t: damage(t, "cp1254", drop=True, shy=True)),
    "cp1252 drop": (True, lambda t: damage(t, "cp1252", drop=True)),
    "cp1250 drop": (True, lambda t: damage(t, "cp1250", drop=True)),
    "cp1252 NBSP->space": (True, lambda t: damage(t, "cp1252", nbsp=True)),
    "cp1252 drop+SHY+NBSP": (True, lambda t: damage(t, "cp1252", drop=True, shy=True, nbsp=True)),
    "latin-1 SHY+NBSP": (True, lambda t: damage(t, "latin-1", shy=True, nbsp=True)),
}


def edit_distance(a: str, b: str) -> int:
    if a == b:
        return 0
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    j = 0
    while j < len(a) - i and j < len(b) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    a, b = a[i:len(a) - j], b[i:len(b) - j]
    prev = list(range(len(b) + 1))
    for x, ca in enumerate(a, 1):
        cur = [x]
        for y, cb in enumerate(b, 1):
            cur.append(min(prev[y] + 1, cur[y - 1] + 1, prev[y - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter between the ``---`` lines, with its final newline; the rest after them)."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    return text[4:end + 1], text[end + 5:]


def dump(data) -> str:
    return yaml.dump(data, allow_unicode=True, default_flow_style=False)


def dumper_stable(text: str) -> bool:
    parts = split_front_matter(text)
    if parts is None:
        return False
    try:
        data = yaml.load(parts[0], Loader=_LOADER)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and dump(data) == parts[0]


def _map_strings(obj, fn):
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, list):
        return [_map_strings(x, fn) for x in obj]
    if isinstance(obj, dict):
        return {k: _map_strings(v, fn) for k, v in obj.items()}
    return obj


def damage_article(text: str, fn) -> tuple[str, bool]:
    """The damaged article and whether its front matter had to go through the dumper (C1 controls)."""
    whole = fn(text)
    parts = split_front_matter(whole)
    if parts is None:
        return whole, False
    try:
        yaml.load(parts[0], Loader=_LOADER)
        return whole, False
    except yaml.YAMLError:
        pass
    fm, body = split_front_matter(text)
    data = yaml.load(fm, Loader=_LOADER)
    return "---\n" + dump(_map_strings(data, fn)) + "---\n" + fn(body), True


def damages_list_item(text: str, fn) -> bool:
    """The path damages a string inside a front-matter list (which the rule cannot rewrite)."""
    fm = split_front_matter(text)
    if fm is None:
        return False

    def walk(obj, in_list):
        if isinstance(obj, str):
            return in_list and fn(obj) != obj
        if isinstance(obj, list):
            return any(walk(x, True) for x in obj)
        if isinstance(obj, dict):
            return any(walk(v, in_list) for v in obj.values())
        return False

    return walk(yaml.load(fm[0], Loader=_LOADER), False)


def load_articles(corpus: Path, limit: int | None):
    """(name, text, dumper_stable) of the clean articles; and the names of the damaged ones."""
    out, damaged = [], []
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if any(d.name == "mojibake" for d in lint_text(text, path=path.name, config=CONFIG)):
            damaged.append(path.name)  # one of the few damaged articles: not a clean reference
            continue
        out.append((path.name, text, dumper_stable(text)))
    if limit:
        out = out[:limit]
    return out, damaged


def fixed_article(name: str, text: str):
    return fix_text(text, path=name, config=CONFIG)


def _flagged_lines(result) -> set[int]:
    return {ln for d in result.remaining if d.name == "mojibake"
            for ln in range(d.line, max(d.line, d.end_line) + 1)}


def compare(clean: str, fixed: str, flagged: set[int], damaged_lines: set[int]):
    """Line comparison of a fixed article with its clean original.

    Returns (wrong damaged lines, wrong lines the rule no longer flags, edit distance, wrong pairs)."""
    a, b = clean.split("\n"), fixed.split("\n")
    wrong = silent = dist = 0
    pairs = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        wrong += sum(1 for i in range(i1, i2) if i in damaged_lines)
        if not any(j + 1 in flagged for j in range(j1, j2)):
            silent += 1
        dist += edit_distance("\n".join(a[i1:i2]), "\n".join(b[j1:j2]))
        pairs.append(("\n".join(a[i1:i2]), "\n".join(b[j1:j2]), any(j + 1 in flagged for j in range(j1, j2))))
    return wrong, silent, dist, pairs


def word_diff(a: str, b: str, limit: int = 6) -> list[tuple[str, str]]:
    """The differing words of two texts (at most ``limit`` pairs)."""
    wa, wb = a.split(" "), b.split(" ")
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((" ".join(wa[i1:i2])[:80], " ".join(wb[j1:j2])[:80]))
    return out[:limit]


def run_paths(articles, selected, show: int) -> None:
    stable = [(n, t) for n, t, s in articles if s]
    head = (f"{'path':<24} {'kind':<8} {'files':>5} {'files %':>8} {'list':>4} {'w/o list %':>10} "
            f"{'wrong+conf':>10} {'review':>6} "
            f"{'lines':>6} {'lines %':>8} {'CER %':>7} {'ambig':>5} {'fm=dump':>7} {'ms/file':>7}")
    print(head)
    print("-" * len(head))
    failures = []
    for name, (lossy, fn) in PATHS.items():
        if selected and name not in selected:
            continue
        files = ok = wrong_conf = review = ambiguous = via_dump = in_list = ok_list = 0
        n_lines = lines_ok = 0
        dist = total = 0
        t0 = time.perf_counter()
        for art, clean in stable:
            bad, dumped = damage_article(clean, fn)
            if bad == clean:
                continue
            files += 1
            via_dump += dumped
            listed = damages_list_item(clean, fn)
            in_list += listed
            clean_lines = clean.split("\n")
            damaged_lines = {i for i, ln in enumerate(clean_lines) if fn(ln) != ln}
            n_lines += len(damaged_lines)
            total += len(clean)
            res = fixed_article(art, bad)
            if res.text == clean:
                ok += 1
                ok_list += listed
                lines_ok += len(damaged_lines)
                continue
            wrong, silent, d, pairs = compare(clean, res.text, _flagged_lines(res), damaged_lines)
            lines_ok += len(damaged_lines) - wrong
            dist += d
            if silent:
                wrong_conf += 1
            else:
                review += 1
            if damage_article(res.text, fn)[0] == bad:
                ambiguous += 1
            failures.append((name, art, res.error, pairs, listed))
        dt = time.perf_counter() - t0
        print(f"{name:<24} {'lossy' if lossy else 'lossless':<8} {files:>5} {100 * ok / max(files, 1):>8.2f} "
              f"{in_list:>4} {100 * (ok - ok_list) / max(files - in_list, 1):>10.2f} {wrong_conf:>10} {review:>6} {n_lines:>6} {100 * lines_ok / max(n_lines, 1):>8.2f} "
              f"{100 * dist / max(total, 1):>7.3f} {ambiguous:>5} {via_dump:>7} {1000 * dt / max(files, 1):>7.1f}")
        sys.stdout.flush()
    if show:
        print()
        print(f"first {show} failures (clean / fixed; [flagged] = the rule still reports mojibake there):")
        for name, art, err, pairs, listed in failures[:show]:
            print(f"== {name} :: {art}" + (f" (fix refused: {err})" if err else "")
                  + (" (damaged list item)" if listed else ""))
            for want, got, flagged in pairs:
                for w, g in word_diff(want, got):
                    print(f"   want {w!r:<40} got {g!r}{'  [flagged]' if flagged else ''}")


def _data_lines(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln and not ln.startswith("#")]


def clean_checks(articles) -> None:
    changed = [n for n, t, _ in articles if fixed_article(n, t).text != t]
    lines = [ln for _, t, _ in articles for ln in t.split("\n")]
    for p in (MULTILINGUAL, CLEAN_ONLY):
        if p.exists():
            lines += _data_lines(p)
    changed_lines = sum(1 for ln in lines for lang in (None, "cs")
                        if quick_screen(ln) and apply_repairs(ln, find_mojibake(ln, lang)) != ln)
    print(f"clean changed: fix_text changed {len(changed)} of {len(articles)} clean articles"
          + (f" ({', '.join(changed[:5])})" if changed else "")
          + f"; find_mojibake (None and cs) changed {changed_lines} of {len(lines)} clean lines")


def multilingual_table() -> None:
    if not MULTILINGUAL.exists():
        return
    lines = _data_lines(MULTILINGUAL)
    print()
    print(f"module level, {len(lines)} multilingual lines (language detected per line):")
    head = f"{'path':<24} {'lines':>6} {'exact %':>8} {'wrong+conf':>10}"
    print(head)
    print("-" * len(head))
    for name, (_, fn) in PATHS.items():
        n = ok = wc = 0
        for ln in lines:
            bad = fn(ln)
            if bad == ln:
                continue
            n += 1
            found = find_mojibake(bad, None)
            fixed = apply_repairs(bad, found)
            if fixed == ln:
                ok += 1
            elif apply_repairs(bad, found, confident_only=True) != bad and all(r.confident for r in found):
                wc += 1
        print(f"{name:<24} {n:>6} {100 * ok / max(n, 1):>8.2f} {wc:>10}")


def seed_check(seed: Path) -> None:
    raw = seed.read_text(encoding="utf-8")
    res = fixed_article(seed.name, raw)
    expected = SEED_CLEAN.read_text(encoding="utf-8") if SEED_CLEAN.exists() else None
    same = expected is not None and res.text == expected
    again = damage(res.text, "cp1254", drop=True, shy=True)
    ok = again.encode("utf-8") == seed.read_bytes()
    print(f"seed check: fix_text({seed.name}) {'==' if same else '!='} {SEED_CLEAN.name}; damaged again with "
          f"cp1254 drop+SHY -> {'identical to the seed, byte for byte' if ok else 'DIFFERENT from the seed'}")


def timing(articles) -> None:
    # 5 KB clean articles: consecutive lines of the clean texts, cut at 5000 characters
    chunks = []
    buf = ""
    for _, text, _ in articles:
        for ln in text.split("\n"):
            buf += ln + "\n"
            if len(buf) >= 5000:
                chunks.append(buf[:5000])
                buf = ""
    screened = sum(1 for c in chunks if quick_screen(c))
    for c in chunks:  # warm up (the language model is loaded only if some chunk needs it)
        find_mojibake(c, "cs")
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        for c in chunks:
            quick_screen(c)
    t_screen = (time.perf_counter() - t0) / (reps * len(chunks))
    t0 = time.perf_counter()
    for _ in range(reps):
        for c in chunks:
            if quick_screen(c):
                find_mojibake(c, "cs")
    t_all = (time.perf_counter() - t0) / (reps * len(chunks))
    per = []
    for c in chunks:
        t = time.perf_counter()
        for _ in range(5):
            if quick_screen(c):
                find_mojibake(c, "cs")
        per.append((time.perf_counter() - t) / 5)
    print()
    print(f"clean 5 KB articles: {len(chunks)}; passing quick_screen: {screened}")
    print(f"quick_screen: {1e6 * t_screen:.1f} us/article; quick_screen+find_mojibake: mean {1e6 * t_all:.1f} us, "
          f"median {1e6 * statistics.median(per):.1f} us, max {1e6 * max(per):.1f} us")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N corpus articles")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N", help="print the first N failed articles")
    ap.add_argument("--paths", default="", help="comma-separated path names to run (default: all)")
    args = ap.parse_args(argv)
    selected = {p.strip() for p in args.paths.split(",") if p.strip()}
    if args.seed.exists():
        seed_check(args.seed)
    articles, damaged = load_articles(args.corpus, args.limit)
    unstable = [n for n, _, s in articles if not s]
    print(f"corpus: {len(articles) + len(damaged)} articles; {len(damaged)} already damaged, left out "
          f"({', '.join(damaged)}); {len(unstable)} clean but not dumper-stable, left out of the file-level "
          f"count; {len(articles) - len(unstable)} in the file-level count")
    clean_checks(articles)
    print()
    run_paths(articles, selected, args.show_failures)
    if not selected:
        multilingual_table()
        timing(articles)


if __name__ == "__main__":
    main()
