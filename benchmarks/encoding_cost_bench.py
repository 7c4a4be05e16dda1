"""What the encoding repair costs (issue 13, "Cost"): prints a table, asserts nothing.

    .venv/bin/python benchmarks/encoding_cost_bench.py [--articles 40] [--corpus DIR] [--skip-cold]

1. Milliseconds per KB of damaged text, per lossy shape of ``tests/damage.py``: clean corpus
   articles (``/work/shared/corpus/marigold``) damaged with the shape, every line looked at by
   ``mojibake.find_mojibake`` as the rule looks at it (KB: the damaged text's UTF-8 size / 1000),
   each shape in a fresh process with the word lists compiled; wall and CPU time, and the CPU
   time of the second half of the articles alone (the parts of the lists read). Target: <= 5 ms/KB.
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


_SHAPE_CHILD = """
import json, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from damage import SHAPES
from mdlint_news import mojibake
shape, files = SHAPES[sys.argv[2]], sys.argv[3:]
texts = [open(f, encoding="utf-8").read() for f in files]
mojibake.find_mojibake(SHAPES["cp1252 undefined dropped"].damage(LINE), "cs")  # load the lists
damaged = [shape.damage(t) for t in texts]
half = len(damaged) // 2
wall, cpu, found, split = time.perf_counter(), time.process_time(), 0, 0.0
for i, d in enumerate(damaged):
    if i == half:
        split = time.process_time()
    for line in d.split("\\n"):
        if mojibake.quick_screen(line):
            found += len(mojibake.find_mojibake(line, "cs"))
end = time.process_time()
print(json.dumps({"kb": sum(len(d.encode("utf-8")) for d in damaged) / 1000, "found": found,
                  "kb2": sum(len(d.encode("utf-8")) for d in damaged[half:]) / 1000,
                  "wall": time.perf_counter() - wall, "cpu": end - cpu, "cpu2": end - split}))
"""


def shape_costs(files: list[Path]) -> list[tuple[str, float, float, float, float, int]]:
    """(shape, KB, ms per KB wall, ms per KB CPU, the same on the second half of the files,
    repairs) per lossy shape, each shape in a fresh process whose word lists are compiled but
    nothing else is scored yet: a shape does not profit from the words and groups an earlier
    shape scored (a process repairs one file's damage), and the CPU time is what a shared,
    loaded machine does not inflate as much as the wall time. The second half shows what a KB
    costs once the first half has read the parts of the lists a repair reads (a part holds
    every word of one length: the first word of a length asked costs reading them all)."""
    rows = []
    child = _SHAPE_CHILD.replace("LINE", repr(LINE))
    for name, shape in SHAPES.items():
        if not shape.lossy:
            continue
        proc = subprocess.run([sys.executable, "-c", child, str(ROOT), name, *map(str, files)],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise SystemExit(proc.stderr[-2000:])
        res = json.loads(proc.stdout)
        kb = res["kb"]
        rows.append((name, kb, res["wall"] * 1000 / kb, res["cpu"] * 1000 / kb,
                     res["cpu2"] * 1000 / res["kb2"], res["found"]))
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
    print(f"  {'shape':36} {'KB':>6} {'ms/KB':>8} {'CPU ms/KB':>10} {'2nd half':>9} {'repairs':>8}")
    for name, size, ms_kb, cpu_kb, cpu2_kb, found in shape_costs(files):
        print(f"  {name:36} {size:6.1f} {ms_kb:8.2f} {cpu_kb:10.2f} {cpu2_kb:9.2f} {found:8d}")
    print()
    print("the ÃÄ line")
    for n, sec in long_line_costs():
        print(f"  {n:5d} characters   {sec:7.2f} s")


if __name__ == "__main__":
    main()
