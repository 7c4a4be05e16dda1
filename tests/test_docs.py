"""Generated documentation must match the code: JSON Schemas, the README's rule list and demo."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mdlint_news import docgen
from mdlint_news.rules import RULES
from mdlint_news.schema import MODELS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("layout", sorted(MODELS))
def test_committed_schema_is_fresh(layout):
    committed = (ROOT / "schemas" / f"{layout}.schema.json").read_text(encoding="utf-8")
    assert committed == docgen.schema_text(layout), "stale: run `make schemas`"


def test_schema_command_prints_the_committed_schema():
    out = subprocess.run([sys.executable, "-m", "mdlint_news", "schema", "tech_news_article"],
                         capture_output=True, text=True, check=True, encoding="utf-8").stdout
    committed = json.loads((ROOT / "schemas" / "tech_news_article.schema.json").read_text("utf-8"))
    assert json.loads(out) == committed
    assert set(committed["required"]) >= {"url", "publishedAt", "date", "source", "title"}


def test_readme_is_fresh():
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert current == docgen.readme_text(current, ROOT), "stale: run `make readme`"


def test_readme_lists_every_rule_once():
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    for r in RULES:
        assert current.count(f"| {r.code} | `{r.name}` |") == 1


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_docs_are_complete(rule):
    """Every rule documents what it does and its fix safety (yamllint/ruff style)."""
    assert rule.code[:2] == "NL" and rule.code[2:].isdigit() and len(rule.code) == 5
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.headline.endswith("."), rule.headline
    assert "**Fix" in rule.doc, f"{rule.name}: document the fix (or that there is none)"
    if rule.fix is not None:
        assert rule.fix.value in rule.doc.lower(), f"{rule.name}: say whether its fix is safe"


def _codes_match(spec: str, code: str) -> bool:
    """``NL6xx`` (a family of codes), ``NL601-NL606`` (a range) or ``NL608`` (one code)."""
    if "-" in spec:
        low, high = spec.split("-")
        return low <= code <= high
    return len(spec) == len(code) and all(s in ("x", c) for s, c in zip(spec, code))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_registry_table_says_where_each_rule_lives(rule):
    """A newcomer finds a rule from the table in ``rules/__init__.py``: the row whose codes
    cover the rule's code names the module that defines it."""
    import mdlint_news.rules as registry

    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in registry.__doc__.splitlines() if line.startswith("| ") and "``" in line]
    homes = [modules for _, codes, modules in rows
             if any(_codes_match(spec.strip(), rule.code) for spec in codes.split(","))]
    assert homes and all(f"``{rule.family}.py``" in m for m in homes), (rule.code, homes)


def test_the_contributing_guide_names_what_exists():
    """Every module, folder, test and design note CONTRIBUTING.md points a newcomer to is there
    (a guide that names a moved file sends them nowhere)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = set(re.findall(r"[\w/-]+\.(?:py|md|yaml)\b|(?<!\.\./)\b[\w]+/(?=[`\s,)])", text))
    assert len(named) > 20
    where = [ROOT, ROOT / "mdlint_news", ROOT / "mdlint_news" / "rules", ROOT / "tests",
             ROOT / "docs", ROOT / "benchmarks"]
    missing = sorted(n for n in named if "<" not in n and not any((w / n).exists() for w in where))
    assert not missing
