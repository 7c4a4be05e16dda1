"""The properties news-lint must have on any input, as plain functions that raise
AssertionError; the hypothesis tests and the fuzzer both call them.

For text (``check_text``, the Python API): no exception escapes, no internal-error; linting is
deterministic; the fix loop, replayed pass by pass, changes nothing outside the edits it
reports; fixing is idempotent; after fixing no safe fix is left; the fixed front matter still
parses. For bytes (``check_file``, the command line and ``lint_paths``): the same, through real
files, with ``--fix`` run twice."""

from __future__ import annotations

import contextlib
import io
import os
from datetime import datetime, timezone
from pathlib import Path

import mdlint_news
from mdlint_news import cli, document
from mdlint_news.decoding import DecodeError, decode, detect_newline
from mdlint_news.diagnostics import Applicability, Diagnostic
from mdlint_news.fixes import MAX_PASSES, _is_line_break_change, apply_fixes

NOW = datetime(2026, 2, 1, tzinfo=timezone.utc)


def key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.column, d.end_line, d.end_column, d.code, d.message, d.start, d.end,
            repr(d.fix))


def no_internal_error(diagnostics, what: str) -> None:
    bad = [d.message for d in diagnostics if d.name == "internal-error"]
    assert not bad, f"{what}: internal-error: {bad}"


def safe_fixable(diagnostics) -> list[Diagnostic]:
    return [d for d in diagnostics if d.fix is not None and d.fix.applicability is Applicability.SAFE]


def _replay_passes(text: str, first: list[Diagnostic], lint, unsafe: bool) -> str:
    """The fix loop again, checking every pass: edits inside the text, sorted, not overlapping,
    and the new text is exactly the old with those edits (everything else byte-identical)."""
    newline = detect_newline(text)
    current, diagnostics = text, first
    for _ in range(MAX_PASSES):
        new, applied = apply_fixes(current, diagnostics, unsafe, newline)
        if not applied or new == current:
            return current
        edits = sorted({e for d in applied for e in d.fix.edits})
        pos_old = pos_new = 0
        for e in edits:
            assert pos_old <= e.start <= e.end <= len(current), (e, pos_old, len(current))
            keep = current[pos_old:e.start]
            assert new[pos_new:pos_new + len(keep)] == keep, f"text before {e} changed"
            pos_new += len(keep)
            content = e.content
            if newline != "\n" and "\n" in content and not _is_line_break_change(current, e):
                content = content.replace("\r\n", "\n").replace("\n", newline)
            assert new[pos_new:pos_new + len(content)] == content, f"edit {e} not applied as reported"
            pos_new += len(content)
            pos_old = e.end
        assert new[pos_new:] == current[pos_old:], "text after the last edit changed"
        current, diagnostics = new, lint(new)
    return current


def _parses(text: str) -> bool:
    return document.parse(text).data is not None


def check_text(name: str, text: str, unsafe: bool = False) -> None:
    def lint(t: str) -> list[Diagnostic]:
        return mdlint_news.lint_text(t, path=name, now=NOW)

    first = lint(text)
    no_internal_error(first, "lint_text")
    assert [key(d) for d in first] == [key(d) for d in lint(text)], "lint_text is not deterministic"
    result = mdlint_news.fix_text(text, path=name, unsafe=unsafe, now=NOW)
    assert result.error is None, f"fix_text refused: {result.error}"
    no_internal_error(result.remaining, "fix_text")
    assert _replay_passes(text, first, lint, unsafe) == result.text, "fix loop is not deterministic"
    left = safe_fixable(result.remaining)
    assert not left, f"safe fixes left after fixing: {[(d.name, d.message) for d in left]}"
    assert [key(d) for d in lint(result.text)] == [key(d) for d in result.remaining]
    again = mdlint_news.fix_text(result.text, path=name, unsafe=unsafe, now=NOW)
    assert again.text == result.text and not again.fixed, \
        f"fixing is not idempotent: {[d.name for d in again.fixed]}"
    if _parses(text):
        assert _parses(result.text), "the fixed front matter no longer parses"
    if not any(d.name in ("yaml-syntax", "frontmatter-missing", "frontmatter-format") for d in first):
        assert not any(d.name == "yaml-syntax" for d in result.remaining), "fixing broke the YAML"


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["--no-progress", "--output-format", "concise", *args])
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return rc, out.getvalue() + err.getvalue()


