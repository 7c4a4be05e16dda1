"""Long fuzzing runs: ``make fuzz`` (FUZZ_SECONDS=300 by default,
FUZZ_TARGET=all|text|unsafe|bytes|linear).

Hypothesis-based, not atheris: both were tried on this code (see the Makefile comment).
Every example goes through the same checks as tests/test_properties.py; examples are drawn
at random (not derandomized) and failures are shrunk and printed with a reproduction blob.
Prints the number of examples tried per target and exits 1 on the first failure."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from fuzz import checks, strategies  # noqa: E402


class _Budget(Exception):
    pass


def _only_budget(exc: BaseException) -> bool:
    """An exception group (hypothesis's FlakyFailure) whose every leaf is the budget."""
    subs = getattr(exc, "exceptions", None)
    if not subs:
        return isinstance(exc, _Budget)
    return all(_only_budget(e) for e in subs)


def run_target(name: str, seconds: float) -> tuple[int, bool]:
    """Run one target until ``seconds`` have passed; return (examples tried, passed)."""
    count = [0]
    deadline = time.monotonic() + seconds
    folder = Path(tempfile.mkdtemp(prefix="news-lint-fuzz-"))

    if name == "text":
        strategy, check = strategies.any_text(), (lambda ex: checks.check_text(*ex))
    elif name == "unsafe":
        strategy, check = strategies.any_text(), (lambda ex: checks.check_text(*ex, unsafe=True))
    elif name == "linear":  # time and memory per MB at 0.25 and 1 MB (benchmarks/linearity_bench.py)
        strategy, check = strategies.growth(), (lambda ex: checks.check_linear(*ex))
    else:
        strategy, check = strategies.any_bytes(), (lambda ex: checks.check_file(folder, *ex))

    # a linear example lints megabytes (seconds): shrinking one would take hours
    phases = [Phase.generate] if name == "linear" else [Phase.generate, Phase.shrink]

    @settings(max_examples=10**9, deadline=None, database=None, derandomize=False,
              phases=phases, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def target(example):
        if time.monotonic() > deadline:
            raise _Budget
        count[0] += 1
        check(example)

    try:
        target()
    except _Budget:
        return count[0], True
    except Exception as exc:  # noqa: BLE001 - report any failure, shrunk by hypothesis
        if _only_budget(exc):  # the deadline met hypothesis replaying an example (a
            return count[0], True  # "flaky" replay of the budget itself, not a failure)
        import traceback

        print(f"FAILED ({name}) after {count[0]} examples:", file=sys.stderr)
        traceback.print_exception(exc, file=sys.stderr)
        return count[0], False
    return count[0], True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--target", choices=["all", "text", "unsafe", "bytes", "linear"], default="all")
    args = ap.parse_args()
    targets = ["text", "unsafe", "bytes", "linear"] if args.target == "all" else [args.target]
    shares = {"text": 0.35, "unsafe": 0.1, "bytes": 0.35, "linear": 0.2} if args.target == "all" \
        else {args.target: 1}
    ok = True
    total = 0
    t0 = time.monotonic()
    for t in targets:
        n, passed = run_target(t, args.seconds * shares[t])
        total += n
        print(f"fuzz {t}: {n} examples, {'ok' if passed else 'FAILED'}", flush=True)
        ok = ok and passed
        if not ok:
            break
    print(f"fuzz: {total} examples tried in {time.monotonic() - t0:.0f} s: "
          f"{'no failure' if ok else 'failure (see above)'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
