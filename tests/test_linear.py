"""Bounded time and memory on adversarial input (issue 14, items 4 and 5; user leak patterns).

Each test runs the real command on a file that took minutes to hours (or gigabytes) before;
the subprocess timeout is a hang detector, not a speed assertion. Time per MB at several sizes
is measured by benchmarks/linearity_bench.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support import ARTICLE_NAME, VALID_BODY, article_text

HANG = 60  # seconds: a hang detector; each of these runs takes about a second
MB = 1_000_000
REPO = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, text: str, *args: str, config: str | None = None) -> subprocess.CompletedProcess:
    (tmp_path / ARTICLE_NAME).write_text(text, encoding="utf-8")
    if config is not None:
        (tmp_path / ".news-lint.toml").write_text(config, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "mdlint_news", "--no-cache", "--no-progress",
                           "--output-format", "concise", *args, ARTICLE_NAME],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=HANG)


def with_body(extra: str) -> str:
    """The valid article with ``extra`` added to its `Podrobnosti` section."""
    return article_text(body=VALID_BODY.replace("Podrobnější text článku.\n",
                                                f"Podrobnější text článku.\n{extra}\n"))


def with_keys(extra: str) -> str:
    """The valid article with ``extra`` (YAML lines) at the end of its front matter."""
    text = article_text()
    end = text.index("\n---\n", 4) + 1
    return text[:end] + extra + text[end:]


def test_word_count_leak_pattern_on_a_long_blank_run(tmp_path):
    """`(1` + blanks + `x slov)`: the built-in word-count pattern backtracked over the blanks
    (16k blanks: 4.7 s, growing with the square)."""
    proc = run(tmp_path, with_body("(1" + " " * MB + "x slov)"))
    assert proc.returncode in (0, 1), proc.stderr
    assert "content-leak" not in proc.stdout
    proc = run(tmp_path, with_body("(1 200 slov)"))  # and the pattern still finds a word count
    assert "content-leak" in proc.stdout


def test_yaml_suppression_comment_with_a_long_blank_run(tmp_path):
    proc = run(tmp_path, with_keys("# news-lint: disable=" + " " * MB + "!\n"))
    assert proc.returncode in (0, 1), proc.stderr


def test_many_key_line_suppressions(tmp_path):
    """Each key-line comment looked at every entry of the front matter."""
    keys = "".join(f"k{i}: v  # news-lint: disable=NL203\n" for i in range(MB // 40))
    proc = run(tmp_path, with_keys(keys), "--select", "NL203,NL902")
    assert proc.returncode in (0, 1), proc.stderr
    assert "NL203" not in proc.stdout  # every unknown key is suppressed on its own line
    assert "NL902" not in proc.stdout  # and every suppression is used


def test_many_next_line_suppressions_and_diagnostics(tmp_path):
    """Each diagnostic was compared with every suppression (none of them covers it here)."""
    group = "<!-- news-lint-disable-next-line NL843 -->\n\n(1 slov)\n"
    n = MB // len(group)
    proc = run(tmp_path, with_body(group * n), "--select", "NL843,NL902")
    assert proc.returncode == 1, proc.stderr
    found = proc.stdout.count(": NL843 "), proc.stdout.count(": NL902 ")
    assert found == (n, n)  # every finding stands; every suppression is unused


def test_heading_with_a_long_blank_run(tmp_path):
    """The heading expression backtracked over the blanks inside a heading line."""
    proc = run(tmp_path, with_body("## a" + " " * MB + "b"), "--select", "NL807")
    assert proc.returncode == 1 and "heading 'a" in proc.stdout, proc.stderr


def test_persona_leak_pattern_on_a_long_blank_run(tmp_path):
    """`jako expert na` + blanks: the built-in persona pattern tried every split of the blanks."""
    text = with_body("Vidím.\njako expert na" + " " * MB + "x")  # a verb: the screen lets it through
    proc = run(tmp_path, text, "--select", "NL843")
    assert proc.returncode == 0, proc.stdout[:2000] + proc.stderr
    proc = run(tmp_path, with_body("Jako expert na AI, doporučuji opatrnost."), "--select", "NL843")
    assert "content-leak" in proc.stdout


def test_long_line_with_many_findings_keeps_memory_bounded(tmp_path):
    """A 100 KB line with thousands of findings: each diagnostic kept its own copy of the line
    (2.5 GB); the snippets in the reports are a window around the span."""
    line = "(1 slov) " * (100_000 // 9)
    (tmp_path / ARTICLE_NAME).write_text(with_body(line), encoding="utf-8")
    probe = ("import resource, subprocess, sys\n"
             "p = subprocess.run([sys.executable, '-m', 'mdlint_news', '--no-cache', '--no-progress',"
             f" '--output-format', 'sarif', '--output-file', 'out.sarif', {ARTICLE_NAME!r}])\n"
             "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=HANG * 2)
    rc, peak_kb = map(int, proc.stdout.split())
    assert rc == 1, proc.stderr
    assert peak_kb < 300_000, f"peak RSS {peak_kb / 1000:.0f} MB"
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert len(results) > 10_000
    assert max(len(r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"])
               for r in results) <= 1000


def test_full_report_caret_under_the_span_in_a_long_line(tmp_path):
    """The windowed source line keeps the caret under the finding."""
    line = "x" * 5000 + " (1 200 slov) " + "y" * 5000
    proc = run(tmp_path, with_body(line), "--select", "NL843", "--output-format", "full")
    lines = proc.stdout.splitlines()
    at = next(i for i, s in enumerate(lines) if "content-leak" in s)
    source, caret = lines[at + 2], lines[at + 3]
    assert len(source) < 1000
    start = caret.index("^")
    assert source[start:start + len(caret) - start] == "(1 200 slov)"


# --------------------------------------------------------------------------- user patterns

def _profile_with_pattern(tmp_path: Path, pattern: str) -> str:
    profile = (REPO / "schemas" / "tech_news_article.yaml").read_text(encoding="utf-8")
    entry = f"      - name: mine\n        pattern: '{pattern}'\n"
    profile = profile.replace("    patterns:\n", "    patterns:\n" + entry, 1)
    (tmp_path / "ours.yaml").write_text(profile, encoding="utf-8")
    return 'profile = "ours.yaml"\n'


def test_catastrophic_user_pattern_is_refused_at_load(tmp_path):
    config = _profile_with_pattern(tmp_path, "(x+x+)+y")
    proc = run(tmp_path, with_body("x" * 64 + " y"), config=config)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    # named by its place in the profile, not by its text (profile values are never echoed)
    assert "body.leaks.patterns.0.pattern" in proc.stderr and "ours.yaml" in proc.stderr
    assert "catastrophic backtracking" in proc.stderr and "the value" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ordinary_user_pattern_still_works(tmp_path):
    config = _profile_with_pattern(tmp_path, r"\bjako model\b")
    proc = run(tmp_path, with_body("Odpovídám jako model."), config=config)
    assert proc.returncode == 1 and "content-leak" in proc.stdout, proc.stdout + proc.stderr


def test_many_invisible_characters_on_one_long_line(tmp_path):
    """Each invisible character copied its whole line to check what removing it would make of it."""
    proc = run(tmp_path, with_body("a\u200b " * (MB // 3)), "--select", "NL703")
    assert proc.returncode == 1 and " NL703 " in proc.stdout, proc.stderr


def test_structural_check_per_line_equals_its_definition():
    """rules/encoding._becomes_structural (the line read once) decides what slicing the line
    around each removal and matching ``_STRUCTURAL`` decides."""
    import random

    from mdlint_news.diagnostics import LineIndex
    from mdlint_news.rules.encoding import _INVISIBLE_RE, _STRUCTURAL, _becomes_structural

    rng = random.Random(14)
    pieces = ["-", "---", ".", "...", "+", "+++", "{", "#", " ", "   ", "\t", "\r", "<<<<<<<",
              "=======", ">>>>>>>", "x", "\u200b", "\u00ad", "\u200b\u200b", "\n"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        starts, seen = LineIndex(text).starts, {}
        for m in _INVISIBLE_RE.finditer(text):
            ls = text.rfind("\n", 0, m.start()) + 1
            eol = text.find("\n", m.end())
            eol = len(text) if eol == -1 else eol
            want = bool(_STRUCTURAL.match(text[ls:m.start()] + text[m.end():eol])) \
                and not _STRUCTURAL.match(text[ls:eol])
            assert ls in starts
            assert _becomes_structural(text, m.start(), m.end(), ls, eol, seen) == want, text


def test_many_section_headings(tmp_path):
    """The end of each section was found by copying the list of the headings after it (2 MB:
    the copies are fast, their number grows with the square)."""
    proc = run(tmp_path, with_body("## Souhrn\n" * (2 * MB // 10)), "--select", "NL806")
    assert proc.returncode == 1 and " NL806 " in proc.stdout, proc.stderr


def test_many_suppression_comments_on_one_line(tmp_path):
    """Each unused comment's removal copied its whole line."""
    comment = "<!-- news-lint-disable-next-line NL8 -->"
    proc = run(tmp_path, with_body(comment * (MB // len(comment))), "--select", "NL8,NL902")
    assert proc.returncode == 1 and " NL902 " in proc.stdout, proc.stderr


def _mojibake_operations(line: str) -> int:
    """Python calls (functions and built-ins) made to look for mojibake in ``line``: a count of
    the work done, not a time."""
    from mdlint_news import mojibake

    count = 0

    def tally(frame, event, arg):
        nonlocal count
        count += 1

    sys.setprofile(tally)
    try:
        mojibake.find_mojibake(line, language="cs")
    finally:
        sys.setprofile(None)
    return count


def test_a_long_line_of_lost_bytes_costs_work_in_proportion_to_its_length():
    """`ÃÄÃÄ...`: every character a lead byte whose continuation was lost, the whole line one
    word. The resolution re-scored the whole group for every slot and option (300 characters:
    70 s; the work grew 13 to 24 times for each tripling of the length); each choice is now scored
    on the words around it."""
    from mdlint_news import mojibake

    mojibake.find_mojibake("ÃÄ" * 500, language="cs")  # the word lists read once, before counting
    ops = [_mojibake_operations("ÃÄ" * (n // 2)) for n in (100, 300, 1000)]
    assert ops[1] / ops[0] < 4.5 and ops[2] / ops[1] < 4.5, ops  # linear: ~3 and ~3.3
