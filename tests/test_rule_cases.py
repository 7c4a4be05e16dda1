"""Per-rule case files, sqlfluff style: ``tests/cases/<rule-name>.yaml``.

Each file names its rule and lists cases. A case is either ``pass`` (a whole article on which the
rule must report nothing) or ``fail`` (an article on which the rule must report exactly
``violations``: a list of ``[line, column]``, 1-based, in order). Optional keys:

``fix``         the text ``--fix`` (safe fixes only) must produce; fixing it again changes nothing
                and the rule no longer reports anything with a safe fix. A ``fail`` case without
                ``fix`` asserts that ``--fix`` leaves the text unchanged.
``unsafe_fix``  the same for ``--fix --unsafe-fixes``.
``path``        the file path given to the linter (file-name rules need it).
``now``         a fixed clock, ISO 8601 (future-date).
``settings``    configuration keys, as in ``[tool.news-lint]`` (``timezone``, ``author-since`` ...).
``crlf``        when true, every ``\\n`` of the case's texts becomes ``\\r\\n`` before linting, and in
                the expected fixes too: fixes must keep the file's line endings.

Only the case's rule is selected, so other rules cannot interfere with positions or fixes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from mdlint_news.config import FileConfig, Settings
from mdlint_news.fixes import allowed, fix_loop
from mdlint_news.rules import BY_NAME, RULES
from mdlint_news.runner import lint_text

CASES_DIR = Path(__file__).parent / "cases"
# reported by the runner or from how the file's bytes were decoded, not from a text
# (tested in test_cli.py, test_fixes.py and test_encoding_files.py)
NOT_FROM_TEXT = {"unreadable-file", "internal-error", "not-utf8", "bom",
                 "duplicate-slug", "duplicate-url", "duplicate-title",  # test_crossfile.py
                 "category-cut", "boilerplate-body"}
CASE_KEYS = {"name", "pass", "fail", "violations", "fix", "unsafe_fix", "path", "now", "settings", "crlf"}


def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _case_files() -> dict[str, dict]:
    return {p.stem: _load(p) for p in sorted(CASES_DIR.glob("*.yaml"))}


def _params():
    out = []
    for stem, data in _case_files().items():
        for i, case in enumerate(data.get("cases") or []):
            name = case.get("name", f"case {i}")
            out.append(pytest.param(stem, data.get("rule"), case, id=f"{stem}/{name}"))
    return out


def _nl(text: str | None, crlf: bool) -> str | None:
    if text is None or not crlf:
        return text
    assert "\r" not in text, "write crlf cases with plain \\n; the flag converts them"
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize("stem, rule_name, case", _params())
def test_rule_case(stem: str, rule_name: str, case: dict):
    assert rule_name == stem, f"{stem}.yaml must say 'rule: {stem}'"
    assert rule_name in BY_NAME, f"unknown rule {rule_name!r}"
    assert not set(case) - CASE_KEYS, f"unknown keys {sorted(set(case) - CASE_KEYS)}"
    assert ("pass" in case) != ("fail" in case), "a case has exactly one of 'pass' and 'fail'"

    crlf = bool(case.get("crlf"))
    newline = "\r\n" if crlf else "\n"
    text = _nl(case["pass"] if "pass" in case else case["fail"], crlf)
    path = case.get("path", "")
    now = datetime.fromisoformat(case["now"]) if case.get("now") else None
    settings = Settings(file=FileConfig.model_validate(case.get("settings") or {}),
                        cli_select=[rule_name])

    def lint(t: str):
        return lint_text(t, path, settings, now)

    def own(diagnostics):
        return [d for d in diagnostics if d.name == rule_name]

    diagnostics = lint(text)
    assert all(d.name == rule_name for d in diagnostics), "only the case's rule is selected"

    if "pass" in case:
        assert not {"violations", "fix", "unsafe_fix"} & set(case), "a pass case expects nothing"
        assert own(diagnostics) == [], [(d.line, d.column, d.message) for d in own(diagnostics)]
        assert fix_loop(text, lint).text == text
        return

    assert "violations" in case, "a fail case lists its violations"
    expected = [tuple(v) for v in case["violations"]]
    got = [(d.line, d.column) for d in own(diagnostics)]
    assert got == expected, [(d.line, d.column, d.message) for d in own(diagnostics)]

    for key, unsafe in (("fix", False), ("unsafe_fix", True)):
        want = _nl(case.get(key), crlf)
        if want is None:
            if not unsafe:
                result = fix_loop(text, lint, unsafe=False, newline=newline)
                assert result.error is None, result.error
                assert result.text == text, "no safe fix expected, but --fix changed the text"
            continue
        result = fix_loop(text, lint, unsafe=unsafe, newline=newline)
        assert result.error is None, result.error
        assert result.text == want
        again = fix_loop(result.text, lint, unsafe=unsafe, newline=newline)
        assert again.error is None, again.error
        assert again.text == result.text, "fixing the fixed text changed it again"
        left = [d for d in own(lint(result.text)) if d.fix and allowed(d.fix.applicability, unsafe)]
        assert left == [], [(d.line, d.column, d.message) for d in left]


def test_every_rule_has_cases():
    files = _case_files()
    problems = []
    for r in RULES:
        if r.name in NOT_FROM_TEXT:
            continue
        data = files.get(r.name)
        if data is None:
            problems.append(f"{r.name}: no tests/cases/{r.name}.yaml")
            continue
        cases = data.get("cases") or []
        if not any("pass" in c for c in cases):
            problems.append(f"{r.name}: no pass case")
        if not any("fail" in c for c in cases):
            problems.append(f"{r.name}: no fail case")
        if r.fix is not None and not any("fix" in c or "unsafe_fix" in c for c in cases):
            problems.append(f"{r.name}: has a fix ({r.fix.value}) but no case with fix/unsafe_fix")
    for stem in files:
        if stem not in BY_NAME:
            problems.append(f"{stem}.yaml: no such rule")
    assert not problems, "\n".join(problems)


def test_case_names_are_unique():
    for stem, data in _case_files().items():
        names = [c.get("name") for c in data.get("cases") or []]
        assert all(names), f"{stem}: every case needs a name"
        dupes = {n for n in names if names.count(n) > 1}
        assert not dupes, f"{stem}: duplicate case names {sorted(dupes)}"
