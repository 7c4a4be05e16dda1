"""The first lost-byte repair on a machine with an empty cache (issue 13, "Cost"): prints numbers,
asserts nothing (these machines are noisy).

    .venv/bin/python benchmarks/coldstart_bench.py [--repeat 3] [FILE]

Each run is the real command, ``news-lint --no-cache --output-format concise FILE``, in its own
process, with ``XDG_CACHE_HOME`` pointing at a fresh empty folder (``NEWS_LINT_LEXICON`` unset,
so the word lists go where a fresh CI runner puts them). It is started by a small probe process
whose ``RUSAGE_CHILDREN`` peak RSS is the command's alone (a child of this process would count
pages shared with it). Printed per run: wall time, CPU time (user + system), peak RSS, the bytes left in the cache
folder, the languages compiled (``built:<lang>:<level>`` in the lexicon) and the note on
stderr; then the same file again with that cache (warm), and a clean article with an empty
cache, which must compile nothing (the baseline for "extra" memory).

FILE defaults to the damaged seed (``/work/shared/seeds/000_58abeca56bfa6fda.txt``); without
it, an example article damaged with ``tests/damage.py``'s "cp1252 undefined dropped" (UTF-8 read
as Windows-1252 with the undefined bytes lost). Targets: cold <= 3 s, <= 150 MB over the clean
run, <= 20 MB on disk per language compiled, a one-line note on stderr when compiling takes
over a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/shared/seeds/000_58abeca56bfa6fda.txt")
EXAMPLE = ROOT / "examples" / "content" / "2025-09-21-aplikace-google-home-dostává-nový-vzhled-co-se-měn.md"
CLEAN = EXAMPLE  # undamaged: compiles nothing

PROBE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rss_kb": use.ru_maxrss, "cpu": use.ru_utime + use.ru_stime,
                  "rc": p.returncode, "stderr": p.stderr}))
"""


def _command() -> list[str]:
    script = Path(sys.executable).with_name("news-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mdlint_news"]


def _damaged_example(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from damage import SHAPES

    out = folder / "damaged.md"
    out.write_text(SHAPES["cp1252 undefined dropped"].damage(EXAMPLE.read_text(encoding="utf-8")),
                   encoding="utf-8")
    return out


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _compiled(cache: Path) -> tuple[list[str], dict[str, int]]:
    """The levels compiled (``lang:level``) and the bytes stored per language."""
    files = sorted(cache.rglob("lexicon*.sqlite3"))
    if not files:
        return [], {}
    conn = sqlite3.connect(files[0])
    try:
        built = [k[len("built:"):] for (k,) in conn.execute(
            "SELECT key FROM meta WHERE key LIKE 'built:%' ORDER BY key")]
        sizes: dict[str, int] = {}
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'parts'").fetchone():
            return built, sizes  # another format (an older news-lint): levels only
        for lang, n in conn.execute("SELECT lang, SUM(LENGTH(CAST(text AS BLOB))) FROM parts "
                                    "GROUP BY lang"):
            sizes[lang] = sizes.get(lang, 0) + n
        for lang, n in conn.execute("SELECT lang, SUM(LENGTH(CAST(data AS BLOB))) FROM gaps "
                                    "GROUP BY lang"):
            sizes[lang] = sizes.get(lang, 0) + n
        for key, n in conn.execute("SELECT key, LENGTH(CAST(value AS BLOB)) FROM meta "
                                   "WHERE key LIKE 'chars:%'"):
            lang = key.split(":", 1)[1]
            sizes[lang] = sizes.get(lang, 0) + n
    finally:
        conn.close()
    return built, sizes


def run(file: Path, cache: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    env.pop("NEWS_LINT_LEXICON", None)
    env.pop("NEWS_LINT_NOTE_AFTER", None)
    cmd = [*_command(), "--no-cache", "--no-progress", "--output-format", "concise", file.name]
    import subprocess

    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], cwd=file.parent, env=env,
                         capture_output=True, text=True, check=True)
    res = json.loads(out.stdout)
    res["disk"] = _du(cache) if cache.exists() else 0
    res["built"], res["sizes"] = _compiled(cache) if cache.exists() else ([], {})
    res["notes"] = [l for l in res["stderr"].splitlines() if "compiling word lists" in l]
    return res


def _show(label: str, r: dict) -> None:
    print(f"  {label:6} wall {r['wall']:6.2f} s   CPU {r['cpu']:6.2f} s   peak RSS {r['rss_kb'] / 1000:6.1f} MB   "
          f"cache {r['disk'] / 1e6:6.1f} MB   exit {r['rc']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="cold runs (each with a new empty cache)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.file is not None:
            src = args.file
        elif SEED.is_file():
            src = SEED
        else:
            print(f"{SEED} is absent: an example article damaged instead")
            src = _damaged_example(tmp)
        work = tmp / "work"
        work.mkdir()
        target = work / "article.md"
        target.write_bytes(src.read_bytes())
        clean = tmp / "clean" / CLEAN.name
        clean.parent.mkdir()
        clean.write_bytes(CLEAN.read_bytes())
        print(f"command: {' '.join(_command())} --no-cache --output-format concise FILE")
        print(f"file: {src}")
        base = run(clean, tmp / "cache-clean")
        _show("clean", base)
        print(f"         (a clean article with an empty cache: compiled {base['built'] or 'nothing'})")
        colds = []
        for i in range(args.repeat):
            cache = tmp / f"cache-{i}"
            colds.append(run(target, cache))
            _show("cold", colds[-1])
        warm = run(target, tmp / f"cache-{args.repeat - 1}")
        _show("warm", warm)
        last = colds[-1]
        walls = [r["wall"] for r in colds]
        cpus = [r["cpu"] for r in colds]
        peaks = [r["rss_kb"] / 1000 for r in colds]
        print()
        print(f"cold: median {statistics.median(walls):.2f} s wall (min {min(walls):.2f}; CPU "
              f"{statistics.median(cpus):.2f} s), peak RSS "
              f"median {statistics.median(peaks):.1f} MB, {statistics.median(peaks) - base['rss_kb'] / 1000:.1f} MB "
              f"over the clean run; warm {warm['wall']:.2f} s (CPU {warm['cpu']:.2f} s), "
              f"{warm['rss_kb'] / 1000:.1f} MB; clean {base['wall']:.2f} s (CPU {base['cpu']:.2f} s)")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
              "(wall time on a busy machine is mostly waiting: compare CPU time)")
        langs = sorted({b.split(":")[0] for b in last["built"]})
        print(f"compiled: {len(langs)} languages, {len(last['built'])} levels: {' '.join(last['built'])}")
        per = sorted(last["sizes"].items(), key=lambda kv: -kv[1])
        print(f"on disk: {last['disk'] / 1e6:.1f} MB in all; stored per language (MB): "
              + ", ".join(f"{k} {v / 1e6:.1f}" for k, v in per))
        print(f"note on stderr (cold): {last['notes'] or '(none)'}; warm: {warm['notes'] or '(none)'}")


if __name__ == "__main__":
    main()
