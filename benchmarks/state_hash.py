"""The state of news-lint's output, as hashes: a refactoring that changes no behaviour prints the
same hashes before and after (issue 16: "the JSON output on the corpus and the benchmark corpus is
byte-identical").

    python benchmarks/state_hash.py                  # print one hash per input set and command
    python benchmarks/state_hash.py --save DIR       # also keep every output under DIR (to diff)

Input sets, written to a temporary folder (paths in the output are relative to it):
  corpus     ../shared/corpus/marigold as it is (skipped when absent)
  generated  benchmarks/bench.py's generated articles (--n, seed 7: defects of every kind)
  damaged    the first --damaged corpus/example articles, each damaged by every shape of
             tests/damage.py (the file text as written), plus each saved in every legacy code page
  examples   examples/content
For each set: `--output-format json`, `--diff` and `--unsafe-fixes --diff`, each with its exit code,
every run with --no-cache. The date rules compare with today: compare runs made on the same day.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus" / "marigold"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

COMMANDS = {
    "json": ["--output-format", "json"],
    "diff": ["--diff"],
    "unsafe-diff": ["--unsafe-fixes", "--diff"],
}


def build(work: Path, n: int, damaged: int) -> list[str]:
    from bench import generate  # noqa: E402  (benchmarks/ is not a package)
    from tests.damage import LEGACY_CODEPAGES, SHAPES, saved_as

    sets = []
    sources = sorted((ROOT / "examples" / "content").glob("*.md"))
    if SHARED.is_dir():
        shutil.copytree(SHARED, work / "corpus")
        sets.append("corpus")
        sources += sorted(SHARED.glob("*.md"))
    generate(work / "generated", n)
    sets.append("generated")
    out = work / "damaged"
    out.mkdir()
    for i, src in enumerate(sources[:damaged]):
        text = src.read_text(encoding="utf-8")
        for j, shape in enumerate(SHAPES.values()):
            (out / f"{i:03d}-{j:02d}-{src.name}").write_text(shape.damage(text), encoding="utf-8")
        for codec in LEGACY_CODEPAGES:
            (out / f"{i:03d}-{codec}-{src.name}").write_bytes(saved_as(text, codec))
    sets.append("damaged")
    shutil.copytree(ROOT / "examples" / "content", work / "examples")
    sets.append("examples")
    return sets


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="generated articles (default 2000)")
    ap.add_argument("--damaged", type=int, default=12, help="articles damaged by every shape")
    ap.add_argument("--save", type=Path, help="keep every output in this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="news-lint-state-") as tmp:
        work = Path(tmp)
        sets = build(work, args.n, args.damaged)
        total = hashlib.sha256()
        for name in sets:
            for label, flags in COMMANDS.items():
                p = subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--color", "never",
                                    *flags, name], cwd=work, capture_output=True,
                                   env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                        "HOME": str(Path.home()), "NO_COLOR": "1"})
                blob = p.stdout + b"\nexit %d\n" % p.returncode
                digest = hashlib.sha256(blob).hexdigest()
                total.update(digest.encode())
                print(f"{name:10} {label:12} exit {p.returncode}  {len(p.stdout):>10,} bytes  "
                      f"{digest[:16]}", flush=True)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    (args.save / f"{name}.{label}.out").write_bytes(blob)
        print(f"{'all':10} {'':12} {'':7} {'':16}  {total.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
