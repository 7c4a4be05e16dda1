"""What the encoding repair costs (issue 13, "Cost"): prints a table, asserts nothing.

    .venv/bin/python benchmarks/encoding_cost_bench.py [--articles 40] [--corpus DIR] [--skip-cold]

1. Milliseconds per KB of damaged text, per lossy shape of ``tests/damage.py``: clean corpus
   articles (``/work/shared/corpus/marigold``) damaged with the shape, every line looked at by
   ``mojibake.find_mojibake`` as the rule looks at it (the word lists already loaded; KB: the
   damaged text's UTF-8 size / 1000). Target: <= 5 ms/KB.
2. The ``ÃÄÃÄ...`` line (every character a lead byte whose continuation was lost, one word) at
   100, 300 and 1000 characters, in seconds. Target: under a second at 300, linear.
3. The first lost-byte repair on a machine with an empty cache: a fresh process with its own
   empty ``XDG_CACHE_HOME`` and ``NEWS_LINT_LEXICON``, repairing one damaged line: wall time,
   peak RSS (``resource.getrusage`` in the child) and how much of it the repair added, bytes
   left on disk; then the real command on a damaged article with an empty cache, to show the
   note it writes on stderr. Targets: <= 3 s, <= 150 MB extra, <= 20 MB on disk per language.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from damage import SHAPES  # noqa: E402

from mdlint_news import mojibake  # noqa: E402

CORPUS = Path("/work/shared/corpus/marigold")
LINE = "Vláda schválila rozpočet na příští rok, říká ministr financí."

_CHILD = """
import json, resource, sys, time
from mdlint_news import mojibake
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
out = mojibake.repair_text(sys.argv[1], language=None)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall": wall, "peak_kb": peak, "extra_kb": peak - before, "out": out}))
"""


def _damaged_lines(text: str):
    for line in text.split("\n"):
        if mojibake.quick_screen(line):
            yield line


def shape_costs(files: list[Path]) -> list[tuple[str, float, float, int]]:
    """(shape, KB, ms per KB, repairs) per lossy shape."""
    texts = [f.read_text(encoding="utf-8") for f in files]
    mojibake.find_mojibake(SHAPES["cp1252 undefined dropped"].damage(texts[0]), "cs")  # load lists
    rows = []
    for name, shape in SHAPES.items():
        if not shape.lossy:
            continue
        damaged = [shape.damage(t) for t in texts]
        size = sum(len(d.encode("utf-8")) for d in damaged) / 1000
        found = 0
        t = time.perf_counter()
        for d in damaged:
            for line in _damaged_lines(d):
                found += len(mojibake.find_mojibake(line, "cs"))
        ms = (time.perf_counter() - t) * 1000
        rows.append((name, size, ms / size, found))
    return rows


def long_line_costs(sizes=(100, 300, 1000)) -> list[tuple[int, float]]:
    mojibake.find_mojibake("ÃÄ" * 10, language="cs")
    rows = []
    for n in sizes:
        t = time.perf_counter()
        mojibake.find_mojibake("ÃÄ" * (n // 2), language="cs")
        rows.append((n, time.perf_counter() - t))
    return rows


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cold_repair(damaged_line: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": tmp, "NEWS_LINT_LEXICON": str(Path(tmp) / "news-lint" / "lexicon.sqlite3")}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _CHILD, damaged_line], env=env, cwd=ROOT,
                              capture_output=True, text=True)
        total = time.perf_counter() - t
        if proc.returncode:
            return {"error": proc.stderr[-2000:]}
        res = json.loads(proc.stdout)
        res["process"] = total
        res["disk"] = _du(Path(tmp))
        return res


def cold_cli_note(article: Path) -> tuple[float, str]:
    """The real command with an empty cache on a damaged article: its wall time and stderr."""
    damaged = SHAPES["cp1252 undefined dropped"].damage(article.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / article.name).write_text(damaged, encoding="utf-8")
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache"), "NO_COLOR": "1"}
        env.pop("NEWS_LINT_LEXICON", None)
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--no-progress",
                               "--output-format", "concise", article.name], cwd=tmp, env=env,
                              capture_output=True, text=True)
        return time.perf_counter() - t, proc.stderr.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--skip-cold", action="store_true")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.md"))[: args.articles]
    if not args.skip_cold:  # first: nothing of this process has touched the word lists yet
        damaged = SHAPES["cp1252 undefined dropped"].damage(LINE)
        cold = cold_repair(damaged)
        print("cold-cache first lost-byte repair (fresh process, empty cache)")
        if "error" in cold:
            print("  failed:", cold["error"])
        else:
            print(f"  repair wall time    {cold['wall']:8.2f} s   (process {cold['process']:.2f} s)")
            print(f"  peak RSS            {cold['peak_kb'] / 1000:8.0f} MB  (repair added {cold['extra_kb'] / 1000:.0f} MB)")
            print(f"  on disk afterwards  {cold['disk'] / 1e6:8.1f} MB")
            print(f"  repaired correctly  {cold['out'] == LINE}")
        wall, note = cold_cli_note(files[0])
        print(f"  CLI, empty cache: {wall:.2f} s; stderr: {note or '(nothing)'}")
        print()
    print(f"lossy shapes on {len(files)} corpus articles (warm word lists)")
    print(f"  {'shape':32} {'KB':>8} {'ms/KB':>8} {'repairs':>8}")
    for name, size, ms_kb, found in shape_costs(files):
        print(f"  {name:32} {size:8.1f} {ms_kb:8.2f} {found:8d}")
    print()
    print("the ÃÄ line")
    for n, sec in long_line_costs():
        print(f"  {n:5d} characters   {sec:7.2f} s")


if __name__ == "__main__":
    main()
