"""``--fix`` in a loop against an editor saving the same article (issue 14, item 2): counts of
lost saves and half articles, per saving style, over a longer run than the test's.

    python benchmarks/concurrent_fix_bench.py [SECONDS per style, default 30] [SEED]

The editor and the fixer are the processes of tests/test_concurrent_writes.py."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_concurrent_writes import ARTICLE_NAME, _run_pair  # noqa: E402


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(f"{'style':<8} {'saves':>6} {'lost':>5} {'half':>5} {'nl runs':>8} {'nl fixed':>8} "
          f"{'nl skipped':>10} {'eager':>6}  ({seconds:.0f} s each)")
    for style in ("rename", "inplace"):
        with tempfile.TemporaryDirectory() as tmp:
            ed, fx = _run_pair(Path(tmp) / ARTICLE_NAME, style, seconds, seed)
        print(f"{style:<8} {ed['saves']:>6} {ed['lost']:>5} {ed['half']:>5} {fx['runs']:>8} "
              f"{fx['fixed']:>8} {fx['skipped']:>10} {ed['eager']:>6}", flush=True)


if __name__ == "__main__":
    main()
