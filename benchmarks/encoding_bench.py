"""Benchmark of mdlint_news.mojibake: damage clean text every way we know, repair it, measure.

    .venv/bin/python benchmarks/encoding_bench.py [--corpus DIR] [--seed FILE] [--limit N]

Clean texts: the articles of the marigold corpus (front-matter lines and body lines; the files
whose text already shows mojibake are skipped) plus ``benchmarks/data/multilingual.txt``, our own
sentences in other languages. Each damage path turns a clean line into the damaged line; the
repair applies every Repair of ``find_mojibake`` (best candidate). Printed per path:

* lines: damaged lines (lines the path changes) restored byte-exact, in %;
* files: files all of whose lines are restored byte-exact, in %;
* CER: character error rate of the repaired damaged lines (edit distance / clean length);
* conf %: share of the repairs marked ``confident``;
* wrong+conf: damaged lines not restored exactly although every repair on them was confident;
* clean changed: clean lines (every line of every text, undamaged) that the repair changes; must be 0.

Then the cost of ``quick_screen`` + ``find_mojibake`` on clean 5 KB articles. The first check
runs before all that: the seed article repaired by the module and damaged again with the seed's
path (UTF-8 read as Windows-1254, undefined bytes dropped, soft hyphens stripped) must give the
seed back byte for byte. No asserts: this prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mdlint_news.mojibake import apply_repairs, find_mojibake, quick_screen  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus/marigold")
DEFAULT_SEED = Path("/work/shared/seeds/000_58abeca56bfa6fda.txt")
MULTILINGUAL = HERE / "data" / "multilingual.txt"
CLEAN_ONLY = HERE / "data" / "clean_only.txt"  # must stay unchanged; not damaged (code spans)

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


def repair(line: str, language) -> str:
    return apply_repairs(line, find_mojibake(line, language))


def load_texts(corpus: Path, limit: int | None) -> list[tuple[str, list[str]]]:
    texts = []
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if quick_screen(text) and find_mojibake(text, None):
            continue  # one of the few damaged articles: not a clean reference
        texts.append((path.name, text.split("\n")))
    if limit:
        texts = texts[:limit]
    if MULTILINGUAL.exists():
        for block in MULTILINGUAL.read_text(encoding="utf-8").split("\n\n"):
            lines = [ln for ln in block.split("\n") if ln and not ln.startswith("#")]
            if lines:
                texts.append((f"multilingual:{lines[0][:20]}", lines))
    return texts


def seed_check(seed: Path) -> None:
    raw = seed.read_text(encoding="utf-8")
    clean = "\n".join(repair(line, "cs") for line in raw.split("\n"))
    again = damage(clean, "cp1254", drop=True, shy=True)
    ok = again.encode("utf-8") == seed.read_bytes()
    print(f"seed check: repaired {seed.name}, damaged again with cp1254 drop+SHY -> "
          f"{'identical to the seed, byte for byte' if ok else 'DIFFERENT from the seed'}")
    left = [ln for ln in clean.split("\n") if quick_screen(ln) and find_mojibake(ln, "cs")]
    print(f"seed check: lines still flagged after repair: {len(left)}")


def _data_lines(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln and not ln.startswith("#")]


def run_paths(texts, language) -> None:
    clean_lines = [ln for _, lines in texts for ln in lines]
    if CLEAN_ONLY.exists():
        clean_lines += _data_lines(CLEAN_ONLY)
    changed_clean = sum(1 for ln in clean_lines if repair(ln, language) != ln)
    print(f"clean lines: {len(clean_lines)} in {len(texts)} texts; changed by repair: {changed_clean}")
    print()
    head = f"{'path':<24} {'kind':<8} {'lines':>7} {'exact %':>8} {'files %':>8} {'CER %':>8} {'conf %':>7} {'wrong+conf':>10} {'clean chg':>9} {'ms/line':>8}"
    print(head)
    print("-" * len(head))
    for name, (lossy, fn) in PATHS.items():
        n_lines = exact = 0
        files_ok = files = 0
        err = total = 0
        conf = reps = 0
        wrong_conf = 0
        clean_changed = 0
        t0 = time.perf_counter()
        for _, lines in texts:
            file_ok = True
            file_damaged = False
            for ln in lines:
                bad = fn(ln)
                if bad == ln:
                    if repair(ln, language) != ln:
                        clean_changed += 1
                        file_ok = False
                    continue
                file_damaged = True
                n_lines += 1
                found = find_mojibake(bad, language)
                reps += len(found)
                conf += sum(r.confident for r in found)
                fixed = apply_repairs(bad, found)
                if fixed == ln:
                    exact += 1
                else:
                    file_ok = False
                    if found and all(r.confident for r in found):
                        wrong_conf += 1
                err += edit_distance(fixed, ln)
                total += len(ln)
            if file_damaged:
                files += 1
                files_ok += file_ok
        dt = time.perf_counter() - t0
        print(f"{name:<24} {'lossy' if lossy else 'lossless':<8} {n_lines:>7} {100 * exact / max(n_lines, 1):>8.2f} "
              f"{100 * files_ok / max(files, 1):>8.2f} {100 * err / max(total, 1):>8.3f} "
              f"{100 * conf / max(reps, 1):>7.1f} {wrong_conf:>10} {clean_changed:>9} {1000 * dt / max(n_lines, 1):>8.2f}")


def timing(texts) -> None:
    # 5 KB clean articles: consecutive lines of the clean texts, cut at 5000 characters
    chunks = []
    buf = ""
    for _, lines in texts:
        for ln in lines:
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
    ap.add_argument("--language", default="none", help="wordfreq code for the model, or 'none' to detect per line")
    args = ap.parse_args(argv)
    language = None if args.language == "none" else args.language
    if args.seed.exists():
        seed_check(args.seed)
    texts = load_texts(args.corpus, args.limit)
    run_paths(texts, language)
    timing(texts)


if __name__ == "__main__":
    main()