def check_file(folder: Path, name: str, data: bytes) -> None:
    """One file through lint_paths and the command line (in process): lint twice, --fix twice."""
    path = folder / name
    path.write_bytes(data)
    first = mdlint_news.lint_paths([path])
    no_internal_error(first, "lint_paths")
    assert [key(d) for d in first] == [key(d) for d in mdlint_news.lint_paths([path])], \
        "lint_paths is not deterministic"
    rc, out = run_cli(str(path))
    assert rc in (0, 1) and "internal-error" not in out, out
    assert run_cli(str(path)) == (rc, out), "the command line is not deterministic"
    rc, out = run_cli("--fix", str(path))
    assert rc in (0, 1) and "internal-error" not in out, out
    fixed = path.read_bytes()
    rc2, out2 = run_cli("--fix", str(path))
    assert path.read_bytes() == fixed, f"--fix is not idempotent:\n{out2}"
    assert "No fixes applied." in out2, out2
    after = mdlint_news.lint_paths([path])
    left = safe_fixable(after)
    assert not left, f"safe fixes left after --fix: {[(d.name, d.message) for d in left]}"
    assert not [p for p in os.listdir(folder) if p.endswith(".tmp")], "temporary file left"
    if fixed != data:
        try:
            text = decode(fixed, guess=False).text
        except DecodeError as exc:
            raise AssertionError(f"--fix wrote a file that is not UTF-8: {exc}") from None
        try:
            before_ok = _parses(decode(data).text)
        except DecodeError:
            before_ok = False
        if before_ok:
            assert _parses(text), "the fixed front matter no longer parses"
    path.unlink()


def _grown(text: str, piece: str, size: int) -> str:
    return text + piece * max(1, (size - len(text)) // len(piece))


def _cost(text: str, path: str, budget: float | None = None) -> tuple[float, int]:
    """Seconds to lint ``text`` (best of two) and the peak of memory traced while linting it;
    AssertionError when one run takes over ``budget`` seconds (it is stopped: a hang)."""
    import signal
    import time
    import tracemalloc

    def over(*_):
        raise AssertionError(f"linting {len(text):,} characters took over {budget:.0f} s")

    old = signal.signal(signal.SIGALRM, over)
    best = float("inf")
    try:
        for _ in range(2):
            signal.setitimer(signal.ITIMER_REAL, budget or 0)
            t0 = time.perf_counter()
            mdlint_news.lint_text(text, path=path, now=NOW)
            best = min(best, time.perf_counter() - t0)
            signal.setitimer(signal.ITIMER_REAL, 0)
        tracemalloc.start()
        mdlint_news.lint_text(text, path=path, now=NOW)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        tracemalloc.stop()
    return best, peak


def check_linear(path: str, text: str, piece: str, small: int = 250_000, large: int = 1_000_000,
                 limit: float = 2.5) -> None:
    """Linting the article grown to ``large`` characters costs at most ``limit`` times as much
    per character, in time and in memory, as grown to ``small`` (linear: about 1; quadratic: 4).
    A run is stopped as a hang after a minute (the small one) or 4 times what the ratio allows."""
    a, b = _grown(text, piece, small), _grown(text, piece, large)
    scale = len(b) / len(a)
    t_small, m_small = _cost(a, path, budget=60)
    t_large, m_large = _cost(b, path, budget=4 * limit * scale * max(t_small, 0.5))
    t_ratio = t_large / max(t_small, 1e-3) / scale
    m_ratio = m_large / max(m_small, 1 << 20) / scale
    assert t_ratio <= limit, f"time per MB {t_ratio:.1f}x larger at {len(b):,} than at {len(a):,} chars"
    assert m_ratio <= limit, f"memory per MB {m_ratio:.1f}x larger at {len(b):,} than at {len(a):,} chars"
